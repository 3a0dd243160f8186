/**
 * List pages, each also RSS/Atom/JSON: the daily feed (`/`, `/papers?date=|week=|month=`),
 * trending (`/trending?cat=`), categories (`/categories/<id>`) and authors (`/authors/<name>`).
 * Handlers are pipelines: parse the query, ask the store, render.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { NotFoundError } from '../errors.ts';
import type { FeedItem } from '../feed/feed.ts';
import {
  dayPeriod,
  isoDay,
  monthOf,
  type Period,
  periodFromQuery,
  periodLabel,
  periodParam,
  weekOf,
} from '../feed/period.ts';
import { CATEGORY_HINT, CATEGORY_RE, isCategory } from '../papers/category.ts';
import { newestFollowed } from '../setup/home.ts';
import { html } from './html.ts';
import {
  feedLinks,
  formatOf,
  listContext,
  parse,
  sendFeed,
  sendPage,
  splitExt,
  type WebDeps,
} from './respond.ts';
import type { Pager } from './views/cards.view.ts';
import {
  authorPage,
  categoryPage,
  dailyPage,
  LIST_SORTS,
  TRENDING_WINDOWS,
  trendingPage,
  WINDOW_DAYS,
  WINDOW_LABELS,
} from './views/feed.view.ts';
import { followControl } from './views/foryou.view.ts';
import { followedFallback } from './views/setup.view.ts';
import { subscribeForm } from './views/subscribe.view.ts';

/** Cards per page: 20 full cards keep a first load (HTML + CSS + JS) under 50 KB. */
export const PAGE_SIZE = 20;
const MAX_PAGE = 1000;

const pageParam = z.coerce.number().int().min(1).max(MAX_PAGE).default(1);
const dailyQuery = z.object({
  date: z.string().max(20).optional(),
  week: z.string().max(20).optional(),
  month: z.string().max(20).optional(),
  sort: z.enum(LIST_SORTS, { message: 'sort must be votes or date' }).default('votes'),
  page: pageParam,
  format: z.string().max(10).optional(),
});
const listQuery = z.object({ page: pageParam, format: z.string().max(10).optional() });
/** How long the category picker's list is kept: new categories are rare (arXiv adds a few a year). */
const CATEGORIES_TTL_MS = 10 * 60_000;
const trendingQuery = listQuery.extend({
  window: z.enum(TRENDING_WINDOWS, { message: 'window must be day, week, month or all' }).default('all'),
  cat: z
    .string()
    .max(40)
    .regex(CATEGORY_RE, CATEGORY_HINT)
    .optional()
    .or(z.literal('').transform(() => undefined)),
});

/** A list's canonical query: the parameters that change it, in one order, defaults left out. */
function canonical(params: [string, string | undefined][]): string {
  return params
    .filter((p): p is [string, string] => p[1] !== undefined && p[1] !== '')
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');
}

function pager(base: string, query: string, page: number, hasMore: boolean): Pager {
  const href = (n: number) => `${base}?${query ? `${query}&` : ''}page=${n}`;
  return {
    prev: page > 1 ? { href: href(page - 1), label: 'Previous page' } : null,
    next: hasMore ? { href: href(page + 1), label: 'Next page' } : null,
  };
}

