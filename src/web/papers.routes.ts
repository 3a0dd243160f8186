/**
 * The search page: `/search?q=…` (hybrid search with the query language, src/search/service.ts)
 * and `/search?like=<arxiv-id>` (papers similar to one). Handlers stay thin: parse → service →
 * view. A query the parser refuses is a 400 page with the message, never a 500.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { InvalidInputError, NotFoundError, RateLimitedError } from '../errors.ts';
import { parseArxivId } from '../papers/arxiv-id.ts';
import { arxivIdIn, searchPapers } from '../search/service.ts';
import { KEYWORD_MODEL } from '../search/similar.ts';
import { FEED_FORMATS, type FeedFormat } from './feeds.ts';
import { formatOf, newestMatching, noSuchPaper, parse, sendFeed, sendPage, type WebDeps } from './respond.ts';
import { followControl } from './views/foryou.view.ts';
import { type SearchSort, searchPage, similarPage } from './views/search.view.ts';

const PAGE_SIZE = 25;
const RATE_WINDOW_S = 60;
/** A list not stored yet is computed in the background (search/similar.ts); this page waits for it. */
const SIMILAR_WAIT_MS = 10_000;
/** `sort:` words of the query language (src/search/query); the last one wins. */
const SORT_WORD = /(^|\s)sort:(\S*)/g;

/** The query's order, and the same query in each order (its `sort:` words replaced). */
function sortsOf(q: string) {
  const last = [...q.matchAll(SORT_WORD)].at(-1)?.[2];
  const current: SearchSort = last === 'date' || last === 'votes' ? last : 'relevance';
  const bare = q.replace(SORT_WORD, ' ').replace(/\s+/g, ' ').trim();
  const href = (s: SearchSort) =>
    `/search?q=${encodeURIComponent(s === 'relevance' ? bare : `${bare} sort:${s}`)}`;
  return { current, href };
}

const searchQuery = z.object({
  q: z.string().max(500).default(''),
  like: z.string().max(200).optional(),
  page: z.coerce.number().int().min(1).max(40).default(1),
});

export const paperRoutes =
  (deps: WebDeps): FastifyPluginAsync =>
  async (app) => {
    const { store, config } = deps;
    // Per client like the API (api.routes.ts): a search costs far more than a cached page.
    const limitSearches = async (ip: string) => {
      const s = await deps.site.limiter.hit(`search:${ip}`, {
        max: config.searchRateLimit,
        windowMs: RATE_WINDOW_S * 1000,
      });
      if (!s.allowed)
        throw new RateLimitedError('Too many searches from your network; wait a minute.', s.resetSeconds);
    };

    /**
     * A search as a feed (`/search.rss?q=…`, or `/search?q=…&format=rss`): the newest matches
     * first, as a feed reader expects (`sort:date` appended; the last sort: of a query wins).
     */
    const searchFeed = (req: FastifyRequest, reply: FastifyReply, format: FeedFormat, q: string) =>
      sendFeed(req, reply, deps, format, async () => {
        const r = q.trim() ? await newestMatching(deps, q) : null;
        if (r?.error) throw new InvalidInputError(`q: ${r.error}`);
        return {
          title: q.trim() ? `Search: ${q}` : 'Search',
          description: `The newest papers matching “${q}”.`,
          path: '/search',
          query: `q=${encodeURIComponent(q)}`,
          items: r?.items ?? [],
        };
      });

    for (const format of FEED_FORMATS)
      app.get(`/search.${format}`, async (req, reply) => {
        await limitSearches(req.ip);
        return searchFeed(req, reply, format, parse(searchQuery, req.query).q);
      });

    app.get('/search', async (req, reply) => {
      await limitSearches(req.ip);
      const { q, like, page } = parse(searchQuery, req.query);
      const format = formatOf(undefined, req.query);
      if (format !== 'html') return searchFeed(req, reply, format, q);
      if (like !== undefined) {
        const id = parseArxivId(like);
        if (!id) throw noSuchPaper(like);
        return sendPage(deps, req, reply, async () => {
          const paper = await store.papers.get(id.id);
          const near = paper ? await deps.site.similar.lists.get(paper.id, SIMILAR_WAIT_MS) : null;
          if (!paper || !near) throw new NotFoundError(`Paper ${id.id} is not in this library yet.`);
          const list = near.list;
          const hits = list ? await deps.site.similar.hits(list.ids.slice(0, PAGE_SIZE), list.model) : null;
          return {
            meta: { title: `Similar to ${paper.title}` },
            body: similarPage(
              paper.title,
              paper.arxivId,
              hits,
              list?.model === KEYWORD_MODEL ? 'keyword' : 'vector',
            ),
          };
        });
      }
      // An arXiv id typed into the box goes straight to the paper when we have it.
      const typed = arxivIdIn(q);
      if (typed?.exact && (await store.papers.get(typed.id)))
        return reply.redirect(`/papers/${typed.id}`, 302);
      return sendPage(deps, req, reply, async () => {
        const r = await searchPapers({ store, config }, { q, page, pageSize: PAGE_SIZE });
        const qs = (k: number) => `/search?q=${encodeURIComponent(q)}&page=${k}`;
        const pager = {
          prev: page > 1 ? { href: qs(page - 1), label: 'Previous' } : null,
          next: r.hasMore ? { href: qs(page + 1), label: 'Next' } : null,
        };
        return {
          meta: { title: q ? `Search: ${q}` : 'Search', query: q },
          body: searchPage(
            q,
            r,
            pager,
            q.trim()
              ? followControl(
                  req.viewer,
                  'search',
                  q,
                  req.viewer ? await deps.site.forYou.following(req.viewer.user.id, 'search', q) : null,
                  `/search?q=${encodeURIComponent(q)}`,
                )
              : '',
            sortsOf(q),
          ),
          ...(r.error ? { status: 400 } : r.stopped ? { status: 503 } : {}),
        };
      });
    });
  };
