/**
 * JSON API, in the spirit of public daily-papers APIs (their shape: presenters.ts): `/api/daily_papers`,
 * `/api/papers/<id>`, `/api/papers/search`, write endpoints with personal API tokens
 * (`Authorization: Bearer pb_…`; no cookies, hence no CSRF), and `/api/openapi.json`.
 * Every answer carries RateLimit headers (IETF draft); past the quota it is 429. Errors are JSON
 * `{ error, status }` (app.ts). Presenters (presenters.ts) choose the public shape.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  InvalidInputError,
  NotFoundError,
  QueryTooBroadError,
  RateLimitedError,
  UnauthorizedError,
} from '../errors.ts';
import { totalVotes } from '../feed/feed.ts';
import { isoDay, periodFromQuery } from '../feed/period.ts';
import { parseArxivId } from '../papers/arxiv-id.ts';
import { searchPapers } from '../search/service.ts';
import type { User } from '../users/types.ts';
import { alertsApiRoutes } from './alerts.api.ts';
import { forYouApiRoutes } from './foryou.api.ts';
import { libraryApiRoutes } from './library.api.ts';
import { openApiDocument } from './openapi.ts';
import { feedItemsJson, presentFeedItem, presentPaper } from './presenters.ts';
import { noSuchPaper, parse, sendCached, type WebDeps } from './respond.ts';

const RATE_WINDOW_S = 60;
const JSON_TYPE = 'application/json; charset=utf-8';
const dailyQuery = z.object({
  date: z.string().max(20).optional(),
  week: z.string().max(20).optional(),
  month: z.string().max(20).optional(),
  submitter: z.string().max(100).optional(),
  sort: z.enum(['upvotes', 'publishedAt', 'trending']).default('upvotes'),
  p: z.coerce.number().int().min(0).max(10_000).default(0),
  limit: z.coerce.number().int().min(1).max(100).default(50),
});
const searchQuery = z.object({
  q: z.string().max(250).default(''),
  limit: z.coerce.number().int().min(1).max(120).default(20),
});
const voteBody = z.object({ up: z.boolean().default(true) }).default({ up: true });
const submitBody = z.object({ paper: z.string().min(1).max(300) });

export const apiRoutes =
  (deps: WebDeps): FastifyPluginAsync =>
  async (app) => {
    const { store, site, config } = deps;

    app.addHook('onRequest', async (req, reply) => {
      if (!req.url.startsWith('/api/')) return;
      const s = await site.limiter.hit(`api:${req.ip}`, {
        max: config.apiRateLimit,
        windowMs: RATE_WINDOW_S * 1000,
      });
      reply.header('RateLimit', `"api";r=${s.remaining};t=${s.resetSeconds}`);
      reply.header('RateLimit-Policy', `"fixed window";"api";q=${s.limit};w=${RATE_WINDOW_S}`);
      if (!s.allowed)
        throw new RateLimitedError('Too many API requests; see the RateLimit headers.', s.resetSeconds);
    });

    async function tokenUser(req: FastifyRequest): Promise<User> {
      const h = req.headers.authorization ?? '';
      const m = /^Bearer\s+(\S+)$/i.exec(h);
      const user = m ? await site.accounts.apiUser(m[1]!) : null;
      if (!user)
        throw new UnauthorizedError(
          'Send a personal API token: Authorization: Bearer pb_… (create one on your profile page).',
        );
      return user;
    }

    /**
     * Anonymous GETs share the page micro-cache (page-cache.ts): the morning burst of API clients
     * asks for the same day's list, and local writes clear the cache at once.
     */
    const cachedJson = (req: FastifyRequest, reply: FastifyReply, compute: () => Promise<unknown>) =>
      sendCached(deps, req, reply, async () => ({ body: JSON.stringify(await compute()), type: JSON_TYPE }), {
        cacheControl: 'no-cache',
      });

    app.get('/api/daily_papers', (req, reply) =>
      sendCached(
        deps,
        req,
        reply,
        async () => ({ body: feedItemsJson(await dailyPapers(req)), type: JSON_TYPE }),
        {
          cacheControl: 'no-cache',
        },
      ),
    );
    async function dailyPapers(req: FastifyRequest) {
      const q = parse(dailyQuery, req.query);
      const today = isoDay(site.now().getTime());
      const fallback =
        q.date || q.week || q.month ? today : ((await store.feed.latestFeaturedDay(today)) ?? today);
      const period = periodFromQuery(q, fallback);
      const { items } = await store.feed.featured({
        from: period.from,
        to: period.to,
        sort: q.sort === 'upvotes' ? 'votes' : q.sort,
        limit: q.limit,
        offset: q.p * q.limit,
        ...(q.submitter ? { submitter: q.submitter } : {}),
      });
      return items;
    }

    // Hybrid search with the query language (src/search/service.ts); a query the parser refuses
    // is a 400 whose message says what and where.
    app.get('/api/papers/search', async (req) => {
      const q = parse(searchQuery, req.query);
      const r = await searchPapers({ store, config }, { q: q.q, pageSize: q.limit });
      if (r.error)
        throw new InvalidInputError(`${r.error.message} (at character ${r.error.position + 1} of the query)`);
      if (r.stopped) throw new QueryTooBroadError(r.stopped);
      return (await store.feed.items(r.hits.map((h) => h.paperId))).map(presentFeedItem);
    });

    async function paperOr404(raw: string) {
      const parsed = parseArxivId(raw);
      if (!parsed) throw noSuchPaper(raw);
      const paper = await store.papers.get(parsed.id);
      if (!paper) throw new NotFoundError(`paper ${parsed.id} not found`);
      return paper;
    }

    app.get<{ Params: { '*': string } }>('/api/papers/*', (req, reply) =>
      cachedJson(req, reply, () => onePaper(req.params['*'])),
    );
    async function onePaper(raw: string) {
      const paper = await paperOr404(raw);
      const [stats, featurings] = await Promise.all([
        store.feed.stats(paper.id),
        store.feed.featuringsOf(paper.id),
      ]);
      return {
        ...presentPaper(paper),
        upvotes: totalVotes(stats),
        localUpvotes: stats.votes,
        importedUpvotes: stats.importedVotes,
        numComments: stats.comments,
        featured: featurings.map((f) => ({ day: f.day, at: f.featuredAt, submittedBy: f.submittedBy })),
      };
    }

    const vote =
      (up: boolean | null) =>
      async (req: FastifyRequest<{ Params: { '*': string } }>, reply: FastifyReply) => {
        const user = await tokenUser(req);
        const raw = req.params['*'];
        if (!raw.endsWith('/vote')) throw new NotFoundError('No such endpoint.');
        const want = up ?? parse(voteBody, req.body ?? undefined).up;
        const r = await site.community.vote(user, raw.slice(0, -'/vote'.length), want);
        return reply.send({
          id: r.paper.arxivId,
          up: want,
          changed: r.changed,
          upvotes: r.votes + r.importedVotes,
          localUpvotes: r.votes,
          importedUpvotes: r.importedVotes,
        });
      };
    app.post<{ Params: { '*': string } }>('/api/papers/*', { config: { csrf: false } }, vote(null));
    app.delete<{ Params: { '*': string } }>('/api/papers/*', { config: { csrf: false } }, vote(false));

    app.post('/api/submit', { config: { csrf: false } }, async (req, reply) => {
      const user = await tokenUser(req);
      const body = parse(submitBody, req.body);
      const r = await site.community.submit(user, body.paper);
      return reply.status(r.status === 'featured' ? 201 : 409).send({
        status: r.status,
        featuredDay: r.day,
        paper: presentPaper(r.paper),
        ...(r.status === 'exists' ? { error: `already featured on ${r.day}` } : {}),
      });
    });

    // The library's and For you's endpoints (issue 14) and the alerts' (issue 15) share this
    // plugin's rate limit and token rule.
    await app.register(libraryApiRoutes(deps, tokenUser));
    await app.register(forYouApiRoutes(deps, tokenUser));
    await app.register(alertsApiRoutes(deps, tokenUser));

    app.get('/api/openapi.json', async (_req, reply) =>
      reply.header('Cache-Control', 'public, max-age=3600').send(openApiDocument(config.baseUrl!)),
    );
  };
