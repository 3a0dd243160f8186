/**
 * The library in the JSON API (issue 14, item 7): the token holder's collections, a collection's
 * papers (the holder's own, or any public one), save and unsave. Registered inside the API plugin
 * (api.routes.ts), so its rate limit and JSON errors apply; token-authenticated, hence no CSRF,
 * and never from the shared page cache (every answer is the token holder's).
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Collection } from '../library/types.ts';
import type { User } from '../users/types.ts';
import { presentFeedItem } from './presenters.ts';
import { parse, type WebDeps } from './respond.ts';

const papersQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
const saveBody = z.object({
  paper: z.string().min(1).max(300),
  collection: z.number().int().positive().optional(),
});
const unsaveBody = z.object({ paper: z.string().min(1).max(300) });

function presentCollection(c: Collection, baseUrl: string) {
  return {
    id: c.id,
    name: c.name,
    isDefault: c.isDefault,
    isPublic: c.isPublic,
    paperCount: c.paperCount,
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    url: `${baseUrl}/library/${c.id}`,
  };
}

export const libraryApiRoutes =
  (deps: WebDeps, tokenUser: (req: FastifyRequest) => Promise<User>): FastifyPluginAsync =>
  async (app) => {
    const { site, store } = deps;
    const base = deps.config.baseUrl!.replace(/\/$/, '');
    const opts = { config: { csrf: false } };

    app.addHook('onSend', async (_req, reply, payload) => {
      reply.header('Cache-Control', 'private, no-store');
      return payload;
    });

    app.get('/api/library/collections', async (req) => {
      const user = await tokenUser(req);
      return (await site.library.collections(user)).map((c) => presentCollection(c, base));
    });

    app.get<{ Params: { id: string } }>('/api/library/collections/:id/papers', async (req) => {
      const user = await tokenUser(req);
      const q = parse(papersQuery, req.query);
      const c = await site.library.readable(user, Number(req.params.id));
      const { ids, total } = await store.library.paperIds(c.id, q.limit, q.offset);
      const byId = new Map((await store.feed.items(ids)).map((i) => [i.paper.id, i]));
      return {
        collection: presentCollection(c, base),
        total,
        papers: ids.flatMap((i) => {
          const item = byId.get(i);
          return item ? [presentFeedItem(item)] : [];
        }),
      };
    });

    app.post('/api/library/save', opts, async (req) => {
      const user = await tokenUser(req);
      const body = parse(saveBody, req.body);
      const r = await site.library.save(user, body.paper, body.collection);
      return { paper: r.paper.arxivId, saved: true, added: r.added, collection: r.collectionId };
    });

    app.post('/api/library/unsave', opts, async (req) => {
      const user = await tokenUser(req);
      const r = await site.library.unsave(user, parse(unsaveBody, req.body).paper);
      return { paper: r.paper.arxivId, saved: false, removedFrom: r.removedFrom };
    });
  };
