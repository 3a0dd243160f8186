/**
 * `/settings` (issue 16 item 14): the signed-in reader's account on one page, and its forms. A
 * refused form comes back on the same page with its message beside it and what was typed kept
 * (never a password). The link mailed for a new address opens a page whose button POSTs, like
 * /verify (account.routes.ts): a mail scanner's GET changes nothing.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { preferencesUrl } from '../digest/links.ts';
import { normalizeAddress } from '../digest/mail.ts';
import { tokenSecret } from '../digest/tokens.ts';
import { DomainError, RateLimitedError } from '../errors.ts';
import type { User } from '../users/types.ts';
import { statusOf } from './errors.ts';
import type { SafeHtml } from './html.ts';
import { HTML, parse, type WebDeps } from './respond.ts';
import { messagePage } from './views/account.view.ts';
import { layout } from './views/layout.view.ts';
import {
  accountSettingsPage,
  confirmEmailChangePage,
  type SettingsPageData,
} from './views/settings-account.view.ts';

const field = (max: number) => z.string().max(max).default('');
const nameForm = z.object({ name: field(200) });
const passwordForm = z.object({ current: field(1024), password: field(1024) });
const emailForm = z.object({ email: field(300), password: field(1024) });
const tokenForm = z.object({ token: z.string().max(200).default('') });

export const accountSettingsRoutes =
  (deps: WebDeps): FastifyPluginAsync =>
  async (app) => {
    const { site, store, config, auth } = deps;

    const send = (req: FastifyRequest, reply: FastifyReply, title: string, body: SafeHtml, status = 200) =>
      reply
        .status(status)
        .type(HTML)
        .header('Cache-Control', 'private, no-store')
        .send(layout({ title, siteName: config.siteName, viewer: req.viewer, path: req.url }, body));

    async function settingsPage(
      req: FastifyRequest,
      reply: FastifyReply,
      user: User,
      message: SettingsPageData['message'] = null,
      typed: SettingsPageData['typed'] = {},
      status = 200,
    ) {
      const [tokens, subscriber] = await Promise.all([
        store.users.apiTokens(user.id),
        store.digest.subscriberByEmail(normalizeAddress(user.email)),
      ]);
      const digest = subscriber
        ? {
            subscriber,
            preferencesUrl: preferencesUrl(
              { baseUrl: config.baseUrl!, secret: await tokenSecret(config, store.digest) },
              subscriber,
            ),
          }
        : null;
      const body = accountSettingsPage({
        user,
        csrf: req.viewer!.csrf,
        tokens: tokens.length,
        digest,
        message,
        typed,
      });
      return send(req, reply, 'Settings', body, status);
    }

    /** Runs a form's action; a domain error comes back beside that form, with its status. */
    async function act(
      req: FastifyRequest,
      reply: FastifyReply,
      form: 'name' | 'password' | 'email',
      action: (user: User) => Promise<string>,
      typed: SettingsPageData['typed'] = {},
    ) {
      if (!req.viewer) return reply.redirect('/login?next=/settings', 303);
      const user = req.viewer.user;
      try {
        const done = await action(user);
        // Read again: the page shows the name or address as stored now.
        const fresh = (await store.users.byId(user.id)) ?? user;
        req.viewer = { ...req.viewer, user: fresh };
        return settingsPage(req, reply, fresh, { form, kind: 'ok', text: done });
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        if (err instanceof RateLimitedError) reply.header('Retry-After', String(err.retryAfterSeconds));
        return settingsPage(
          req,
          reply,
          user,
          { form, kind: 'error', text: err.message },
          typed,
          statusOf(err),
        );
      }
    }

    app.get('/settings', async (req, reply) => {
      if (!req.viewer) return reply.redirect('/login?next=/settings', 303);
      return settingsPage(req, reply, req.viewer.user);
    });

    app.post('/settings/name', async (req, reply) => {
      const { name } = parse(nameForm, req.body);
      return act(
        req,
        reply,
        'name',
        async (user) => {
          const shown = await site.accounts.settings.setDisplayName(user, name);
          site.pageCache.invalidate(); // the profile page shows it
          return `Saved: your name is now shown as “${shown}”.`;
        },
        { name },
      );
    });

    app.post('/settings/password', async (req, reply) => {
      const f = parse(passwordForm, req.body);
      return act(req, reply, 'password', async (user) => {
        await site.accounts.settings.changePassword(user, req.sessionToken ?? '', f);
        return 'Password changed. Your other login sessions have ended; this one stays. API tokens and personal feed links keep working.';
      });
    });

    app.post('/settings/email', async (req, reply) => {
      const f = parse(emailForm, req.body);
      return act(req, reply, 'email', (user) => site.accounts.settings.requestEmailChange(user, f), {
        email: f.email,
      });
    });

    app.get<{ Querystring: { token?: string } }>('/settings/email/confirm', (req, reply) => {
      const linkToken = String(req.query.token ?? '').slice(0, 200);
      return send(
        req,
        reply,
        'Confirm your new address',
        confirmEmailChangePage(auth.formToken(req, reply), linkToken),
      );
    });
    app.post('/settings/email/confirm', async (req, reply) => {
      const { token } = parse(tokenForm, req.body);
      try {
        const email = await site.accounts.settings.confirmEmailChange(token);
        return send(
          req,
          reply,
          'Address changed',
          messagePage('Address changed', [`${email} is now the address of your account: log in with it.`]),
        );
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        return send(
          req,
          reply,
          'Link not valid',
          messagePage('Link not valid', [err.message], 'error'),
          statusOf(err),
        );
      }
    });
  };
