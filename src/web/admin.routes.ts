/**
 * Admin pages. Accounts do not exist yet, so every admin route is bound to requests made from this
 * machine: a loopback peer address and no proxy forwarding headers (a reverse proxy on the same
 * host would otherwise make every visitor look local). `requireAdmin` is the one hook to swap for
 * a session check when accounts arrive.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { ForbiddenError } from '../errors.ts';
import type { AppDeps } from './app.ts';
import { ingestRunsPage } from './views/admin-ingest.view.ts';
import { layout } from './views/layout.view.ts';

const RECENT_RUNS = 50;
const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

export function isLocalRequest(req: FastifyRequest): boolean {
  const peer = req.raw.socket.remoteAddress ?? '';
  const h = req.headers;
  const proxied =
    h['x-forwarded-for'] !== undefined || h.forwarded !== undefined || h['x-real-ip'] !== undefined;
  return LOOPBACK.test(peer) && !proxied;
}

/** TODO(accounts): replace with "signed-in user has the admin role" once accounts exist (issue: users). */
export function requireAdmin(req: FastifyRequest): void {
  if (!isLocalRequest(req)) {
    throw new ForbiddenError('Admin pages answer only on this machine (localhost) until accounts exist.');
  }
}

export const adminRoutes =
  ({ store, config }: AppDeps): FastifyPluginAsync =>
  async (app) => {
    app.addHook('onRequest', async (req) => requireAdmin(req));

    app.get('/admin/ingest', async (_req, reply) => {
      const runs = await store.ingestRuns.recent(RECENT_RUNS);
      return reply
        .type('text/html; charset=utf-8')
        .header('Cache-Control', 'no-store')
        .send(layout({ title: 'Ingest runs', siteName: config.siteName }, ingestRunsPage(runs)));
    });

    app.get('/admin/ingest.json', async (_req, reply) => {
      const runs = await store.ingestRuns.recent(RECENT_RUNS);
      return reply.header('Cache-Control', 'no-store').send({ runs });
    });
  };
