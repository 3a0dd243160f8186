/**
 * For you (issue 14 items 2-4): `/for-you` (the ranked list with reasons and controls),
 * `/for-you/settings`, `/for-you/feedback` ("less like this", "hide"), `/for-you/start` (the
 * skippable start-out questions), `/following` (list, follow, unfollow). Every change is a POST
 * form through the one form pipeline (form.ts: CSRF checked there) answered by a redirect, so all
 * of it works without JavaScript. Signed-out readers are sent to log in.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { InvalidInputError, NotFoundError } from '../errors.ts';
import { RANKED } from '../foryou/service.ts';
import { tuningFromForm } from '../foryou/settings.ts';
import { isCategory } from '../papers/category.ts';
import { localPath } from './auth.ts';
import { formAll } from './form.ts';
import { requireRole } from './guard.ts';
import type { html } from './html.ts';
import { contextFor, HTML, parse, type WebDeps } from './respond.ts';
import { followingPage, forYouPage, startPage } from './views/foryou.view.ts';
import { layout } from './views/layout.view.ts';

/** Items per page of For you. */
const PAGE_SIZE = 20;
const pageQuery = z.object({
  page: z.coerce
    .number()
    .int()
    .min(1)
    .max(RANKED / PAGE_SIZE)
    .default(1),
});
const followForm = z.object({
  kind: z.string().max(20).default(''),
  value: z.string().max(300).default(''),
  next: z.string().max(2000).optional(),
});
const nextForm = z.object({ next: z.string().max(2000).optional() });
const feedbackForm = z.object({
  paper: z.string().min(1).max(100),
  kind: z.string().max(20).default(''),
  next: z.string().max(2000).optional(),
});
const settingsForm = z.object({
  trending: z.string().max(5).optional(),
  window: z.string().max(10).optional(),
  only: z.string().max(5).optional(),
});
const startForm = z.object({
  more: z.string().max(300).default(''),
  papers: z.string().max(20_000).default(''),
  skip: z.string().max(5).optional(),
});

/** Categories offered on the start-out page beside a free field. */
const COMMON_CATEGORIES = ['cs.LG', 'cs.CV', 'cs.CL', 'cs.AI', 'stat.ML', 'cs.RO', 'cs.CR', 'cs.IR'];

export const forYouRoutes =
  (deps: WebDeps): FastifyPluginAsync =>
  async (app) => {
    const { site } = deps;
    const send = (req: FastifyRequest, reply: FastifyReply, title: string, body: ReturnType<typeof html>) =>
      reply
        .type(HTML)
        .header('Cache-Control', 'private, no-store')
        .send(layout({ title, siteName: deps.config.siteName, viewer: req.viewer, path: req.url }, body));
    const loginFirst = (req: FastifyRequest, reply: FastifyReply) =>
      reply.redirect(`/login?next=${encodeURIComponent(req.url.slice(0, 500))}`, 303);

    app.get('/for-you', async (req, reply) => {
      if (!req.viewer) return loginFirst(req, reply);
      const { page } = parse(pageQuery, req.query);
      const user = req.viewer.user;
      const p = await site.forYou.page(user.id, {}, { offset: (page - 1) * PAGE_SIZE, limit: PAGE_SIZE });
      const items = await deps.store.feed.items(p.items.map((r) => r.paperId));
      const ctx = await contextFor(
        deps,
        req,
        items.map((i) => i.paper.id),
      );
      const href = (n: number) => `/for-you?page=${n}`;
      const pager = {
        prev: page > 1 ? { href: href(page - 1), label: 'Previous page' } : null,
        next: p.total > page * PAGE_SIZE ? { href: href(page + 1), label: 'Next page' } : null,
      };
      return send(req, reply, 'For you', forYouPage(p, items, ctx, pager, req.viewer));
    });

    app.post('/for-you/settings', async (req, reply) => {
      const user = requireRole(req, 'user');
      const t = tuningFromForm(parse(settingsForm, req.body));
      await site.forYou.saveTuning(user.id, t);
      return reply.redirect('/for-you', 303);
    });

    app.post('/for-you/feedback', async (req, reply) => {
      const user = requireRole(req, 'user');
      const f = parse(feedbackForm, req.body);
      await site.forYou.feedback(user.id, f.paper, f.kind);
      return reply.redirect(localPath(f.next, '/for-you'), 303);
    });

    app.get('/for-you/start', async (req, reply) => {
      if (!req.viewer) return loginFirst(req, reply);
      return send(req, reply, 'Start For you', startPage(req.viewer, COMMON_CATEGORIES, null));
    });

    app.post('/for-you/start', async (req, reply) => {
      const user = requireRole(req, 'user');
      const f = parse(startForm, req.body);
      if (f.skip) {
        await site.forYou.skipStart(user.id);
        return reply.redirect('/for-you', 303);
      }
      const categories = [...formAll(req.body, 'category'), ...f.more.split(/[\s,]+/).filter(Boolean)];
      const bad = categories.filter((c) => !isCategory(c));
      if (bad.length)
        throw new InvalidInputError(
          `categories: ${bad.map((c) => `"${c.slice(0, 40)}"`).join(', ')} ${bad.length === 1 ? 'is not an arXiv category' : 'are not arXiv categories'} (like cs.LG); nothing was saved`,
        );
      const report = await site.forYou.start(user.id, {
        categories: [...new Set(categories)],
        papers: f.papers,
      });
      return send(req, reply, 'For you is set up', startPage(req.viewer!, [], report));
    });

    app.get('/following', async (req, reply) => {
      if (!req.viewer) return loginFirst(req, reply);
      const follows = await site.forYou.follows(req.viewer.user.id);
      return send(req, reply, 'Following', followingPage(follows, req.viewer));
    });

    app.post('/following', async (req, reply) => {
      const user = requireRole(req, 'user');
      const f = parse(followForm, req.body);
      await site.forYou.follow(user.id, f.kind, f.value);
      return reply.redirect(localPath(f.next, '/following'), 303);
    });

    app.post<{ Params: { id: string } }>('/following/:id/delete', async (req, reply) => {
      const user = requireRole(req, 'user');
      const id = Number(req.params.id);
      if (!Number.isSafeInteger(id) || id <= 0) throw new NotFoundError('No such follow.');
      const f = parse(nextForm, req.body);
      await site.forYou.unfollow(user.id, id);
      return reply.redirect(localPath(f.next, '/following'), 303);
    });
  };
