/** /admin/moderation: recent comments to hide or delete, and accounts to ban. Moderators only. */
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

/** The gate is guard.ts (the role check every /admin route shares). */
function moderator(req: FastifyRequest): User {
  return requireRole(req, 'moderator');
}

export const moderationRoutes =
  (deps: WebDeps): FastifyPluginAsync =>
  async (app) => {
    const { store, site } = deps;
    app.get('/admin/moderation', async (req, reply) => {
      moderator(req);
      const { page, accounts, q } = parse(listQuery, req.query);
      // One row more than shown tells whether there is a next page.
      const [comments, found] = await Promise.all([
        store.community.recentComments(PAGE, (page - 1) * PAGE),
        store.users.list(PAGE + 1, (accounts - 1) * PAGE, q || undefined),
      ]);
      const users = { rows: found.slice(0, PAGE), page: accounts, more: found.length > PAGE, q };
      return reply
        .type(HTML)
        .header('Cache-Control', 'private, no-store')
        .send(
          layout(
            { title: 'Moderation', siteName: deps.config.siteName, viewer: req.viewer, path: req.url },
            moderationPage(comments, users, req.viewer!, page, comments.length === PAGE),
          ),
        );
    });

    app.post<{ Params: { id: string } }>('/admin/users/:id/ban', async (req, reply) => {
      moderator(req);
      const banned = ((req.body ?? {}) as Record<string, string>).banned !== '0';
      await site.accounts.setBanned(Number(req.params.id) || 0, banned);
      site.pageCache.invalidate();
      return reply.redirect('/admin/moderation#users', 303);
    });
  };
