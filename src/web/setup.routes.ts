/**
 * First run (issue 7): the one-time setup page, the admin overview (`/admin`, with the bootstrap
 * harvest's progress or a plain "cannot reach arXiv"), and the demo-data banner on every page.
 * Registered from app.ts with one call; the routes are their own encapsulated plugin (form parser
 * and CSRF check apply to them only), the banner hook sits on the root so it sees every page.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyRequest } from 'fastify';
import { createMailer } from '../digest/mailer.ts';
import { InvalidInputError } from '../errors.ts';
import { Bootstrap } from '../setup/bootstrap.ts';
import {
  applySettings,
  CATEGORY_RE,
  currentSettings,
  loadSettings,
  type SiteSettings,
  saveSettings,
} from '../setup/settings.ts';
import { consumeToken, restoreToken, tokenValid } from '../setup/token.ts';
import { normalizeEmail, validateName, validatePassword } from '../users/user.ts';
import { type Guard, levelOfRoute } from './guard.ts';
import { HTML, type WebDeps } from './respond.ts';
import { parseForm } from './site.routes.ts';
import { layout } from './views/layout.view.ts';
import { adminOverview, DEMO_BANNER, setupPage, setupRefused } from './views/setup.view.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The bootstrap harvest (src/setup/bootstrap.ts); `paperboy serve` starts it when needed. */
    bootstrap: Bootstrap;
  }
}

/** How long "is there demo data?" is remembered: `paperboy demo` runs in another process. */
const DEMO_CHECK_MS = 3000;

function settingsFrom(body: Record<string, string>, raw: string, fallback: SiteSettings): SiteSettings {
  const params = new URLSearchParams(raw);
  const cats = [...params.getAll('cat'), ...(body.otherCats ?? '').split(/[\s,+]+/)].filter(Boolean);
  const bad = cats.filter((c) => !CATEGORY_RE.test(c));
  if (bad.length) throw new InvalidInputError(`Not arXiv categories: ${bad.slice(0, 5).join(', ')}`);
  const smtpUrl = (body.smtpUrl ?? '').trim();
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl))
    throw new InvalidInputError('The SMTP URL must start with smtp:// or smtps://');
  const siteName = (body.siteName ?? '').trim().slice(0, 80);
  return {
    siteName: siteName || fallback.siteName,
    categories: [...new Set(cats)].slice(0, 40),
    featureMode: body.featureMode === 'curate' ? 'curate' : 'auto',
    smtpUrl: smtpUrl || null,
    mailFrom: (body.mailFrom ?? '').trim() || fallback.mailFrom,
  };
}

export async function registerFirstRun(app: FastifyInstance, deps: WebDeps, guard: Guard): Promise<void> {
  const { store, config } = deps;
  const saved = await loadSettings(store);
  if (saved) applySettings(config, saved);
  const bootstrap = new Bootstrap({ store, config, log: (m) => app.log.info(m) });
  app.decorate('bootstrap', bootstrap);
  app.addHook('onClose', () => bootstrap.stop());

  let demo = { at: 0, present: false };
  app.addHook('onSend', async (_req, reply, payload) => {
    if (
      !String(reply.getHeader('content-type') ?? '').startsWith('text/html') ||
      reply.getHeader('content-encoding')
    )
      return payload;
    const text =
      typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : null;
    if (text === null) return payload;
    if (Date.now() - demo.at > DEMO_CHECK_MS)
      demo = { at: Date.now(), present: (await store.firstRun.demoCounts()).papers > 0 };
    if (!demo.present) return payload;
    const withBanner = text.replace('<main id="main">', `<main id="main">\n${DEMO_BANNER}`);
    reply.removeHeader('content-length');
    return withBanner;
  });

  await app.register(firstRunRoutes(deps, bootstrap, guard));
}

