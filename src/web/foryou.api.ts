/**
 * For you in the JSON API (issue 14 item 7): follows (list, add, delete), feedback ("less like
 * this", "hide", forget all), the ranked list with its reasons, and the reader's controls.
 * Registered inside the API plugin (api.routes.ts): its rate limit, token rule and JSON errors
 * apply; token-authenticated, hence no CSRF; never from the shared page cache.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { NotFoundError } from '../errors.ts';
import { reasonText } from '../foryou/rank.ts';
import type { Follow } from '../foryou/repository.ts';
import { RANKED } from '../foryou/service.ts';
import type { Tuning } from '../foryou/settings.ts';
import type { User } from '../users/types.ts';
import { presentFeedItem } from './presenters.ts';
import { parse, type WebDeps } from './respond.ts';

const windowEnum = z.enum(['day', 'week', 'month']);
const step = z.coerce.number().int().min(0).max(4);
const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const listQuery = z.object({
  window: windowEnum.optional(),
  trending: step.optional(),
  onlyFollowedCategories: flag.optional(),
  limit: z.coerce.number().int().min(1).max(RANKED).default(20),
  offset: z.coerce.number().int().min(0).max(RANKED).default(0),
});
const followBody = z.object({ kind: z.string().max(20), value: z.string().max(300) });
const feedbackBody = z.object({ paper: z.string().min(1).max(300), kind: z.enum(['less', 'hide']) });
const settingsBody = z
  .object({
    window: windowEnum.optional(),
    trending: z.number().int().min(0).max(4).optional(),
    onlyFollowedCategories: z.boolean().optional(),
  })
  .strict();

const presentFollow = (f: Follow) => ({
  id: f.id,
  kind: f.kind,
  key: f.key,
  label: f.label,
  createdAt: f.createdAt,
});

/** Only the fields given: an absent one keeps the saved (or default) value. */
function tuningOf(q: { window?: Tuning['window']; trending?: number; onlyFollowedCategories?: boolean }) {
  const t: Partial<Tuning> = {};
  if (q.window !== undefined) t.window = q.window;
  if (q.trending !== undefined) t.trending = q.trending as Tuning['trending'];
  if (q.onlyFollowedCategories !== undefined) t.onlyFollowedCategories = q.onlyFollowedCategories;
  return t;
}

export const forYouApiRoutes =
  (deps: WebDeps, tokenUser: (req: FastifyRequest) => Promise<User>): FastifyPluginAsync =>
  async (app) => {
    const { site, store } = deps;
    const forYou = site.forYou;
    const opts = { config: { csrf: false } };

    app.addHook('onSend', async (_req, reply, payload) => {
      reply.header('Cache-Control', 'private, no-store');
      return payload;
    });

    app.get('/api/follows', async (req) => {
      const user = await tokenUser(req);
      return (await forYou.follows(user.id)).map(presentFollow);
    });

    app.post('/api/follows', opts, async (req, reply) => {
      const user = await tokenUser(req);
      const b = parse(followBody, req.body);
      const r = await forYou.follow(user.id, b.kind, b.value);
      return reply.status(r.added ? 201 : 200).send({ follow: presentFollow(r.follow), added: r.added });
    });

    app.delete<{ Params: { id: string } }>('/api/follows/:id', opts, async (req) => {
      const user = await tokenUser(req);
      const id = Number(req.params.id);
      if (!/^\d{1,15}$/.test(req.params.id) || id <= 0) throw new NotFoundError('No such follow.');
      await forYou.unfollow(user.id, id);
      return { id, deleted: true };
    });

    app.post('/api/for-you/feedback', opts, async (req) => {
      const user = await tokenUser(req);
      const b = parse(feedbackBody, req.body);
      const r = await forYou.feedback(user.id, b.paper, b.kind);
      return { paper: r.arxivId, kind: b.kind };
    });

    app.delete('/api/for-you/feedback', opts, async (req) => {
      const user = await tokenUser(req);
      return { cleared: await forYou.clearFeedback(user.id) };
    });

    app.get('/api/for-you', async (req) => {
      const user = await tokenUser(req);
      const q = parse(listQuery, req.query);
      const p = await forYou.page(user.id, tuningOf(q), { offset: q.offset, limit: q.limit });
      const ranked = p.items;
      const byId = new Map(
        (await store.feed.items(ranked.map((r) => r.paperId))).map((i) => [i.paper.id, i]),
      );
      return {
        tuning: p.tuning,
        window: p.window,
        model: p.model,
        categoryFilter: p.categoryFilter,
        examples: p.examples,
        total: p.total,
        items: ranked.flatMap((r) => {
          const item = byId.get(r.paperId);
          if (!item) return [];
          return [
            {
              ...presentFeedItem(item),
              score: r.score,
              parts: r.parts,
              reasons: r.reasons.map((x) => ({ ...x, text: reasonText(x) })),
            },
          ];
        }),
      };
    });

    app.get('/api/for-you/settings', async (req) => {
      const user = await tokenUser(req);
      return forYou.tuning(user.id);
    });

    app.put('/api/for-you/settings', opts, async (req) => {
      const user = await tokenUser(req);
      const change = tuningOf(parse(settingsBody, req.body));
      const t = { ...(await forYou.tuning(user.id)), ...change };
      await forYou.saveTuning(user.id, t);
      return t;
    });
  };
