/**
 * First run (issue 7): the one-time setup page, the admin overview (`/admin`, with the bootstrap
 * harvest's progress or a plain "cannot reach arXiv"), and the demo-data banner on every page.
 * Registered from app.ts with one call; forms go through the app's one pipeline (form.ts), the
 * banner hook sits on the root so it sees every page. The settings chosen here are saved like
 * those of /admin/settings (settings.routes.ts), which changes them later.
 */
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { sourcesOf } from '../config/config.ts';
import { InvalidInputError } from '../errors.ts';
import { Bootstrap } from '../setup/bootstrap.ts';
import {
  checkSettings,
  currentSettings,
  DEFAULT_CATEGORIES,
  followedCategories,
  lockedFields,
  refreshConfig,
  type SavedSettings,
  type SiteSettings,
  saveSettings,
  withoutLocked,
} from '../setup/settings.ts';
import { consumeToken, restoreToken, tokenValid } from '../setup/token.ts';
import { accountNames, normalizeEmail, validatePassword } from '../users/user.ts';
import type { FormBody } from './form.ts';
import { type Guard, levelOfRoute } from './guard.ts';
import { HTML, type WebDeps } from './respond.ts';
import { sendTestMail, settingsFromForm } from './settings.routes.ts';
import { layout } from './views/layout.view.ts';
import type { Notice } from './views/settings.view.ts';
import { adminOverview, DEMO_BANNER, type SetupForm, setupPage, setupRefused } from './views/setup.view.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The bootstrap harvest (src/setup/bootstrap.ts); `paperboy serve` starts it when needed. */
    bootstrap: Bootstrap;
  }
}

/** How long "is there demo data?" is remembered: `paperboy demo` runs in another process. */
const DEMO_CHECK_MS = 3000;

/**
 * The page of a paper outside the demo id range (src/demo/generate.ts numbers its papers
 * YYMM.9xxxx, src/setup/first-run.repo.ts DEMO_ID_LIKE): a real paper imported beside the demo
 * is not demo data, so its page gets no banner (issue 16 item 11).
 */
