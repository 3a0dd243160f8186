/**
 * `/admin/settings` (issue 13): the admin changes the site name, followed categories, featuring
 * mode, SMTP URL and sender after setup, and sends a test mail. Admin only through the one gate
 * for every /admin route (guard.ts). Saved values go through the config schema, are stored in
 * `site_settings`, and the running server's config is refreshed at once (src/setup/settings.ts);
 * the next CLI command reads them too. Fields fixed by env or a flag are shown locked.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { type Config, resolveConfig, sourcesOf } from '../config/config.ts';
import { createMailer } from '../digest/mailer.ts';
import { InvalidInputError } from '../errors.ts';
import type { Bootstrap } from '../setup/bootstrap.ts';
import {
  checkSettings,
  currentSettings,
  describeRefused,
  effectiveConfig,
  loadSettings,
  lockedFields,
  refreshConfig,
  type SavedSettings,
  type SiteSettings,
  savedToConfig,
  saveSettings,
  withoutLocked,
} from '../setup/settings.ts';
import { normalizeEmail } from '../users/user.ts';
import { type FormBody, formAll } from './form.ts';
import { HTML, type WebDeps } from './respond.ts';
import { layout } from './views/layout.view.ts';
import { type Notice, settingsPage } from './views/settings.view.ts';

/** The five settings as a form sent them; values are checked by the schema (checkSettings). */
export function settingsFromForm(body: FormBody, fallback: SiteSettings): SiteSettings {
  const cats = [...formAll(body, 'cat'), ...(body.otherCats ?? '').split(/[\s,+]+/)].filter(Boolean);
  return {
    siteName: (body.siteName ?? '').trim() || fallback.siteName,
    categories: [...new Set(cats)].slice(0, 40),
    featureMode: body.featureMode === 'curate' ? 'curate' : 'auto',
    smtpUrl: (body.smtpUrl ?? '').trim() || null,
    mailFrom: (body.mailFrom ?? '').trim() || fallback.mailFrom,
  };
}

/**
 * Sends a test mail with the config these settings would give (env and flags still win), so the
 * admin tries exactly what saving would put in force.
 */
export async function sendTestMail(
  config: Config,
  s: SavedSettings,
  to: string,
  siteName: string,
): Promise<Notice> {
  try {
    checkSettings(s);
    const address = normalizeEmail(to);
    const { config: trial } = resolveConfig(sourcesOf(config), savedToConfig(s));
    const mailer = createMailer(trial);
    try {
      await mailer.send({
        to: address,
        subject: `${siteName}: test mail`,
        text: 'This is the test mail from the paperboy settings. Mail works.\n',
      });
    } finally {
      await mailer.close();
    }
    return {
      kind: 'ok',
      text: trial.smtpUrl
        ? `Test mail sent to ${address}.`
        : `No SMTP URL given: the test mail was written to ${trial.data}/mail/.`,
    };
  } catch (err) {
    return { kind: 'error', text: `The test mail failed: ${(err as Error).message.slice(0, 300)}` };
  }
}

export const settingsRoutes =
  (deps: WebDeps, bootstrap: Bootstrap): FastifyPluginAsync =>
  async (app) => {
    const { store, config, site, auth } = deps;

    const render = async (
      req: FastifyRequest,
      reply: FastifyReply,
      shown: SiteSettings,
      notice: Notice,
      to: string,
      status = 200,
    ) => {
      const { refused } = await effectiveConfig(store, config);
      const body = settingsPage({
        csrf: auth.formToken(req, reply),
        settings: shown,
        locks: lockedFields(sourcesOf(config)),
        refused: refused.map(describeRefused),
        to,
        notice,
      });
      return reply
        .status(status)
        .type(HTML)
        .header('Cache-Control', 'no-store')
        .send(
          layout({ title: 'Settings', siteName: config.siteName, viewer: req.viewer, path: req.url }, body),
        );
    };
    const submitted = async (body: FormBody) => {
      const locks = lockedFields(sourcesOf(config));
      return withoutLocked(settingsFromForm(body, currentSettings(config)), await loadSettings(store), locks);
    };

    app.get<{ Querystring: { saved?: string } }>('/admin/settings', async (req, reply) => {
      // Another process (a second server, a CLI) may have saved: show what is in force now.
      await refreshConfig(store, config);
      const notice: Notice = req.query.saved ? { kind: 'ok', text: 'Saved; in force now.' } : null;
      return render(req, reply, currentSettings(config), notice, req.viewer?.user.email ?? '');
    });

    app.post('/admin/settings', async (req, reply) => {
      const body = req.body as FormBody;
      const before = currentSettings(config);
      const next = await submitted(body);
      try {
        await saveSettings(store, next, site.now());
      } catch (err) {
        if (!(err instanceof InvalidInputError)) throw err;
        const shown = { ...before, ...next };
        return render(req, reply, shown, { kind: 'error', text: err.message }, body.to ?? '', 400);
      }
      for (const r of await refreshConfig(store, config)) req.log.warn(describeRefused(r));
      site.pageCache.invalidate();
      const after = currentSettings(config);
      req.log.info(`settings: saved by ${req.viewer?.user.name ?? 'this machine'}`);
      if (after.categories.join() !== before.categories.join()) void bootstrap.startIfNeeded();
      return reply.redirect('/admin/settings?saved=1', 303);
    });

    app.post('/admin/settings/test-mail', async (req, reply) => {
      const body = req.body as FormBody;
      const next = await submitted(body);
      const to = body.to || req.viewer?.user.email || '';
      const notice = await sendTestMail(config, next, to, next.siteName ?? config.siteName);
      return render(req, reply, { ...currentSettings(config), ...next }, notice, to);
    });
  };
