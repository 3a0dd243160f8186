/**
 * Accounts: sign-up, email verification, login/logout, password reset, profiles and API tokens.
 * Emailed links open a page whose button POSTs (mail scanners follow GET links; a GET changes
 * nothing). Failures re-render the form with the message and the matching status.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DomainError, NotFoundError, RateLimitedError } from '../errors.ts';
import { accountSettingsRoutes } from './account-settings.routes.ts';
import { localPath } from './auth.ts';
import { statusOf } from './errors.ts';
import { html, type SafeHtml } from './html.ts';
import { HTML, parse, sendPage, type WebDeps } from './respond.ts';
import {
  confirmEmailPage,
  loginPage,
  messagePage,
  newPasswordPage,
  passwordChangedPage,
  profilePage,
  requestResetPage,
  signupPage,
} from './views/account.view.ts';
import { layout } from './views/layout.view.ts';

const field = (max: number) => z.string().max(max).default('');
const signupForm = z.object({
  email: field(300),
  name: field(200),
  handle: field(60),
  password: field(1024),
});
const loginForm = z.object({ email: field(300), password: field(1024), next: field(2000) });
const tokenForm = z.object({ token: z.string().max(200) });
const resetForm = tokenForm.extend({ password: field(1024) });

export const accountRoutes =
  (deps: WebDeps): FastifyPluginAsync =>
  async (app) => {
    const { site, auth, store } = deps;
    // Account mails are sent after the answer (users/accounts.ts); a failure is logged here.
    site.accounts.onMailError = (err, what) => app.log.warn({ err }, `${what} failed`);
    await app.register(accountSettingsRoutes(deps));

    /** A form page for signed-out readers: never cached (it sets the CSRF cookie). */
    const form = (
      req: FastifyRequest,
      reply: FastifyReply,
      title: string,
      body: (csrf: string) => SafeHtml,
      status = 200,
    ) => {
      const csrf = auth.formToken(req, reply);
      return reply
        .status(status)
        .type(HTML)
        .header('Cache-Control', 'private, no-store')
        .send(
          layout({ title, siteName: deps.config.siteName, viewer: req.viewer, path: req.url }, body(csrf)),
        );
    };
    /** Runs a form action; a domain error re-renders the form with its message and status. */
    async function attempt<T>(
      reply: FastifyReply,
      action: () => Promise<T>,
      onError: (message: string, status: number) => unknown,
    ) {
      try {
        return { ok: true as const, value: await action() };
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        if (err instanceof RateLimitedError) reply.header('Retry-After', String(err.retryAfterSeconds));
        return { ok: false as const, reply: await onError(err.message, statusOf(err)) };
      }
    }

    app.get('/signup', (req, reply) => form(req, reply, 'Sign up', (t) => signupPage(t, null)));
    app.post('/signup', async (req, reply) => {
      const f = parse(signupForm, req.body);
      const r = await attempt(
        reply,
        () => site.accounts.signup(f, req.ip),
        (m, s) => form(req, reply, 'Sign up', (t) => signupPage(t, m, f), s),
      );
      if (!r.ok) return r.reply;
      return form(req, reply, 'Check your inbox', () => messagePage('Check your inbox', [r.value]));
    });

    app.get<{ Querystring: { token?: string } }>('/verify', (req, reply) =>
      form(req, reply, 'Confirm your email', (t) =>
        confirmEmailPage(t, String(req.query.token ?? '').slice(0, 200)),
      ),
    );
    app.post('/verify', async (req, reply) => {
      const { token } = parse(tokenForm, req.body);
      const r = await attempt(
        reply,
        () => site.accounts.verifyEmail(token),
        (m, s) => form(req, reply, 'Link not valid', () => messagePage('Link not valid', [m], 'error'), s),
      );
      if (!r.ok) return r.reply;
      const { session } = r.value;
      if (!session)
        return form(req, reply, 'Email confirmed', () => messagePage('Email confirmed', ['Thank you.']));
      // Signed in at once (issue 16 item 14); a session this browser had before ends, as at login.
      if (req.sessionToken) await site.accounts.logout(req.sessionToken);
      auth.startSession(reply, session.token, session.expiresAt);
      req.viewer = { user: session.user, csrf: session.csrfToken };
      return form(req, reply, 'Email confirmed', () =>
        messagePage('Email confirmed', [
          html`Thank you, ${session.user.displayName}: you are signed in and can upvote, submit and comment. Your <a href="/settings">settings</a> hold your name, password, address and digest.`,
        ]),
      );
    });

    app.get<{ Querystring: { next?: string } }>('/login', (req, reply) => {
      const next = localPath(req.query.next);
      if (req.viewer) return reply.redirect(next, 303);
      return form(req, reply, 'Log in', (t) => loginPage(t, next, null));
    });
    app.post('/login', async (req, reply) => {
      const f = parse(loginForm, req.body);
      const next = localPath(f.next);
      const r = await attempt(
        reply,
        () => site.accounts.login(f, req.ip),
        (m, s) => form(req, reply, 'Log in', (t) => loginPage(t, next, m, f.email), s),
      );
      if (!r.ok) return r.reply;
      // A fresh session id at every login; any session this browser had before ends.
      if (req.sessionToken) await site.accounts.logout(req.sessionToken);
      auth.startSession(reply, r.value.token, r.value.expiresAt);
      return reply.redirect(next, 303);
    });

    app.post('/logout', async (req, reply) => {
      if (req.sessionToken) await site.accounts.logout(req.sessionToken);
      auth.endSession(reply);
      return reply.redirect('/', 303);
    });

    app.get('/reset-password', (req, reply) =>
      form(req, reply, 'Reset your password', (t) => requestResetPage(t, null)),
    );
    app.post('/reset-password', async (req, reply) => {
      const { email } = parse(z.object({ email: field(300) }), req.body);
      const r = await attempt(
        reply,
        () => site.accounts.requestReset(email, req.ip),
        (m, s) => form(req, reply, 'Reset your password', (t) => requestResetPage(t, m), s),
      );
      if (!r.ok) return r.reply;
      return form(req, reply, 'Check your inbox', () => messagePage('Check your inbox', [r.value]));
    });
    app.get<{ Querystring: { token?: string } }>('/reset', (req, reply) =>
      form(req, reply, 'Choose a new password', (t) =>
        newPasswordPage(t, String(req.query.token ?? '').slice(0, 200), null),
      ),
    );
    app.post('/reset', async (req, reply) => {
      const f = parse(resetForm, req.body);
      const r = await attempt(
        reply,
        () => site.accounts.resetPassword(f.token, f.password, req.ip),
        (m, s) => form(req, reply, 'Choose a new password', (t) => newPasswordPage(t, f.token, m), s),
      );
      if (!r.ok) return r.reply;
      auth.endSession(reply);
      const tokens = await store.users.apiTokens(r.value.id);
      return form(req, reply, 'Password changed', () => passwordChangedPage(tokens));
    });

    async function profile(
      req: FastifyRequest,
      reply: FastifyReply,
      name: string,
      newToken: string | null,
      notice: 'others-ended' | null = null,
    ) {
      const user = await store.users.byName(name);
      if (!user) throw new NotFoundError('No such user.');
      const own = req.viewer?.user.id === user.id;
      const [votes, submissions, tokens] = await Promise.all([
        store.community.userVotes(user.id, 50),
        store.community.userSubmissions(user.id, 50),
        own ? store.users.apiTokens(user.id) : Promise.resolve([]),
      ]);
      return sendPage(deps, req, reply, async () => ({
        meta: { title: user.displayName },
        body: profilePage({
          user,
          votes,
          submissions,
          own: own ? { csrf: req.viewer!.csrf, tokens, newToken, notice } : null,
        }),
      }));
    }
    app.get<{ Params: { name: string } }>('/users/:name', (req, reply) =>
      profile(req, reply, req.params.name, null),
    );

    app.post('/settings/tokens', async (req, reply) => {
      if (!req.viewer) return reply.redirect('/login?next=/settings/tokens', 303);
      const { name } = parse(z.object({ name: field(100) }), req.body);
      const { token } = await site.accounts.createApiToken(req.viewer.user, name);
      return profile(req, reply, req.viewer.user.name, token);
    });
    app.get('/settings/tokens', async (req, reply) => {
      if (!req.viewer) return reply.redirect('/login?next=/settings/tokens', 303);
      return reply.redirect(`/users/${encodeURIComponent(req.viewer.user.name)}#tokens`, 303);
    });
    app.post('/settings/sessions/end', async (req, reply) => {
      if (!req.viewer || !req.sessionToken) return reply.redirect('/login', 303);
      await site.accounts.logoutOthers(req.viewer.user, req.sessionToken);
      return profile(req, reply, req.viewer.user.name, null, 'others-ended');
    });
    app.post<{ Params: { id: string } }>('/settings/tokens/:id/revoke', async (req, reply) => {
      if (!req.viewer) return reply.redirect('/login', 303);
      await store.users.revokeApiToken(
        req.viewer.user.id,
        Number(req.params.id) || 0,
        site.now().toISOString(),
      );
      return reply.redirect(`/users/${encodeURIComponent(req.viewer.user.name)}#tokens`, 303);
    });
  };