export const feedRoutes =
  (deps: WebDeps): FastifyPluginAsync =>
  async (app) => {
    const { store } = deps;
    const today = () => isoDay(deps.site.now().getTime());
    // The picker's categories: one skip-scan of paper_categories per CATEGORIES_TTL_MS, shared by
    // every request (a list of ~150 codes), so no page reads it per request.
    let known: { at: number; list: Promise<string[]> } | null = null;
    const categories = (): Promise<string[]> => {
      const now = Date.now();
      if (!known || now - known.at > CATEGORIES_TTL_MS) {
        const list = store.feed.categories();
        known = { at: now, list };
        list.catch(() => {
          known = null; // a failed read is retried by the next request, not cached
        });
      }
      return known.list;
    };

    async function daily(req: FastifyRequest, reply: FastifyReply, ext: string | undefined, isHome: boolean) {
      const q = parse(dailyQuery, req.query);
      const format = formatOf(ext, q);
      const explicit = Boolean(q.date || q.week || q.month);
      const load = async () => {
        let fellBack = false;
        let fallback = today();
        if (!explicit) {
          // `/`: today, or the latest day that has featured papers.
          const latest = await store.feed.latestFeaturedDay(fallback);
          if (latest && latest !== fallback) {
            fallback = latest;
            fellBack = true;
          }
        }
        const period = periodFromQuery(q, fallback);
        const offset = (q.page - 1) * PAGE_SIZE;
        const { items, total } = await store.feed.featured({
          from: period.from,
          to: period.to,
          sort: q.sort === 'date' ? 'publishedAt' : 'votes',
          limit: PAGE_SIZE,
          offset,
        });
        return { period, items, total, offset, fellBack };
      };
      const sortParam = q.sort === 'date' ? 'date' : undefined;
      if (format !== 'html') {
        return sendFeed(req, reply, deps, format, async () => {
          const { period, items } = await load();
          return {
            title: `${deps.config.siteName}: ${periodLabel(period)}`,
            description: `Featured papers, ${q.sort === 'date' ? 'newest' : 'most upvoted'} first.`,
            path: '/papers',
            // The feed's own address as asked: `/papers.rss` stays "the latest day", never one date.
            query: canonical([
              ['date', q.date],
              ['week', q.week],
              ['month', q.month],
              ['sort', sortParam],
              ['page', q.page > 1 ? String(q.page) : undefined],
            ]),
            items,
          };
        });
      }
      return sendPage(deps, req, reply, async () => {
        const { period, items, total, offset, fellBack } = await load();
        if (isHome && !explicit && total === 0) {
          // Nothing featured yet (a new site): the newest papers of the followed categories (issue 7).
          const f = await newestFollowed(store, deps.config, PAGE_SIZE);
          const fctx = await listContext(deps, req, f.items);
          return {
            meta: { title: '', feeds: feedLinks('/papers', '') },
            body: html`${followedFallback(f.items, f.categories, fctx)}${subscribeForm({ form: 'feed' })}`,
          };
        }
        const periodQuery = isHome && !explicit ? '' : periodParam(period);
        const query = canonical([
          [period.kind === 'day' ? 'date' : period.kind, periodQuery ? period.key : undefined],
          ['sort', sortParam],
        ]);
        const ctx = await listContext(deps, req, items);
        const sortHref = (sort: 'votes' | 'date') =>
          `/papers?${canonical([
            [period.kind === 'day' ? 'date' : period.kind, period.key],
            ['sort', sort === 'date' ? 'date' : undefined],
          ])}`;
        return {
          meta: {
            title: isHome ? '' : periodLabel(period),
            feeds: feedLinks(
              '/papers',
              canonical([
                [period.kind === 'day' ? 'date' : period.kind, explicit ? period.key : undefined],
                ['sort', sortParam],
              ]),
            ),
          },
          body: html`${dailyPage(
            {
              period,
              tabs: { day: dayPeriod(period.from), week: weekOf(period.from), month: monthOf(period.from) },
              items,
              total,
              sort: q.sort,
              sortHref,
              periodPager: await periodPager(period, sortParam),
              pagePager: pager(
                isHome && !query ? '/' : '/papers',
                query,
                q.page,
                offset + items.length < total,
              ),
              fellBack,
            },
            ctx,
          )}${subscribeForm({ form: 'feed' })}`,
        };
      });
    }

    /**
     * Prev/next skip to the nearest day, week or month with featured papers (issue 16 item 12),
     * never past today; the sort order is kept.
     */
    async function periodPager(p: Period, sort: string | undefined): Promise<Pager> {
      const link = (x: Period) => ({
        href: `/papers?${periodParam(x)}${sort ? `&sort=${sort}` : ''}`,
        label: periodLabel(x),
      });
      const around = (day: string) =>
        p.kind === 'day' ? dayPeriod(day) : p.kind === 'week' ? weekOf(day) : monthOf(day);
      const [before, after] = await Promise.all([
        store.feed.neighbourDays(p.from),
        p.to === p.from ? null : store.feed.neighbourDays(p.to),
      ]);
      const next = (after ?? before).next;
      return {
        prev: before.prev ? link(around(before.prev)) : null,
        next: next && next <= today() ? link(around(next)) : null,
      };
    }

    app.get('/', (req, reply) => daily(req, reply, undefined, true));
    app.get('/papers', (req, reply) => daily(req, reply, undefined, false));
    for (const f of ['rss', 'atom', 'json'])
      app.get(`/papers.${f}`, (req, reply) => daily(req, reply, f, false));

    async function trending(req: FastifyRequest, reply: FastifyReply, ext: string | undefined) {
      const q = parse(trendingQuery, req.query);
      const format = formatOf(ext, q);
      const windowParam = q.window === 'all' ? undefined : q.window;
      const query = canonical([
        ['cat', q.cat],
        ['window', windowParam],
      ]);
      const since =
        q.window === 'all'
          ? undefined
          : new Date(deps.site.now().getTime() - WINDOW_DAYS[q.window] * 86_400_000).toISOString();
      const load = () => store.feed.trending(PAGE_SIZE + 1, (q.page - 1) * PAGE_SIZE, q.cat, since);
      if (format !== 'html') {
        return sendFeed(req, reply, deps, format, async () => ({
          title: `${deps.config.siteName}: trending${q.cat ? ` in ${q.cat}` : ''}${windowParam ? ` (${WINDOW_LABELS[q.window].toLowerCase()})` : ''}`,
          description: 'Upvotes halved for every day since a paper was featured.',
          path: '/trending',
          query: canonical([
            ['cat', q.cat],
            ['window', windowParam],
            ['page', q.page > 1 ? String(q.page) : undefined],
          ]),
          items: (await load()).slice(0, PAGE_SIZE),
        }));
      }
      return sendPage(deps, req, reply, async () => {
        const items = await load();
        const shown = items.slice(0, PAGE_SIZE);
        return {
          meta: { title: q.cat ? `Trending in ${q.cat}` : 'Trending', feeds: feedLinks('/trending', query) },
          body: html`${trendingPage(
            shown,
            { category: q.cat ?? null, window: q.window, categories: await categories() },
            pager('/trending', query, q.page, items.length > PAGE_SIZE),
            await listContext(deps, req, shown),
          )}${subscribeForm({ form: 'trending' })}`,
        };
      });
    }
    app.get('/trending', (req, reply) => trending(req, reply, undefined));
    for (const f of ['rss', 'atom', 'json'])
      app.get(`/trending.${f}`, (req, reply) => trending(req, reply, f));

    /** Follow/Unfollow (issue 14); the signed-out version is the same for everyone, so pages stay cacheable. */
    const follow = async (req: FastifyRequest, kind: 'author' | 'category', value: string, path: string) =>
      followControl(
        req.viewer,
        kind,
        value,
        req.viewer ? await deps.site.forYou.following(req.viewer.user.id, kind, value) : null,
        path,
      );

    app.get<{ Params: { cat: string } }>('/categories/:cat', async (req, reply) => {
      const [cat, ext] = splitExt(req.params.cat);
      if (!isCategory(cat)) throw new NotFoundError(`"${cat.slice(0, 40)}" is not an arXiv category.`);
      const q = parse(listQuery, req.query);
      const format = formatOf(ext, q);
      const path = `/categories/${cat}`;
      const load = () => store.feed.byCategory(cat, PAGE_SIZE + 1, (q.page - 1) * PAGE_SIZE);
      if (format !== 'html')
        return sendFeed(req, reply, deps, format, async () => ({
          title: `${deps.config.siteName}: ${cat}`,
          description: `Newest papers in ${cat}.`,
          path,
          query: canonical([['page', q.page > 1 ? String(q.page) : undefined]]),
          items: (await load()).slice(0, PAGE_SIZE),
        }));
      return sendPage(deps, req, reply, async () => {
        const items = await load();
        const shown = items.slice(0, PAGE_SIZE);
        return {
          meta: { title: cat, feeds: feedLinks(path, '') },
          body: categoryPage(
            cat,
            shown,
            pager(path, '', q.page, items.length > PAGE_SIZE),
            await listContext(deps, req, shown),
            await follow(req, 'category', cat, path),
          ),
        };
      });
    });

    app.get<{ Params: { '*': string } }>('/authors/*', async (req, reply) => {
      const [name, ext] = splitExt(req.params['*']);
      if (!name.trim() || name.length > 200) throw new NotFoundError('No such author.');
      const q = parse(listQuery, req.query);
      const format = formatOf(ext, q);
      const path = `/authors/${encodeURIComponent(name)}`;
      const load = (): Promise<FeedItem[]> =>
        store.feed.byAuthor(name, PAGE_SIZE + 1, (q.page - 1) * PAGE_SIZE);
      if (format !== 'html')
        return sendFeed(req, reply, deps, format, async () => ({
          title: `${deps.config.siteName}: ${name}`,
          description: `Papers by ${name}.`,
          path,
          query: canonical([['page', q.page > 1 ? String(q.page) : undefined]]),
          items: (await load()).slice(0, PAGE_SIZE),
        }));
      return sendPage(deps, req, reply, async () => {
        const items = await load();
        const shown = items.slice(0, PAGE_SIZE);
        return {
          meta: { title: name, feeds: feedLinks(path, '') },
          body: authorPage(
            name,
            shown,
            pager(path, '', q.page, items.length > PAGE_SIZE),
            await listContext(deps, req, shown),
            shown.length ? await follow(req, 'author', name, path) : '',
          ),
          status: shown.length ? 200 : 404,
        };
      });
    });
  };
