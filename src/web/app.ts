/**
 * The Fastify application: security headers, static files, routes, and the one place domain
 * errors become HTTP statuses. Built in-process by tests; `paperboy serve` only adds listen().
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { primaryChannel } from '../cluster/ipc.ts';
import type { Config } from '../config/config.ts';
import { databaseUnavailable } from '../db/unavailable.ts';
import { DatabaseUnavailableError, DomainError, RateLimitedError } from '../errors.ts';
import type { ForYouService } from '../foryou/service.ts';
import { describeRefused, refreshConfig } from '../setup/settings.ts';
import { isTerminal, logDestination } from '../shared/log.ts';
import { adminRoutes } from './admin.routes.ts';
import { Auth } from './auth.ts';
import { compactCss } from './compact.ts';
import { markShared, registerCompression } from './compress.ts';
import type { AppDeps } from './deps.ts';
import { digestRoutes } from './digest.routes.ts';
import { statusOf } from './errors.ts';
import { registerForms } from './form.ts';
import { Guard } from './guard.ts';
import { registerHealth } from './health.routes.ts';
import { metricsRoutes } from './metrics.routes.ts';
import { registerMetrics } from './metrics.ts';
import { OverloadedError, registerOverload } from './overload.ts';
import { redactUrl } from './redact.ts';
import { requestId } from './request-id.ts';
import { settingsRoutes } from './settings.routes.ts';
import { registerFirstRun } from './setup.routes.ts';
import { siteRoutes } from './site.routes.ts';
import { createSite } from './site.ts';
import { registerTheme } from './theme.routes.ts';
import { errorBody } from './views/error.view.ts';
import { layout } from './views/layout.view.ts';

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

const css = Buffer.from(
  compactCss(readFileSync(path.join(import.meta.dirname, 'static', 'app.css'), 'utf8')),
);
markShared(css); // compressed once per encoding (compress.ts), not per request

// The API and machine hooks (the bounce hook) get JSON errors; pages get an error page.
const wantsJson = (req: FastifyRequest) => req.url.startsWith('/api/') || req.url.startsWith('/hooks/');

/** An error in the site's format; the page knows its viewer, like every other page. */
function sendError(
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
    .send(
      layout(
        // No `path` (the "log in" return address): every bad link must get the same page.
        { title: 'Error', siteName, viewer: req.viewer },
        errorBody(status, message),
      ),
    );
}

/**
 * Sets the site's security headers, keeping a policy the route chose for itself (the digest web
 * version's own CSP and `Referrer-Policy: no-referrer`, digest.routes.ts).
 */
