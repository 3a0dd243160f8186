/**
 * The Fastify application: security headers, static files, routes, and the one place domain
 * errors become HTTP statuses. Built in-process by tests; `paperboy serve` only adds listen().
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Config } from '../config/config.ts';
import type { Store } from '../db/store.ts';
import {
  DomainError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  RateLimitedError,
  UnauthorizedError,
} from '../errors.ts';
import { adminRoutes } from './admin.routes.ts';
import { Auth } from './auth.ts';
import { digestRoutes } from './digest.routes.ts';
import { registerFirstRun } from './setup.routes.ts';
import { siteRoutes } from './site.routes.ts';
import { createSite, type SiteOptions } from './site.ts';
import { errorBody } from './views/error.view.ts';
import { layout } from './views/layout.view.ts';

export interface AppDeps {
  store: Store;
  config: Config;
  /** Test seams for the site's services (mailer, arXiv fetcher, clock); see site.ts. */
  siteOptions?: SiteOptions;
}

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

const css = readFileSync(path.join(import.meta.dirname, 'static', 'app.css'));

export function statusOf(err: unknown): number {
  if (err instanceof NotFoundError) return 404;
  if (err instanceof InvalidInputError) return 400;
  if (err instanceof UnauthorizedError) return 401;
  if (err instanceof ForbiddenError) return 403;
  if (err instanceof RateLimitedError) return 429;
  if (err instanceof DomainError) return 503;
  const s = (err as { statusCode?: number }).statusCode;
  return typeof s === 'number' && s >= 400 && s < 600 ? s : 500;
}

// The API and machine hooks (the bounce hook) get JSON errors; pages get an error page.
const wantsJson = (req: FastifyRequest) => req.url.startsWith('/api/') || req.url.startsWith('/hooks/');

export function sendError(
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  message: string,
  siteName: string,
) {
  if (wantsJson(req)) return reply.status(status).type('application/json').send({ error: message, status });
  return reply
    .status(status)
    .type('text/html; charset=utf-8')
    .send(layout({ title: 'Error', siteName }, errorBody(status, message)));
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.config.logLevel === 'silent' ? false : { level: deps.config.logLevel },
    trustProxy: deps.config.trustProxy,
    // Bounded request bodies and timeouts: overload is answered, never left hanging.
    bodyLimit: 1024 * 1024,
    requestTimeout: 30_000,
    routerOptions: { maxParamLength: 300 },
  });

  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('Content-Security-Policy', CSP);
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'strict-origin-when-cross-origin');
    reply.header('X-Frame-Options', 'DENY');
    if (req.protocol === 'https')
      reply.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    return payload;
  });

  app.setErrorHandler((err, req, reply) => {
    const status = statusOf(err);
    if (status >= 500) req.log.error({ err }, 'request failed');
    if (err instanceof RateLimitedError) reply.header('Retry-After', String(err.retryAfterSeconds));
    const message =
      status >= 500 && !(err instanceof DomainError)
        ? 'Internal error; it has been logged.'
        : (err as Error).message;
    return sendError(req, reply, status, message, deps.config.siteName);
  });
  app.setNotFoundHandler((req, reply) =>
    sendError(req, reply, 404, `No page at ${req.url.slice(0, 200)}`, deps.config.siteName),
  );

  app.get('/static/app.css', (_req, reply) =>
    reply.type('text/css; charset=utf-8').header('Cache-Control', 'public, max-age=3600').send(css),
  );
  // Counting 1M papers takes ~300 ms on SQLite and blocks the event loop, so a load balancer
  // polling /health would stall every other request: the count (informational) is refreshed at
  // most once a minute; a database that stops answering still fails the check.
  let counted = { at: Number.NEGATIVE_INFINITY, papers: 0 };
  app.get('/health', async () => {
    if (Date.now() - counted.at > 60_000)
      counted = { at: Date.now(), papers: await deps.store.papers.count() };
    else await deps.store.papers.get('health-check');
    return { status: 'ok', database: deps.store.dialect, papers: counted.papers };
  });

  // Accounts (issue 4): the session cookie is resolved for every request (no database work
  // without one), so any page can show who is signed in.
  const site = createSite(deps.store, deps.config, deps.siteOptions);
  const auth = new Auth(site, deps.config);
  if (!auth.policy.secure)
    app.log.warn(
      `baseUrl ${deps.config.baseUrl} is plain http on a non-loopback host: session cookies are sent unencrypted`,
    );
  app.decorateRequest('viewer', null);
  app.decorateRequest('sessionToken', null);
  app.addHook('onRequest', (req) => auth.attach(req));
  app.addHook('onClose', () => site.close());
  await registerFirstRun(app, { ...deps, site, auth }); // setup page, /admin, demo banner (issue 7)
  await app.register(siteRoutes({ ...deps, site, auth }));
  await app.register(adminRoutes(deps));
  await app.register(digestRoutes(deps));
  return app;
}
