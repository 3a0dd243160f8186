/**
 * Everything of the site (issue 4) in one encapsulated plugin. Form bodies and the CSRF check are
 * the app's one pipeline (form.ts, registered in app.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { accountRoutes } from './account.routes.ts';
import { alertRoutes } from './alerts.routes.ts';
import { apiRoutes } from './api.routes.ts';
import { communityRoutes } from './community.routes.ts';
import { compactJs } from './compact.ts';
import { feedRoutes } from './feed.routes.ts';
import { forYouRoutes } from './foryou.routes.ts';
import { libraryRoutes } from './library.routes.ts';
import { moderationRoutes } from './moderation.routes.ts';
import { paperPageRoutes } from './paper.routes.ts';
import { paperRoutes } from './papers.routes.ts';
import { personalFeedRoutes } from './personal-feeds.routes.ts';
import { privacyRoutes } from './privacy.routes.ts';
import type { WebDeps } from './respond.ts';
import { webhookRoutes } from './webhooks.routes.ts';

const appJs = compactJs(readFileSync(path.join(import.meta.dirname, 'static', 'app.js'), 'utf8'));

export const siteRoutes =
  (deps: WebDeps): FastifyPluginAsync =>
  async (app) => {
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
    await app.register(libraryRoutes(deps));
    await app.register(moderationRoutes(deps));
    await app.register(forYouRoutes(deps));
    await app.register(alertRoutes(deps));
    await app.register(personalFeedRoutes(deps));
    await app.register(privacyRoutes(deps));
    await app.register(webhookRoutes(deps));
  };
