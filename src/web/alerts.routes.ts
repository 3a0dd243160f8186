/**
 * Alerts (issue 15 items 3 and 4): `/alerts` lists a reader's alerts (when each last fired and
 * why), adds, pauses, changes delivery and deletes them; every change is a POST form through the
 * one form pipeline (form.ts: CSRF checked there) answered by a redirect, so all of it works
 * without JavaScript. `/admin/alerts` is the operator's view; the guard (guard.ts) admits admins
 * only, as for every /admin route.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { NotFoundError } from '../errors.ts';
import { feedPath } from '../users/personal-feeds.ts';
import { formAll } from './form.ts';
import { requireRole } from './guard.ts';
import type { html } from './html.ts';
import { HTML, parse, type WebDeps } from './respond.ts';
import { adminAlertsPage, alertsPage } from './views/alerts.view.ts';
import { layout } from './views/layout.view.ts';

/** Events listed under the alerts. */
const RECENT = 20;
const alertForm = z.object({
  kind: z.string().max(20).default(''),
  target: z.string().max(300).default(''),
  threshold: z.string().max(20).optional(),
});
const pauseForm = z.object({ paused: z.enum(['0', '1']) });

const alertId = (raw: string) => {
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id <= 0) throw new NotFoundError('No such alert.');
  return id;
};

export const alertRoutes =
  (deps: WebDeps): FastifyPluginAsync =>
  async (app) => {
    const { site, config } = deps;
    const base = config.baseUrl!.replace(/\/$/, '');
    const send = (req: FastifyRequest, reply: FastifyReply, title: string, body: ReturnType<typeof html>) =>
      reply
        .type(HTML)
        .header('Cache-Control', 'private, no-store')
        // The page carries the private feed URL: never in a Referer to another site. Not
        // no-referrer: then the browser sends `Origin: null` and the form check refuses the POSTs.
        .header('Referrer-Policy', 'same-origin')
        .send(layout({ title, siteName: config.siteName, viewer: req.viewer, path: req.url }, body));

    app.get('/alerts', async (req, reply) => {
      if (!req.viewer) return reply.redirect('/login?next=/alerts', 303);
      const user = req.viewer.user;
      const [alerts, events, [key]] = await Promise.all([
        site.alerts.list(user.id),
        site.alerts.events(user.id, RECENT),
        site.feedKeys.keysFor(user.id, [{ kind: 'alerts' }]),
      ]);
      const feedUrl = `${base}/feeds/${user.id}/${feedPath({ kind: 'alerts' })}.atom?key=${key}`;
      return send(req, reply, 'Alerts', alertsPage(alerts, events, req.viewer, feedUrl));
    });

    app.post('/alerts', async (req, reply) => {
      const user = requireRole(req, 'user');
      const f = parse(alertForm, req.body);
      await site.alerts.create(user.id, { ...f, delivery: formAll(req.body, 'delivery') });
      return reply.redirect('/alerts', 303);
    });

    app.post<{ Params: { id: string } }>('/alerts/:id/pause', async (req, reply) => {
      const user = requireRole(req, 'user');
      const f = parse(pauseForm, req.body);
      await site.alerts.setPaused(user.id, alertId(req.params.id), f.paused === '1');
      return reply.redirect('/alerts', 303);
    });

    app.post<{ Params: { id: string } }>('/alerts/:id/delivery', async (req, reply) => {
      const user = requireRole(req, 'user');
      await site.alerts.setDelivery(user.id, alertId(req.params.id), formAll(req.body, 'delivery'));
      return reply.redirect('/alerts', 303);
    });

    app.post<{ Params: { id: string } }>('/alerts/:id/delete', async (req, reply) => {
      const user = requireRole(req, 'user');
      await site.alerts.remove(user.id, alertId(req.params.id));
      return reply.redirect('/alerts', 303);
    });

    app.get('/admin/alerts', async (req, reply) => {
      const o = await site.alerts.overview();
      return send(req, reply, 'Alerts (admin)', adminAlertsPage(o.stats, o.webhooks));
    });
  };
