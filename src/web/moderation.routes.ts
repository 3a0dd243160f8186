/**
 * /admin/moderation: open reports to resolve or dismiss, the moderation log, recent comments to
 * hide or delete, and accounts to ban (with a reason and a tick). Moderators only.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { User } from '../users/types.ts';
import { requireRole } from './guard.ts';
import { HTML, parse, type WebDeps } from './respond.ts';
import { layout } from './views/layout.view.ts';
import { moderationPage } from './views/moderation.view.ts';

const PAGE = 50;
const pageNumber = z.coerce.number().int().min(1).max(1000).default(1);
/**
 * `page` pages the comments, `accounts` the accounts (each list has its own pager), `q` keeps
 * accounts whose name or email contains it; its length is bounded, as are the pages.
 */
const listQuery = z.object({
  page: pageNumber,
  accounts: pageNumber,
  q: z.string().trim().max(100, 'the account search is at most 100 characters').default(''),
});
const closeForm = z.object({
  outcome: z.enum(['resolved', 'dismissed'], { message: 'choose Resolve or Dismiss' }),
  note: z.string().max(2000).default(''),
});
const banForm = z.object({
  banned: z.enum(['0', '1']).default('1'),
  reason: z.string().max(2000).default(''),
  confirm: z.string().optional(),
});
const LISTED = 100;

/** The gate is guard.ts (the role check every /admin route shares). */
function moderator(req: FastifyRequest): User {
  return requireRole(req, 'moderator');
}

export const moderationRoutes =
  (deps: WebDeps): FastifyPluginAsync =>
  async (app) => {
    const { store, site } = deps;
    app.get('/admin/moderation', async (req, reply) => {
      const me = moderator(req);
      const { page, accounts, q } = parse(listQuery, req.query);
      // One row more than shown tells whether there is a next page.
      const [comments, found, reports, log] = await Promise.all([
        store.community.recentComments(PAGE, (page - 1) * PAGE),
        store.users.list(PAGE + 1, (accounts - 1) * PAGE, q || undefined),
        site.moderation.queue(me, LISTED),
        site.moderation.log(me, LISTED),
      ]);
      const users = { rows: found.slice(0, PAGE), page: accounts, more: found.length > PAGE, q };
      return reply
        .type(HTML)
        .header('Cache-Control', 'private, no-store')
        .send(
          layout(
            { title: 'Moderation', siteName: deps.config.siteName, viewer: req.viewer, path: req.url },
            moderationPage(comments, users, req.viewer!, page, comments.length === PAGE, { reports, log }),
          ),
        );
    });

    app.post<{ Params: { id: string } }>('/admin/users/:id/ban', async (req, reply) => {
      const me = moderator(req);
      const f = parse(banForm, req.body);
      await site.moderation.setBanned(
        me,
        Number(req.params.id) || 0,
        f.banned === '1',
        f.reason,
        f.confirm === 'yes',
      );
      return reply.redirect('/admin/moderation#users', 303);
    });

    app.post<{ Params: { id: string } }>('/admin/reports/:id', async (req, reply) => {
      const me = moderator(req);
      const f = parse(closeForm, req.body);
      await site.moderation.close(me, Number(req.params.id) || 0, f.outcome, f.note);
      return reply.redirect('/admin/moderation#reports', 303);
    });
  };