function securityHeaders(req: FastifyRequest, reply: FastifyReply): void {
  if (!reply.hasHeader('Content-Security-Policy')) reply.header('Content-Security-Policy', CSP);
  if (!reply.hasHeader('Referrer-Policy')) reply.header('Referrer-Policy', 'strict-origin-when-cross-origin');
  reply.header('X-Content-Type-Options', 'nosniff');
  reply.header('X-Frame-Options', 'DENY');
  if (req.protocol === 'https')
    reply.header('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
}

/**
 * Fastify 5 trusts nothing for a bare number (it cannot tell the proxy from a direct client), so a
 * hop count becomes proxy-addr's function form: the socket peer and the next hops-1 addresses are
 * proxies, and the client is the next address to the left. Safe only when clients cannot reach the
 * port directly; `paperboy serve` warns otherwise (serve.ts), and the README says to list addresses.
 */
function proxyTrust(t: Config['trustProxy']): false | string[] | ((addr: string, hop: number) => boolean) {
  if (typeof t === 'number') return (_addr, hop) => hop < t;
  return t;
}

/** Fastify's own refusals that never reach the error handler (the router's), in our words. */
const FRAMEWORK_MESSAGES: Record<string, string> = {
  FST_ERR_BAD_URL: 'This address is not valid: a % in it must be followed by two hex digits (like %20).',
  FST_ERR_MAX_PARAM_LENGTH: 'This address is too long.',
};

declare module 'fastify' {
  interface FastifyInstance {
    /** The site's For you (foryou/service.ts); `paperboy serve` warms it at start. */
    forYou: ForYouService;
  }
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  // The saved settings join the config here (src/setup/settings.ts): one object, updated in place.
  const refused = await refreshConfig(deps.store, deps.config);
  const level = deps.config.logLevel;
  let auth: Auth | null = null;
  const app = Fastify({
    logger:
      level === 'silent'
        ? false
        : {
            level,
            // JSON lines (pino's default, straight to stdout); readable lines on a terminal.
            ...(deps.logStream
              ? { stream: deps.logStream }
              : isTerminal(process.stdout)
                ? { stream: logDestination(process.stdout) }
                : {}),
            // Capability URLs (reset, setup, verify, digest links) carry their secret: never log it.
            serializers: {
              req: (req: FastifyRequest) => ({
                method: req.method,
                url: redactUrl(req.url),
                host: req.host,
                remoteAddress: req.ip,
              }),
            },
          },
    trustProxy: proxyTrust(deps.config.trustProxy),
    // X-Request-Id: a proxy's well-formed id, else a random UUID (request-id.ts).
    requestIdHeader: false,
    genReqId: requestId,
    // Bad URL encoding and the like: the site's error page and headers, not Fastify's bare JSON.
    // These come before any hook ran, so the session is looked up here for the page's header.
    frameworkErrors: (err, req, reply) => {
      securityHeaders(req, reply);
      reply.header('X-Request-Id', req.id); // no onRequest hook runs for these
      const status = err.statusCode ?? 400;
      const message = FRAMEWORK_MESSAGES[err.code] ?? 'This request could not be read.';
      const viewerKnown = auth ? auth.attach(req).catch(() => undefined) : Promise.resolve();
      void viewerKnown.then(() => sendError(req, reply, status, message, deps.config.siteName));
    },
    // Bounded request bodies and timeouts: overload is answered, never left hanging.
    bodyLimit: 1024 * 1024,
    requestTimeout: 30_000,
    routerOptions: { maxParamLength: 300 },
  });

  for (const r of refused) app.log.warn(describeRefused(r));
  // Before the overload check, so refused requests are counted and carry their id too.
  app.addHook('onRequest', (req, reply, done) => {
    reply.header('X-Request-Id', req.id);
    done();
  });
  const metrics = registerMetrics(app, { store: deps.store });
  // First, so an overloaded server refuses before any session lookup or database work.
  await registerOverload(app, deps.config);

  // Callback-style onSend hooks (here, theme.routes.ts, compress.ts): a cached page is a few tens
  // of microseconds of work, and an async hook's promise per answer was a measurable share of it.
  app.addHook('onSend', (req, reply, payload, done) => {
    securityHeaders(req, reply);
    done(null, payload);
  });
  registerTheme(app); // the reader's light/dark choice on every page (issue 16)

  app.setErrorHandler((raw, req, reply) => {
    // A database down, unreachable or stalled past its timeouts is a 503 to retry, not a bug
    // (src/db/unavailable.ts); one warning line, not a stack trace per request of the outage.
    const err = databaseUnavailable(raw) ?? raw;
    const status = statusOf(err);
    if (err instanceof OverloadedError) reply.header('Retry-After', String(err.retryAfterSeconds));
    else if (err instanceof DatabaseUnavailableError) req.log.warn(`database unavailable: ${err.reason}`);
    else if (status >= 500) req.log.error({ err }, 'request failed');
    if (err instanceof RateLimitedError || err instanceof DatabaseUnavailableError)
      reply.header('Retry-After', String(err.retryAfterSeconds));
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
  registerHealth(app, deps); // /health and /ready (health.routes.ts)

  // Accounts (issue 4): the session cookie is resolved for every request (no database work
  // without one), so any page can show who is signed in.
  const site = createSite(deps.store, deps.config, deps.siteOptions);
  app.decorate('forYou', site.forYou);
  auth = new Auth(site, deps.config);
  if (!auth.policy.secure)
    app.log.warn(
      `baseUrl ${deps.config.baseUrl} is plain http on a non-loopback host: session cookies are sent unencrypted`,
    );
  app.decorateRequest('viewer', null);
  app.decorateRequest('sessionToken', null);
  const sessions = auth;
  app.addHook('onRequest', (req) => sessions.attach(req));
  registerForms(app, sessions); // the one form parser and CSRF check (form.ts)
  // The one role gate for every /admin route (guard.ts); runs after the session is known.
  const guard = new Guard(deps.store, deps.config.baseUrl!);
  app.addHook('onRequest', guard.onRequest);
  app.addHook('onClose', () => site.close());
  const web = { ...deps, site, auth: sessions };
  await registerFirstRun(app, web, guard); // setup page, /admin, demo banner (issue 7)
  // After every hook that edits a page (the demo banner above) and before the route plugins,
  // which take the hooks registered so far: compression is the last step of every answer.
  registerCompression(app);
  await app.register(siteRoutes(web));
  await app.register(adminRoutes(deps));
  await app.register(settingsRoutes(web, app.bootstrap));
  await app.register(digestRoutes(web));
  await app.register(
    metricsRoutes(metrics, {
      config: deps.config,
      direct: (req) => guard.direct(req),
      primary: primaryChannel(),
    }),
  );
  return app;
}
