/**
 * Everything of the site (issue 4) in one encapsulated plugin: the form-body parser and the CSRF
 * guard apply to these routes only (digest links carry their own signed capability and must take
 * cross-site one-click POSTs; see digest.routes.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { accountRoutes } from './account.routes.ts';
import { apiRoutes } from './api.routes.ts';
import { communityRoutes } from './community.routes.ts';
import { feedRoutes } from './feed.routes.ts';
import { moderationRoutes } from './moderation.routes.ts';
import { paperPageRoutes } from './paper.routes.ts';
import { paperRoutes } from './papers.routes.ts';
import type { WebDeps } from './respond.ts';

const appJs = readFileSync(path.join(import.meta.dirname, 'static', 'app.js'));

/** `a=1&a=2` keeps the last value: every form field here is single-valued. */
export function parseForm(body: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(body)) if (k !== '__proto__') out[k] = v;
  return out;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const siteRoutes =
  (deps: WebDeps): FastifyPluginAsync =>
  async (app) => {
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 64 * 1024 },
      (_req, body, done) => done(null, parseForm(body as string)),
    );
    app.addHook('preHandler', async (req) => {
      if (SAFE_METHODS.has(req.method) || req.routeOptions.config?.csrf === false) return;
      deps.auth.check(req);
    });

    app.get('/static/app.js', (_req, reply) =>
      reply
        .type('text/javascript; charset=utf-8')
        .header('Cache-Control', 'public, max-age=3600')
        .send(appJs),
    );

    await app.register(feedRoutes(deps));
    await app.register(paperPageRoutes(deps));
    await app.register(paperRoutes(deps));
    await app.register(apiRoutes(deps));
    await app.register(accountRoutes(deps));
    await app.register(communityRoutes(deps));
    await app.register(moderationRoutes(deps));
  };
