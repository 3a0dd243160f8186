/**
 * Subscription pages and the digest web version. Every link is a signed token in the path (the
 * token is the capability, so these pages need no session); every change is a POST through the
 * one form pipeline (form.ts: parser and CSRF check), so each form page rendered from a signed
 * link carries a CSRF token like any other form. The one-click unsubscribe POST (RFC 8058) opts
 * out: mail providers send it from their servers, without cookie, token or Origin; the signed
 * token in its path is its authentication. So does the bounce hook (its shared secret).
 */
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { checkHookAuth, MAX_REPORT_BYTES, processReport, reportText } from '../digest/bounce.ts';
import type { Mailer } from '../digest/mail.ts';
import { createMailer } from '../digest/mailer.ts';
import {
  confirmSubscription,
  digestForWeb,
  eraseSubscriber,
  exportSubscriber,
  preferencesFromForm,
  requestSubscription,
  resubscribe,
  savePreferences,
  subscriberFromToken,
  unsubscribe,
} from '../digest/subscriptions.ts';
import { InvalidInputError, NotFoundError } from '../errors.ts';
import type { FormBody } from './form.ts';
import type { SafeHtml } from './html.ts';
import type { WebDeps } from './respond.ts';
import {
  adminDigestsBody,
  checkInboxBody,
  confirmBody,
  messagePage,
  preferencesBody,
  unsubscribeBody,
} from './views/digest.view.ts';
import { layout } from './views/layout.view.ts';

// The web version is our own stored mail HTML: inline styles, no scripts, nothing framed.
const DIGEST_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const NO_CSRF = { config: { csrf: false } };