const firstRunRoutes =
  (deps: WebDeps, bootstrap: Bootstrap, guard: Guard): FastifyPluginAsync =>
  async (app) => {
    const { store, config, site, auth } = deps;
    // Keeps the raw body too: checkboxes repeat a name (`cat=cs.LG&cat=cs.CV`).
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 64 * 1024 },
      (_req, body, done) => done(null, { ...parseForm(body as string), __raw: body as string }),
    );
    app.addHook('preHandler', async (req) => {
      if (req.method !== 'GET' && req.method !== 'HEAD') auth.check(req);
    });
    const page = (title: string, body: ReturnType<typeof setupPage>, req: FastifyRequest) =>
      layout({ title, siteName: config.siteName, viewer: req.viewer, path: req.url }, body);
    const refuse = (req: FastifyRequest, reply: import('fastify').FastifyReply) =>
      reply
        .status(403)
        .type(HTML)
        .header('Cache-Control', 'no-store')
        .send(page('Setup', setupRefused(), req));

    app.get<{ Querystring: { token?: string } }>('/setup', async (req, reply) => {
      if (!(await tokenValid(store, req.query.token))) return refuse(req, reply);
      const form = {
        token: req.query.token!,
        csrf: auth.formToken(req, reply),
        email: '',
        name: 'admin',
        settings: currentSettings(config),
        notice: null,
      };
      return reply
        .type(HTML)
        .header('Cache-Control', 'no-store')
        .send(page('Setup', setupPage(form), req));
    });

    app.post('/setup/test-mail', async (req, reply) => {
      const body = req.body as Record<string, string>;
      if (!(await tokenValid(store, body.token))) return refuse(req, reply);
      const settings = settingsFrom(body, body.__raw ?? '', currentSettings(config));
      let notice: { kind: 'ok' | 'error'; text: string };
      try {
        const to = normalizeEmail(body.email ?? '');
        const mailer = createMailer({
          ...config,
          smtpUrl: settings.smtpUrl ?? undefined,
          mailFrom: settings.mailFrom ?? config.mailFrom,
        });
        try {
          await mailer.send({
            to,
            subject: `${settings.siteName}: test mail`,
            text: 'This is the test mail from the paperboy setup page. Mail works.\n',
          });
        } finally {
          await mailer.close();
        }
        notice = {
          kind: 'ok',
          text: settings.smtpUrl
            ? `Test mail sent to ${to}.`
            : `No SMTP URL given: the test mail was written to ${config.data}/mail/.`,
        };
      } catch (err) {
        notice = { kind: 'error', text: `The test mail failed: ${(err as Error).message.slice(0, 300)}` };
      }
      const form = {
        token: body.token!,
        csrf: auth.formToken(req, reply),
        email: body.email ?? '',
        name: body.name ?? '',
        settings,
        notice,
      };
      return reply
        .type(HTML)
        .header('Cache-Control', 'no-store')
        .send(page('Setup', setupPage(form), req));
    });

    app.post('/setup', async (req, reply) => {
      const body = req.body as Record<string, string>;
      const rec = await tokenValid(store, body.token);
      if (!rec) return refuse(req, reply);
      let settings: SiteSettings;
      let email: string;
      let name: string;
      let password: string;
      try {
        settings = settingsFrom(body, body.__raw ?? '', currentSettings(config));
        email = normalizeEmail(body.email ?? '');
        name = validateName(body.name ?? '');
        password = validatePassword(body.password ?? '');
      } catch (err) {
        if (!(err instanceof InvalidInputError)) throw err;
        const form = {
          token: rec.token,
          csrf: auth.formToken(req, reply),
          email: body.email ?? '',
          name: body.name ?? '',
          settings: currentSettings(config),
          notice: { kind: 'error' as const, text: err.message },
        };
        return reply
          .status(400)
          .type(HTML)
          .send(page('Setup', setupPage(form), req));
      }
      const passwordHash = await site.hasher.hash(password);
      // The token goes first: of two racing submissions only one gets past this line.
      if (!(await consumeToken(store, rec))) return refuse(req, reply);
      const now = site.now();
      const user = await store.users.create({
        email,
        name,
        passwordHash,
        role: 'admin',
        now: now.toISOString(),
      });
      if (!user) {
        await restoreToken(store, rec);
        throw new InvalidInputError('That email or name already has an account; choose another.');
      }
      await store.users.setRole(user.id, 'admin');
      await store.users.markVerified(user.id, now.toISOString());
      await saveSettings(store, config, settings, now);
      site.pageCache.invalidate();
      req.log.info(`setup: admin ${name} created; following ${settings.categories.join(' ') || 'nothing'}`);
      if (settings.categories.length) void bootstrap.start();
      const session = await site.accounts.login({ email, password }, req.ip);
      auth.startSession(reply, session.token, session.expiresAt);
      return reply.redirect('/admin', 303);
    });

    // Admin only (guard.ts, for every /admin route); it links only to pages this viewer may open.
    app.get('/admin', async (req, reply) => {
      const overview = adminOverview({
        links: {
          ingest: await guard.allows(req, levelOfRoute('/admin/ingest')),
          moderation: await guard.allows(req, levelOfRoute('/admin/moderation')),
          digests: await guard.allows(req, levelOfRoute('/admin/digests')),
        },
        bootstrap: await bootstrap.status(),
        settings: currentSettings(config),
        papers: await store.papers.count(),
        demoPapers: (await store.firstRun.demoCounts()).papers,
        mail: config.smtpUrl ? 'smtp' : 'file',
      });
      return reply
        .type(HTML)
        .header('Cache-Control', 'no-store')
        .send(page('Admin', overview, req));
    });
  };
