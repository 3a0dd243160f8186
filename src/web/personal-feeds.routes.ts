/**
 * Personal feeds (issue 14 item 5): `/settings/feeds` lists the reader's private feed URLs (For
 * you, each followed search, each collection) with "new links"; `/feeds/<user id>/<feed>.<format>
 * ?key=…` serves one feed to whoever holds its URL (src/users/personal-feeds.ts: the key is that
 * feed's own HMAC). Never from the shared page cache; `Cache-Control: private`. A wrong, missing
 * or stale key, an unknown account or a feed that is gone all get the same 404.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { NotFoundError } from '../errors.ts';
import type { FeedItem } from '../feed/feed.ts';
import { reasonText } from '../foryou/rank.ts';
import { feedPath, type PersonalFeed, parseFeedPath } from '../users/personal-feeds.ts';
import { FEED_TYPES, renderFeed } from './feeds.ts';
import { requireRole } from './guard.ts';
import { feedItemsOf, HTML, newestMatching, splitExt, type WebDeps } from './respond.ts';
import { layout } from './views/layout.view.ts';
import { type PersonalFeedLink, personalFeedsPage } from './views/personal-feeds.view.ts';

/** Items per personal feed. */
const FEED_SIZE = 50;
const NO_FEED = 'No such feed.';

export const personalFeedRoutes =
  (deps: WebDeps): FastifyPluginAsync =>
  async (app) => {
    const { site, store, config } = deps;
    const base = config.baseUrl!.replace(/\/$/, '');

    async function links(userId: number): Promise<PersonalFeedLink[]> {
      const [follows, collections] = await Promise.all([
        site.forYou.follows(userId),
        store.library.collections(userId),
      ]);
      const feeds: { title: string; feed: PersonalFeed }[] = [
        { title: 'For you', feed: { kind: 'for-you' } },
        ...follows
          .filter((f) => f.kind === 'search')
          .map((f) => ({ title: `Search: ${f.label}`, feed: { kind: 'search', followId: f.id } as const })),
        ...collections.map((c) => ({
          title: `Collection: ${c.name}${c.isPublic ? '' : ' (private)'}`,
          feed: { kind: 'collection', collectionId: c.id } as const,
        })),
      ];
      const keys = await site.feedKeys.keysFor(
        userId,
        feeds.map((f) => f.feed),
      );
      return feeds.map(({ title, feed }, i) => {
        const url = (ext: string) => `${base}/feeds/${userId}/${feedPath(feed)}.${ext}?key=${keys[i]}`;
        return { title, urls: { rss: url('rss'), atom: url('atom'), json: url('json') } };
      });
    }

    const page = async (req: FastifyRequest, reply: FastifyReply, renewed: boolean) => {
      const v = req.viewer!;
      return reply
        .type(HTML)
        .header('Cache-Control', 'private, no-store')
        .header('Referrer-Policy', 'no-referrer')
        .send(
          layout(
            { title: 'Your feeds', siteName: config.siteName, viewer: v, path: req.url },
            personalFeedsPage(v, await links(v.user.id), renewed),
          ),
        );
    };

    app.get('/settings/feeds', async (req, reply) => {
      if (!req.viewer) return reply.redirect('/login?next=/settings/feeds', 303);
      return page(req, reply, false);
    });

    app.post('/settings/feeds/renew', async (req, reply) => {
      const user = requireRole(req, 'user');
      await site.feedKeys.renew(user.id);
      return page(req, reply, true);
    });

    app.get<{ Params: { uid: string; '*': string } }>('/feeds/:uid/*', async (req, reply) => {
      const [path, format] = splitExt(req.params['*']);
      const feed = parseFeedPath(path);
      const uid = Number(req.params.uid);
      const raw = (req.query as { key?: unknown }).key;
      const key = typeof raw === 'string' ? raw : ''; // a repeated or absent key opens nothing
      if (!format || !feed || !/^[1-9]\d{0,14}$/.test(req.params.uid)) throw new NotFoundError(NO_FEED);
      if (!(await site.feedKeys.opens(uid, feed, key))) throw new NotFoundError(NO_FEED);
      const f = await content(uid, feed);
      const body = renderFeed(
        format,
        {
          title: `${config.siteName}: ${f.title}`,
          description: f.description,
          link: `${base}${f.link}`,
          self: `${base}${req.url.split('?')[0]}?key=${key}`,
          ...(f.notes ? { notes: f.notes } : {}),
        },
        f.items,
        base,
      );
      return reply
        .type(FEED_TYPES[format])
        .header('Cache-Control', 'private, max-age=300')
        .header('X-Robots-Tag', 'noindex')
        .header('Referrer-Policy', 'no-referrer')
        .send(body);
    });

    const items = (ids: number[]) => feedItemsOf(store, ids);

    async function content(
      userId: number,
      feed: PersonalFeed,
    ): Promise<{
      title: string;
      description: string;
      link: string;
      items: FeedItem[];
      notes?: Map<number, string>;
    }> {
      if (feed.kind === 'for-you') {
        const ranked = (await site.forYou.page(userId, {}, { offset: 0, limit: FEED_SIZE })).items;
        const notes = new Map(
          ranked.map((r) => [r.paperId, `Why: ${r.reasons.map(reasonText).join('; ')}.`] as const),
        );
        return {
          title: 'For you',
          description: 'New papers ranked for you, each with the reason it is here.',
          link: '/for-you',
          items: await items(ranked.map((r) => r.paperId)),
          notes,
        };
      }
      if (feed.kind === 'alerts') {
        // Events of the alerts that deliver to the feed (issue 15), one item per paper, its
        // newest event first; the reasons go before the abstract.
        const events = await site.alerts.events(userId, FEED_SIZE, 'feed');
        const notes = new Map<number, string>();
        for (const e of events)
          notes.set(e.paperId, [notes.get(e.paperId), `Alert: ${e.reason}.`].filter(Boolean).join(' '));
        return {
          title: 'Your alerts',
          description: 'Events of your alerts that deliver to this feed, newest first.',
          link: '/alerts',
          items: await items([...notes.keys()]),
          notes,
        };
      }
      if (feed.kind === 'search') {
        const follow = (await site.forYou.follows(userId)).find(
          (f) => f.kind === 'search' && f.id === feed.followId,
        );
        if (!follow) throw new NotFoundError(NO_FEED);
        // A query the language no longer accepts (saved before a change) matches nothing.
        const r = await newestMatching(deps, follow.key);
        return {
          title: `Search ${follow.label}`,
          description: `The newest papers matching the followed search “${follow.label}”.`,
          link: `/search?q=${encodeURIComponent(follow.key)}`,
          items: r.items,
        };
      }
      const c = await store.library.collection(feed.collectionId);
      if (!c || c.userId !== userId) throw new NotFoundError(NO_FEED);
      const { ids } = await store.library.paperIds(c.id, FEED_SIZE, 0);
      return {
        title: c.name,
        description: `Papers in the collection “${c.name}”, newest added first.`,
        link: `/library/${c.id}`,
        items: await items(ids),
      };
    }
  };