function isRealPaperPage(url: string): boolean {
  const m = /^\/papers\/([^?#]+)/.exec(url);
  return m !== null && !/^\d{4}\.9\d{4}(v\d+)?(\/|$)/.test(m[1]!);
}

export async function registerFirstRun(app: FastifyInstance, deps: WebDeps, guard: Guard): Promise<void> {
  const { store, config } = deps;
  const bootstrap = new Bootstrap({ store, config, log: (m) => app.log.info(m) });
  app.decorate('bootstrap', bootstrap);
  app.addHook('onClose', () => bootstrap.stop());

  let demo = { at: 0, present: false };
  app.addHook('onSend', async (req, reply, payload) => {
    if (
      !String(reply.getHeader('content-type') ?? '').startsWith('text/html') ||
      reply.getHeader('content-encoding')
    )
      return payload;
    if (typeof payload !== 'string' && !Buffer.isBuffer(payload)) return payload;
    if (Date.now() - demo.at > DEMO_CHECK_MS) {
      // Runs on error pages too: with the database down, a throw here would replace the 503 page
      // (web/app.ts) with Fastify's bare JSON. The banner keeps its last known state instead.
      const counts = await store.firstRun.demoCounts().catch(() => null);
      demo = { at: Date.now(), present: counts ? counts.papers > 0 : demo.present };
    }
    // Decoded only when the banner goes in: cached pages are sent thousands of times a second.
    if (!demo.present || isRealPaperPage(req.url)) return payload;
    const text = typeof payload === 'string' ? payload : payload.toString('utf8');
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
    const page = (title: string, body: ReturnType<typeof setupPage>, req: FastifyRequest) =>
      layout({ title, siteName: config.siteName, viewer: req.viewer, path: req.url }, body);
    const refuse = (req: FastifyRequest, reply: FastifyReply) =>
      reply
        .status(403)
        .type(HTML)
        .header('Cache-Control', 'no-store')
        .send(page('Setup', setupRefused(), req));
    const locks = () => lockedFields(sourcesOf(config));
    /** The form's settings; a field fixed by env or a flag is left out (it cannot be saved here). */
    const fromForm = (body: FormBody): { shown: SiteSettings; saved: SavedSettings } => {
      const shown = settingsFromForm(body, currentSettings(config));
      return { shown, saved: withoutLocked(shown, null, locks()) };
    };
    const form = (req: FastifyRequest, reply: FastifyReply, f: Omit<SetupForm, 'csrf' | 'locks'>) =>
      page('Setup', setupPage({ ...f, csrf: auth.formToken(req, reply), locks: locks() }), req);
    /** What the admin typed, shown again when the page comes back (issue 16 item 9). */
    const typed = (body: FormBody) => ({
      email: body.email ?? '',
      name: body.name ?? '',
      handle: body.handle ?? '',
      password: body.password ?? '',
    });

    app.get<{ Querystring: { token?: string } }>('/setup', async (req, reply) => {
      if (!(await tokenValid(store, req.query.token))) return refuse(req, reply);
      const current = currentSettings(config);
      const settings = current.categories.length
        ? current
        : { ...current, categories: DEFAULT_CATEGORIES, featureMode: 'auto' as const };
      return reply
        .type(HTML)
        .header('Cache-Control', 'no-store')
        .send(
          form(req, reply, {
            token: req.query.token!,
            account: { email: '', name: 'Admin', handle: '', password: '' },
            settings,
            notice: null,
          }),
        );
    });

    app.post('/setup/test-mail', async (req, reply) => {
      const body = req.body as FormBody;
      if (!(await tokenValid(store, body.token))) return refuse(req, reply);
      const { shown, saved } = fromForm(body);
      const notice = await sendTestMail(config, saved, body.email ?? '', shown.siteName);
      return reply
        .type(HTML)
        .header('Cache-Control', 'no-store')
        .send(form(req, reply, { token: body.token!, account: typed(body), settings: shown, notice }));
    });

    app.post('/setup', async (req, reply) => {
      const body = req.body as FormBody;
      const rec = await tokenValid(store, body.token);
      if (!rec) return refuse(req, reply);
      const { shown, saved } = fromForm(body);
      // Every field is checked, and every problem named with its field, in one answer.
      const problems: string[] = [];
      const check = <T>(label: string, f: () => T): T | null => {
        try {
          return f();
        } catch (err) {
          if (!(err instanceof InvalidInputError)) throw err;
          // Messages that name their field already ("Handle: …") keep it.
          problems.push(/^[A-Z][\w ]*: /.test(err.message) ? err.message : `${label}: ${err.message}`);
          return null;
        }
      };
      check('Site settings', () => checkSettings(saved));
      const email = check('Email', () => normalizeEmail(body.email ?? ''));
      const names = check('Name', () => accountNames({ name: body.name ?? '', handle: body.handle }));
      const password = check('Password', () =>
        validatePassword(body.password ?? '', [body.email ?? '', body.name ?? '']),
      );
      if (problems.length || email === null || names === null || password === null) {
        // A refused password is not shown again (it must be replaced); any other is kept.
        const account = { ...typed(body), password: password === null ? '' : (body.password ?? '') };
        return reply
          .status(400)
          .type(HTML)
          .header('Cache-Control', 'no-store')
          .send(form(req, reply, { token: rec.token, account, settings: shown, notice: noticeOf(problems) }));
      }
      const { name, displayName } = names;
      const passwordHash = await site.hasher.hash(password);
      // The token goes first: of two racing submissions only one gets past this line.
      if (!(await consumeToken(store, rec))) return refuse(req, reply);
      const now = site.now();
      const user = await store.users.create({
        email,
        name,
        displayName,
        passwordHash,
        role: 'admin',
        now: now.toISOString(),
      });
      if (!user) {
        await restoreToken(store, rec);
        throw new InvalidInputError('That email or handle already has an account; choose another.');
      }
      await store.users.setRole(user.id, 'admin');
      await store.users.markVerified(user.id, now.toISOString());
      await saveSettings(store, saved, now);
      await refreshConfig(store, config);
      site.pageCache.invalidate();
      const followed = followedCategories(config);
      req.log.info(`setup: admin ${name} created; following ${followed.join(' ') || 'nothing'}`);
      if (followed.length) void bootstrap.start();
      const session = await site.accounts.login({ email, password }, req.ip);
      auth.startSession(reply, session.token, session.expiresAt);
      return reply.redirect('/admin', 303);
    });

    // Admin only (guard.ts, for every /admin route); it links only to pages this viewer may open.
    app.get('/admin', async (req, reply) => {
      // What is in force now, including what another process saved since this one started.
      await refreshConfig(store, config);
      const overview = adminOverview({
        links: {
          ingest: await guard.allows(req, levelOfRoute('/admin/ingest')),
          moderation: await guard.allows(req, levelOfRoute('/admin/moderation')),
          digests: await guard.allows(req, levelOfRoute('/admin/digests')),
        },
        bootstrap: await bootstrap.status(),
        lastRun: (await store.ingestRuns.recent(1))[0] ?? null,
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

const noticeOf = (problems: string[]): Notice => ({ kind: 'error', text: problems.join(' ') });
