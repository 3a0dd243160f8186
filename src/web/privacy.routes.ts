/**
 * Privacy (issue 14 item 8): `/settings/account` with the account's data export
 * (`/settings/account/export.json`, one JSON document of everything it has) and account deletion
 * (`POST /settings/account/delete`: the password, and CSRF through the one form pipeline,
 * form.ts). Deletion erases the digest subscription of the account's address through the
 * digest's own erase path first, then the account and everything personal in one transaction
 * (users/account-data.*.repo.ts); if the first fails, nothing else has happened and the reader
 * can try again.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { exportAlerts } from '../alerts/export.ts';
import { normalizeAddress } from '../digest/mail.ts';
import { eraseSubscriber, exportSubscriber } from '../digest/subscriptions.ts';
import { DomainError, RateLimitedError } from '../errors.ts';
import type { User } from '../users/types.ts';
import { statusOf } from './errors.ts';
import { requireRole } from './guard.ts';
import type { SafeHtml } from './html.ts';
import { HTML, parse, type WebDeps } from './respond.ts';
import { layout } from './views/layout.view.ts';
import { accountPage, deletedPage } from './views/privacy.view.ts';

/** Far above any account's own rows; one bound on each list of the export. */
const ALL = 100_000;
const deleteForm = z.object({ password: z.string().max(1024).default('') });

export const privacyRoutes =
  (deps: WebDeps): FastifyPluginAsync =>
  async (app) => {
    const { site, store, config, auth } = deps;
    const digestDeps = { store, config };

    const send = (req: FastifyRequest, reply: FastifyReply, title: string, body: SafeHtml, status = 200) =>
      reply
        .status(status)
        .type(HTML)
        .header('Cache-Control', 'private, no-store')
        .send(layout({ title, siteName: config.siteName, viewer: req.viewer, path: req.url }, body));

    app.get('/settings/account', async (req, reply) => {
      if (!req.viewer) return reply.redirect('/login?next=/settings/account', 303);
      return send(req, reply, 'Your account', accountPage(req.viewer, null));
    });

    app.get('/settings/account/export.json', async (req, reply) => {
      const user = requireRole(req, 'user');
      return reply
        .header('Cache-Control', 'private, no-store')
        .header('Content-Disposition', 'attachment; filename="paperboy-account.json"')
        .type('application/json; charset=utf-8')
        .send(JSON.stringify(await accountExport(user), null, 2));
    });

    app.post('/settings/account/delete', async (req, reply) => {
      const user = requireRole(req, 'user');
      const { password } = parse(deleteForm, req.body);
      try {
        await site.accounts.confirmPassword(user, password);
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        if (err instanceof RateLimitedError) reply.header('Retry-After', String(err.retryAfterSeconds));
        return send(req, reply, 'Your account', accountPage(req.viewer!, err.message), statusOf(err));
      }
      const subscriber = await store.digest.subscriberByEmail(normalizeAddress(user.email));
      if (subscriber) await eraseSubscriber(digestDeps, subscriber);
      await store.accountData.deleteAccount(user.id, site.now().toISOString());
      site.pageCache.invalidate(); // vote counts and comment authors changed on shared pages
      auth.endSession(reply);
      req.viewer = null;
      return send(req, reply, 'Account deleted', deletedPage());
    });

    /** Everything the account has, as one document (never a secret: no token or key values). */
    async function accountExport(user: User) {
      const id = user.id;
      const [activity, tokens, submissions, library, follows, feedback, seeds, settings, feedKeyAt] =
        await Promise.all([
          store.accountData.activity(id),
          store.users.apiTokens(id),
          store.community.userSubmissions(id, ALL),
          store.library.exportFor(id),
          store.forYou.follows(id),
          store.forYou.feedback(id),
          store.forYou.seeds(id, ALL),
          store.forYou.settings(id),
          site.feedKeys.madeAt(id),
        ]);
      const briefs = new Map(
        (await store.forYou.briefs([...new Set([...feedback.map((f) => f.paperId), ...seeds])])).map((b) => [
          b.id,
          b.arxivId,
        ]),
      );
      const subscriber = await store.digest.subscriberByEmail(normalizeAddress(user.email));
      return {
        exportedAt: site.now().toISOString(),
        site: config.baseUrl,
        profile: {
          id: user.id,
          name: user.name,
          displayName: user.displayName,
          email: user.email,
          role: user.role,
          emailVerifiedAt: user.emailVerifiedAt,
          createdAt: user.createdAt,
        },
        sessions: { count: activity.sessions },
        apiTokens: tokens.map((t) => ({
          id: t.id,
          name: t.name,
          createdAt: t.createdAt,
          lastUsedAt: t.lastUsedAt,
        })),
        votes: activity.votes,
        submissions,
        comments: activity.comments,
        library,
        follows: follows.map((f) => ({ kind: f.kind, key: f.key, label: f.label, createdAt: f.createdAt })),
        feedback: feedback.map((f) => ({ arxivId: briefs.get(f.paperId) ?? null, kind: f.kind })),
        startOutPicks: seeds.map((p) => briefs.get(p) ?? null).filter((p) => p !== null),
        forYou: { controls: await site.forYou.tuning(id), startedAt: settings.onboardedAt },
        personalFeeds: { linksExist: feedKeyAt !== null, since: feedKeyAt },
        digest: subscriber ? await exportSubscriber(digestDeps, subscriber) : null,
        // Alerts, webhooks (never their signing secrets) and the newest events (issue 15).
        alerts: await exportAlerts(store, id),
      };
    }
  };
