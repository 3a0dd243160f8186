/**
 * Subscription pages and the digest web version. Every link is a signed token in the path (the
 * token is the capability, so these pages need no session); every change is a POST. The one-click
 * unsubscribe POST (RFC 8058) is answered 200 without cookie, CSRF token or Origin, because mail
 * providers send it from their servers; other POSTs refuse a foreign Origin.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
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
import { ForbiddenError, InvalidInputError, NotFoundError } from '../errors.ts';
import type { AppDeps } from './app.ts';
import type { SafeHtml } from './html.ts';
import {
  adminDigestsBody,
  checkInboxBody,
  confirmBody,
  messagePage,
  preferencesBody,
  unsubscribeBody,
} from './views/digest.view.ts';
import { layout } from './views/layout.view.ts';

type Form = Record<string, string | string[]>;

function parseForm(body: string): Form {
  const out: Form = {};
  for (const [k, v] of new URLSearchParams(body)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? '';

// The web version is our own stored mail HTML: inline styles, no scripts, nothing framed.
const DIGEST_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export const digestRoutes =
  ({ store, config, siteOptions }: AppDeps, options: { mailer?: Mailer } = {}): FastifyPluginAsync =>
  async (app) => {
    const deps = { store, config };
    let mailer = options.mailer ?? siteOptions?.mailer; // the site's test seam (site.ts) covers these mails too
    const page = (reply: FastifyReply, title: string, body: SafeHtml, status = 200) =>
      reply
        .status(status)
        .type('text/html; charset=utf-8')
        .header('Cache-Control', 'no-store')
        .header('Referrer-Policy', 'no-referrer')
        .send(layout({ title, siteName: config.siteName, viewer: reply.request.viewer }, body));
    const sameOrigin = (req: FastifyRequest) => {
      const origin = req.headers.origin;
      if (origin === undefined) return;
      const host = req.headers.host;
      let ok = false;
      try {
        const o = new URL(origin);
        ok = o.host === host || o.origin === new URL(config.baseUrl!).origin;
      } catch {}
      if (!ok) throw new ForbiddenError('This form can only be sent from this site.');
    };

    // Forms arrive urlencoded; a one-click unsubscribe may come as multipart or with no type.
    // Parsed here (this plugin's routes only), bounded, never used beyond a few fields.
    app.addContentTypeParser(
      'application/x-www-form-urlencoded',
      { parseAs: 'string', bodyLimit: 65_536 },
      (_req, body, done) => done(null, parseForm(body as string)),
    );
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
      hooks.post('/hooks/bounce', async (req, reply) => {
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
      sameOrigin(req);
      const body = (req.body ?? {}) as Form;
      const preferences = preferencesFromForm(body);
      const mail = await requestSubscription(deps, {
        email: first(body.email),
        preferences,
        ip: req.ip,
        form: first(body.form) || 'feed',
      });
      if (mail) {
        mailer ??= createMailer(config);
        // Not awaited: the answer must not reveal, by its timing, whether a mail was sent.
        mailer.send(mail).catch((err: unknown) => req.log.warn({ err }, 'confirmation mail failed'));
      }
      return page(reply, 'Check your inbox', checkInboxBody());
    });

    app.get<{ Params: { token: string } }>('/digest/confirm/:token', async (req, reply) => {
      await subscriberFromToken(deps, req.params.token, 'confirm');
      return page(reply, 'Confirm', confirmBody(`/digest/confirm/${req.params.token}`));
    });
    app.post<{ Params: { token: string } }>('/digest/confirm/:token', async (req, reply) => {
      sameOrigin(req);
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
    app.post<{ Params: { token: string } }>('/digest/unsubscribe/:token', async (req, reply) => {
      await unsubscribe(deps, req.params.token, req.headers.origin ? 'unsubscribe-page' : 'one-click');
      return page(reply, 'Unsubscribed', unsubscribeBody('', true, '/'));
    });

    app.get<{ Params: { token: string } }>('/digest/preferences/:token', async (req, reply) => {
      const { subscriber } = await subscriberFromToken(deps, req.params.token, 'preferences');
      return page(
        reply,
        'Preferences',
        preferencesBody(subscriber, `/digest/preferences/${req.params.token}`, false),
      );
    });
    app.post<{ Params: { token: string } }>('/digest/preferences/:token', async (req, reply) => {
      sameOrigin(req);
      const s = await savePreferences(deps, req.params.token, preferencesFromForm((req.body ?? {}) as Form));
      return page(reply, 'Preferences', preferencesBody(s, `/digest/preferences/${req.params.token}`, true));
    });
    app.post<{ Params: { token: string } }>('/digest/preferences/:token/resubscribe', async (req, reply) => {
      sameOrigin(req);
      const s = await resubscribe(deps, req.params.token);
      return page(reply, 'Preferences', preferencesBody(s, `/digest/preferences/${req.params.token}`, true));
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
      sameOrigin(req);
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
