/**
 * `GET /metrics` (issue 18 item 6): this app's registry (metrics.ts) in Prometheus text format.
 *
 * The figures are business data (sign-ups, digests sent), so with `metricsToken` set a scrape
 * must carry it as a bearer token; without it only a request made on the machine itself is
 * answered (guard.ts `direct`: loopback peer, nothing forwarded), so a reverse proxy in front does
 * not publish it by accident. Refusals are plain text for the scraper's log, not a site page.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { collectDefaultMetrics, type Registry } from 'prom-client';
import type { IpcPeer } from '../cluster/ipc.ts';
import { answerCollect, clusterMetrics } from '../cluster/metrics.ts';
import type { Config } from '../config/config.ts';

export interface MetricsRouteOptions {
  config: Config;
  /** Whether the request was made on this machine itself (guard.ts `Guard.direct`). */
  direct: (req: FastifyRequest) => boolean;
  /** In a serve worker (cluster/primary.ts): the channel to the primary, which sums every worker's figures. */
  primary?: IpcPeer | null;
}

function sameSecret(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** Why this scrape is refused (status and reason), or null. */
function refusal(req: FastifyRequest, o: MetricsRouteOptions): { status: number; reason: string } | null {
  const token = o.config.metricsToken;
  if (token) {
    const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(req.headers.authorization ?? '');
    if (m && sameSecret(m[1]!, token)) return null;
    return {
      status: 401,
      reason: '/metrics needs the configured metricsToken as "Authorization: Bearer <token>".',
    };
  }
  if (o.direct(req)) return null;
  return {
    status: 403,
    reason: '/metrics answers only on this machine itself (loopback, no proxy) unless metricsToken is set.',
  };
}

export function metricsRoutes(register: Registry, o: MetricsRouteOptions) {
  return async (app: FastifyInstance) => {
    let processMetrics = false;
    // Process figures (memory, CPU, event-loop lag) start with the first scrape: they install
    // observers that live as long as the process, which the many apps a test run builds need not.
    const startProcessMetrics = () => {
      if (processMetrics) return;
      processMetrics = true;
      collectDefaultMetrics({ register });
    };
    if (o.primary) answerCollect(o.primary, register, startProcessMetrics);
    app.get('/metrics', async (req, reply) => {
      const refused = refusal(req, o);
      if (refused)
        return reply.status(refused.status).type('text/plain; charset=utf-8').send(`${refused.reason}\n`);
      startProcessMetrics();
      const { type, text } = o.primary
        ? await clusterMetrics(o.primary)
        : { type: register.contentType, text: await register.metrics() };
      return reply.type(type).header('Cache-Control', 'no-store').send(text);
    });
  };
}