export const digestRoutes =
  ({ store, config, auth, siteOptions }: WebDeps, options: { mailer?: Mailer } = {}): FastifyPluginAsync =>
  async (app) => {
    const deps = { store, config };
    // The site's test seam (site.ts) covers these mails too.
    const fixed = options.mailer ?? siteOptions?.mailer;
    let mailer = fixed;
    // Rebuilt when /admin/settings changes the SMTP URL or sender (the config is updated in place).
    let mailerFor = '';
    const currentMailer = (): Mailer => {
      if (fixed) return fixed;
      const key = `${config.smtpUrl ?? ''}\n${config.mailFrom}`;
      if (!mailer || key !== mailerFor) {
        const old = mailer;
        mailer = createMailer(config);
        mailerFor = key;
        void old?.close().catch(() => {});
      }
      return mailer;
    };
    const page = (reply: FastifyReply, title: string, body: SafeHtml, status = 200) =>
      reply
        .status(status)
        .type('text/html; charset=utf-8')
        .header('Cache-Control', 'no-store')
        .header('Referrer-Policy', 'no-referrer')
        .send(
          layout(
            { title, siteName: config.siteName, viewer: reply.request.viewer, path: reply.request.url },
            body,
          ),
        );
    const form = (body: unknown) => (body ?? {}) as FormBody;

    // Forms arrive urlencoded (form.ts); a one-click unsubscribe may come as multipart or with no
    // type: read as nothing, bounded.
    app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 65_536 }, (_req, _body, done) =>
      done(null, {}),
    );

    // The mail server's bounce hook: the raw DSN or ARF message is the body, whatever the type
    // says (a pipe to curl sends what it sends). Its own parsers, so the forms' do not apply.
    await app.register(async (hooks) => {
      hooks.removeAllContentTypeParsers();
      hooks.addContentTypeParser(
        '*',
        { parseAs: 'buffer', bodyLimit: MAX_REPORT_BYTES },
        (_req, body, done) => done(null, body),
      );
      hooks.post('/hooks/bounce', NO_CSRF, async (req, reply) => {
        if (!config.bounceHookSecret) throw new NotFoundError('No bounce hook is configured here.');
        checkHookAuth(req.headers.authorization, config.bounceHookSecret);
        const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const r = await processReport(store, config, reportText(raw));
        return reply
          .header('Cache-Control', 'no-store')
          .send({ kind: r.kind, status: r.status, outcome: r.outcome });
      });
    });

    app.post('/digest/subscribe', async (req, reply) => {
      const body = form(req.body);
      const preferences = preferencesFromForm(body);
      const mail = await requestSubscription(deps, {
        email: body.email ?? '',
        preferences,
        ip: req.ip,
        form: body.form || 'feed',
      });
      if (mail) {
        // Not awaited: the answer must not reveal, by its timing, whether a mail was sent.
        currentMailer()
          .send(mail)
          .catch((err: unknown) => req.log.warn({ err }, 'confirmation mail failed'));
      }
      return page(reply, 'Check your inbox', checkInboxBody());
    });

    app.get<{ Params: { token: string } }>('/digest/confirm/:token', async (req, reply) => {
      await subscriberFromToken(deps, req.params.token, 'confirm');
      return page(
        reply,
        'Confirm',
        confirmBody(`/digest/confirm/${req.params.token}`, auth.formToken(req, reply)),
      );
    });
    app.post<{ Params: { token: string } }>('/digest/confirm/:token', async (req, reply) => {
      const s = await confirmSubscription(deps, req.params.token);
      return page(
        reply,
        'Subscribed',
        messagePage("You're subscribed", [
          `The first ${s.frequency} digest comes with the next one we send.`,
        ]),
      );
    });

    app.get<{ Params: { token: string } }>('/digest/unsubscribe/:token', async (req, reply) => {
      const { subscriber } = await subscriberFromToken(deps, req.params.token, 'unsubscribe');
      return page(
        reply,
        'Unsubscribe',
        unsubscribeBody(`/digest/unsubscribe/${req.params.token}`, subscriber.status === 'unsubscribed', '#'),
      );
    });
    app.post<{ Params: { token: string } }>('/digest/unsubscribe/:token', NO_CSRF, async (req, reply) => {
      await unsubscribe(deps, req.params.token, req.headers.origin ? 'unsubscribe-page' : 'one-click');
      return page(reply, 'Unsubscribed', unsubscribeBody('', true, '/'));
    });

    app.get<{ Params: { token: string } }>('/digest/preferences/:token', async (req, reply) => {
      const { subscriber } = await subscriberFromToken(deps, req.params.token, 'preferences');
      return page(
        reply,
        'Preferences',
        preferencesBody(
          subscriber,
          `/digest/preferences/${req.params.token}`,
          false,
          auth.formToken(req, reply),
        ),
      );
    });
    const saved = (
      req: import('fastify').FastifyRequest,
      reply: FastifyReply,
      s: Parameters<typeof preferencesBody>[0],
      token: string,
    ) =>
      page(
        reply,
        'Preferences',
        preferencesBody(s, `/digest/preferences/${token}`, true, auth.formToken(req, reply)),
      );
    app.post<{ Params: { token: string } }>('/digest/preferences/:token', async (req, reply) => {
      const s = await savePreferences(deps, req.params.token, preferencesFromForm(form(req.body)));
      return saved(req, reply, s, req.params.token);
    });
    app.post<{ Params: { token: string } }>('/digest/preferences/:token/resubscribe', async (req, reply) => {
      const s = await resubscribe(deps, req.params.token);
      return saved(req, reply, s, req.params.token);
    });
    app.get<{ Params: { token: string } }>('/digest/preferences/:token/export', async (req, reply) => {
      const { subscriber } = await subscriberFromToken(deps, req.params.token, 'preferences');
      return reply
        .type('application/json; charset=utf-8')
        .header('Cache-Control', 'no-store')
        .header('Content-Disposition', 'attachment; filename="paperboy-subscription.json"')
        .send(JSON.stringify(await exportSubscriber(deps, subscriber), null, 2));
    });
    app.post<{ Params: { token: string } }>('/digest/preferences/:token/erase', async (req, reply) => {
      const { subscriber } = await subscriberFromToken(deps, req.params.token, 'preferences');
      await eraseSubscriber(deps, subscriber);
      return page(
        reply,
        'Erased',
        messagePage('Your data is erased', [
          'We keep only a one-way hash of the address, so it is never mailed again from an old list.',
        ]),
      );
    });

    app.get<{ Params: { token: string } }>('/digest/:token', async (req, reply) => {
      if (!/^web\./.test(req.params.token)) throw new InvalidInputError('This link is not valid.');
      const row = await digestForWeb(deps, req.params.token);
      return (
        reply
          .type('text/html; charset=utf-8')
          .header('Cache-Control', 'private, no-store')
          .header('Referrer-Policy', 'no-referrer')
          // Its own CSP (inline styles): app.ts's onSend hook keeps a policy a route has set.
          .header('Content-Security-Policy', DIGEST_CSP)
          .send(row.html)
      );
    });

    // Admin only: the gate for every /admin route is guard.ts (registered in app.ts).
    app.get('/admin/digests', async (_req, reply) => {
      const [runs, periods, subscribers] = await Promise.all([
        store.digest.recentRuns(50),
        store.digest.periodCounts(14),
        store.digest.countByStatus(),
      ]);
      return page(reply, 'Digests', adminDigestsBody(runs, periods, subscribers));
    });
  };
