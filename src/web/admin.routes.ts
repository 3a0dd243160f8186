/**
 * Admin pages: recent ingest runs, and the harvest status /admin polls. Who may open them is decided in one place for every /admin
 * route (guard.ts, registered in app.ts): the admin role, or before setup a request made on this
 * machine itself.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from './deps.ts';
import { ingestRunsPage } from './views/admin-ingest.view.ts';
import { adminStatus, isRunning } from './views/admin-status.view.ts';
import { layout } from './views/layout.view.ts';

const RECENT_RUNS = 50;

export const adminRoutes =
  ({ store, config }: AppDeps): FastifyPluginAsync =>
  async (app) => {
    app.get('/admin/ingest', async (req, reply) => {
      const runs = await store.ingestRuns.recent(RECENT_RUNS);
      return reply
        .type('text/html; charset=utf-8')
        .header('Cache-Control', 'no-store')
        .send(
          layout(
            { title: 'Ingest runs', siteName: config.siteName, viewer: req.viewer, path: req.url },
            ingestRunsPage(runs),
          ),
        );
    });

    app.get('/admin/ingest.json', async (_req, reply) => {
      const runs = await store.ingestRuns.recent(RECENT_RUNS);
      return reply.header('Cache-Control', 'no-store').send({ runs });
    });

    // What app.js polls on /admin while a harvest runs: the status block, rendered as on the page.
    app.get('/admin/status.json', async (_req, reply) => {
      const bootstrap = await app.bootstrap.status();
      const run = (await store.ingestRuns.recent(1))[0] ?? null;
      return reply
        .header('Cache-Control', 'no-store')
        .send({ running: isRunning(bootstrap, run), html: adminStatus(bootstrap, run).value });
    });
  };
