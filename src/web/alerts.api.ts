/**
 * Alerts in the JSON API (issue 15, beside library.api.ts and foryou.api.ts): list, create,
 * pause or re-route, delete, and the newest events, with the same rules as /alerts (the one
 * AlertService checks them: bad input is a 400 saying what, where and why). Registered inside
 * the API plugin (api.routes.ts): its rate limit, token rule and JSON errors apply;
 * token-authenticated, hence no CSRF; never from the shared page cache.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { alertRecord } from '../alerts/export.ts';
import { NotFoundError } from '../errors.ts';
import type { User } from '../users/types.ts';
import { parse, type WebDeps } from './respond.ts';

const delivery = z.array(z.string().max(20)).max(10);
const createBody = z.object({
  kind: z.string().max(20),
  target: z.string().max(300).default(''),
  threshold: z.number().int().optional(),
  delivery,
});
const changeBody = z.object({ paused: z.boolean().optional(), delivery: delivery.optional() }).strict();
const eventsQuery = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50) });

const alertIdOf = (raw: string) => {
  const id = Number(raw);
  if (!/^\d{1,15}$/.test(raw) || id <= 0) throw new NotFoundError('No such alert.');
  return id;
};

export const alertsApiRoutes =
  (deps: WebDeps, tokenUser: (req: FastifyRequest) => Promise<User>): FastifyPluginAsync =>
  async (app) => {
    const alerts = deps.site.alerts;
    const opts = { config: { csrf: false } };

    app.addHook('onSend', async (_req, reply, payload) => {
      reply.header('Cache-Control', 'private, no-store');
      return payload;
    });

    const one = async (userId: number, id: number) => {
      const a = (await alerts.list(userId)).find((x) => x.id === id);
      if (!a) throw new NotFoundError('No such alert.');
      return alertRecord(a);
    };

    app.get('/api/alerts', async (req) => {
      const user = await tokenUser(req);
      return (await alerts.list(user.id)).map(alertRecord);
    });

    // The same (kind, target) twice is the first alert, unchanged: 200 then, 201 when new.
    app.post('/api/alerts', opts, async (req, reply) => {
      const user = await tokenUser(req);
      const b = parse(createBody, req.body);
      const before = new Set((await alerts.list(user.id)).map((a) => a.id));
      const a = await alerts.create(user.id, {
        kind: b.kind,
        target: b.target,
        ...(b.threshold === undefined ? {} : { threshold: String(b.threshold) }),
        delivery: b.delivery,
      });
      const added = !before.has(a.id);
      return reply.status(added ? 201 : 200).send({ alert: alertRecord(a), added });
    });

    // Delivery first: it is the change that can be refused, and then nothing has changed.
    app.patch<{ Params: { id: string } }>('/api/alerts/:id', opts, async (req) => {
      const user = await tokenUser(req);
      const id = alertIdOf(req.params.id);
      const b = parse(changeBody, req.body ?? {});
      if (b.delivery !== undefined) await alerts.setDelivery(user.id, id, b.delivery);
      if (b.paused !== undefined) await alerts.setPaused(user.id, id, b.paused);
      return one(user.id, id);
    });

    app.delete<{ Params: { id: string } }>('/api/alerts/:id', opts, async (req) => {
      const user = await tokenUser(req);
      const id = alertIdOf(req.params.id);
      await alerts.remove(user.id, id);
      return { id, deleted: true };
    });

    app.get('/api/alerts/events', async (req) => {
      const user = await tokenUser(req);
      const q = parse(eventsQuery, req.query);
      return (await alerts.events(user.id, q.limit)).map((e) => ({
        id: e.id,
        alertId: e.alertId,
        type: e.type,
        arxivId: e.arxivId,
        title: e.title,
        link: e.link,
        reason: e.reason,
        createdAt: e.createdAt,
      }));
    });
  };
