/**
 * Alert webhooks (issue 15 item 2): `/alerts/webhooks` lists the reader's webhooks with their
 * recent attempts, adds one (the URL is checked against the SSRF rules before it is saved), sends
 * a test event and deletes; plain forms (form.ts: CSRF), each answering with the page. The
 * delivery worker (src/alerts/webhook-worker.ts) runs with the app and stops with it.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { allowList } from '../alerts/webhook-ssrf.ts';
import { WebhookWorker } from '../alerts/webhook-worker.ts';
import { addWebhook, sendTestEvent } from '../alerts/webhooks.ts';
import { InvalidInputError, NotFoundError } from '../errors.ts';
import { requireRole } from './guard.ts';
import { HTML, type WebDeps } from './respond.ts';
import { layout } from './views/layout.view.ts';
import { type WebhooksPageState, webhooksPage } from './views/webhooks.view.ts';

const ATTEMPTS_SHOWN = 20;

export const webhookRoutes =
  (deps: WebDeps): FastifyPluginAsync =>
  async (app) => {
    const { store, config } = deps;
    const base = config.baseUrl!.replace(/\/$/, '');
    const allow = allowList(config.webhookAllowHosts);
    const worker = new WebhookWorker({
      repo: store.webhooks,
      allow,
      userAgent: `${config.siteName} webhooks (${config.userAgent})`,
      log: (m) => app.log.warn(m),
    });
    worker.start();
    app.addHook('onClose', () => worker.stop());

    const page = async (req: FastifyRequest, reply: FastifyReply, s: WebhooksPageState, status = 200) => {
      const v = req.viewer!;
      const [hooks, collections] = await Promise.all([
        store.webhooks.byUser(v.user.id),
        store.library.collections(v.user.id),
      ]);
      const views = await Promise.all(
        hooks.map(async (hook) => ({
          hook,
          collectionName: collections.find((c) => c.id === hook.collectionId)?.name ?? null,
          attempts: await store.webhooks.attempts(hook.id, ATTEMPTS_SHOWN),
          deliveries: await store.webhooks.deliveries(hook.id, ATTEMPTS_SHOWN),
        })),
      );
      return reply
        .status(status)
        .type(HTML)
        .header('Cache-Control', 'private, no-store')
        .send(
          layout(
            { title: 'Alert webhooks', siteName: config.siteName, viewer: v, path: '/alerts/webhooks' },
            webhooksPage(v, views, collections, s),
          ),
        );
    };

    const idOf = (raw: string) => {
      if (!/^[1-9]\d{0,15}$/.test(raw)) throw new NotFoundError('No such webhook.');
      return Number(raw);
    };

    app.get('/alerts/webhooks', async (req, reply) => {
      if (!req.viewer) return reply.redirect('/login?next=/alerts/webhooks', 303);
      return page(req, reply, {});
    });

    app.post('/alerts/webhooks', async (req, reply) => {
      const user = requireRole(req, 'user');
      const body = (req.body ?? {}) as Record<string, string>;
      const url = String(body.url ?? '');
      const raw = String(body.collection ?? '');
      try {
        let collectionId: number | null = null;
        if (raw) {
          const c = /^\d{1,15}$/.test(raw) ? await store.library.collection(Number(raw)) : null;
          if (!c || c.userId !== user.id) throw new InvalidInputError('Events: no such collection of yours.');
          collectionId = c.id;
        }
        const added = await addWebhook(store.webhooks, allow, {
          userId: user.id,
          url,
          collectionId,
          nowMs: Date.now(),
        });
        return page(req, reply, { added });
      } catch (err) {
        if (!(err instanceof InvalidInputError)) throw err;
        return page(req, reply, { error: err.message, url }, 400);
      }
    });

    app.post<{ Params: { id: string } }>('/alerts/webhooks/:id/test', async (req, reply) => {
      const user = requireRole(req, 'user');
      const id = await sendTestEvent(store.webhooks, {
        userId: user.id,
        webhookId: idOf(req.params.id),
        siteUrl: base,
        nowMs: Date.now(),
      });
      worker.wake();
      return page(req, reply, { notice: `Test event ${id} queued; its attempts appear below.` });
    });

    app.post<{ Params: { id: string } }>('/alerts/webhooks/:id/delete', async (req, reply) => {
      const user = requireRole(req, 'user');
      if (!(await store.webhooks.remove(idOf(req.params.id), user.id)))
        throw new NotFoundError('No such webhook.');
      return page(req, reply, { notice: 'Webhook deleted.' });
    });
  };
