/**
 * Taking part from the pages: upvote, submit, comment. Every action is a POST with the session's
 * CSRF token (checked in site.routes.ts); without JavaScript each answers with a redirect back, and
 * app.js asks for JSON (`Accept: application/json`) to update the page in place.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { InvalidInputError, NotFoundError, UnauthorizedError, UpstreamUnavailableError } from '../errors.ts';
import { totalVotes } from '../feed/feed.ts';
import type { User } from '../users/types.ts';
import { localPath } from './auth.ts';
import { html } from './html.ts';
import { titleHtml } from './math.ts';
import { HTML, parse, type WebDeps } from './respond.ts';
import { messagePage } from './views/account.view.ts';
import { layout } from './views/layout.view.ts';
import { reportPage } from './views/moderation.view.ts';

const voteForm = z.object({ up: z.enum(['0', '1']).default('1'), next: z.string().max(2000).optional() });
const commentForm = z.object({
  body: z.string().max(20_000).default(''),
  parent: z.coerce
    .number()
    .int()
    .positive()
    .optional()
    .or(z.literal('').transform(() => undefined)),
});
const submitForm = z.object({ paper: z.string().max(300).default('') });
/** What is reported: `paper=<arXiv id>` or `comment=<number>` (query of the form page, fields of the post). */
const reportTarget = z.object({
  paper: z.string().max(300).optional(),
  comment: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  reason: z.string().max(5000).default(''),
});

function targetOf(f: z.infer<typeof reportTarget>) {
  if (f.comment !== undefined)
    return { target: { comment: f.comment }, field: { name: 'comment' as const, value: String(f.comment) } };
  if (f.paper) return { target: { paper: f.paper }, field: { name: 'paper' as const, value: f.paper } };
  throw new NotFoundError('Say what to report: /report?paper=<arXiv id> or /report?comment=<number>.');
}

const wantsJson = (req: FastifyRequest) => (req.headers.accept ?? '').includes('application/json');

function signedIn(req: FastifyRequest): User {
  if (!req.viewer) throw new UnauthorizedError('Log in first.');
  return req.viewer.user;
}

export const communityRoutes =
  (deps: WebDeps): FastifyPluginAsync =>
  async (app) => {
    const { site } = deps;
    const page = (
      req: FastifyRequest,
      reply: FastifyReply,
      title: string,
      body: ReturnType<typeof html>,
      status = 200,
    ) =>
      reply
        .status(status)
        .type(HTML)
        .header('Cache-Control', 'private, no-store')
        .send(layout({ title, siteName: deps.config.siteName, viewer: req.viewer, path: req.url }, body));

    // `/papers/<id>/vote` and `/papers/<id>/comments`; old-style ids contain a slash.
    app.post<{ Params: { '*': string } }>('/papers/*', async (req, reply) => {
      const rest = req.params['*'];
      const slash = rest.lastIndexOf('/');
      const action = rest.slice(slash + 1);
      const arxivId = rest.slice(0, slash);
      const user = signedIn(req);
      if (action === 'vote') {
        const f = parse(voteForm, req.body);
        const r = await site.community.vote(user, arxivId, f.up === '1');
        const total = totalVotes({ votes: r.votes, importedVotes: r.importedVotes, comments: 0 });
        if (wantsJson(req))
          return { up: f.up === '1', votes: r.votes, importedVotes: r.importedVotes, total };
        return reply.redirect(localPath(f.next, `/papers/${r.paper.arxivId}`), 303);
      }
      if (action === 'comments') {
        const f = parse(commentForm, req.body);
        const c = await site.community.comment(user, arxivId, f.body, f.parent ?? null);
        const paper = (await deps.store.papers.get(arxivId.replace(/v\d+$/, '')))?.arxivId ?? arxivId;
        return reply.redirect(`/papers/${paper}#c${c.id}`, 303);
      }
      throw new NotFoundError(`No action "${action.slice(0, 40)}" on papers.`);
    });

    app.post<{ Params: { id: string; action: string } }>('/comments/:id/:action', async (req, reply) => {
      const user = signedIn(req);
      const id = Number(req.params.id);
      if (!Number.isSafeInteger(id) || id <= 0) throw new NotFoundError('No such comment.');
      const body = (req.body ?? {}) as Record<string, string>;
      let c: Awaited<ReturnType<typeof site.community.editComment>>;
      if (req.params.action === 'edit')
        c = await site.community.editComment(user, id, String(body.body ?? ''));
      else if (req.params.action === 'delete') c = await site.community.deleteComment(user, id);
      else if (req.params.action === 'hide')
        c = await site.community.hideComment(user, id, body.hidden !== '0');
      else throw new NotFoundError('No such action.');
      const paper = await deps.store.feed.items([c.paperId]);
      const back = localPath(body.next, paper[0] ? `/papers/${paper[0].paper.arxivId}#c${c.id}` : '/');
      return reply.redirect(back, 303);
    });

    // Reporting a paper or a comment (issue 16 item 16): a page of its own keeps paper pages lean.
    app.get('/report', async (req, reply) => {
      const f = parse(reportTarget, req.query);
      const { target, field } = targetOf(f);
      if (!req.viewer)
        return reply.redirect(
          `/login?next=${encodeURIComponent(`/report?${field.name}=${field.value}`)}`,
          303,
        );
      const subject = await site.moderation.subject(target);
      return page(req, reply, 'Report', reportPage(subject, field, req.viewer.csrf, '', null));
    });
    app.post('/report', async (req, reply) => {
      const user = signedIn(req);
      const f = parse(reportTarget, req.body);
      const { target, field } = targetOf(f);
      const subject = await site.moderation.subject(target);
      try {
        await site.moderation.report(user, target, f.reason);
      } catch (err) {
        // A reason that is refused comes back in its form, with what to fix.
        if (!(err instanceof InvalidInputError)) throw err;
        const body = reportPage(subject, field, req.viewer!.csrf, f.reason, err.message);
        return page(req, reply, 'Report', body, 400);
      }
      return page(
        req,
        reply,
        'Reported',
        messagePage('Thank you', [
          html`A moderator will look at your report on <a href="/papers/${subject.arxivId}">${subject.title}</a>.`,
        ]),
      );
    });

    app.get('/submit', (req, reply) => {
      if (!req.viewer) return reply.redirect('/login?next=/submit', 303);
      return page(req, reply, 'Submit a paper', submitPage(req.viewer.csrf, null, ''));
    });
    app.post('/submit', async (req, reply) => {
      const user = signedIn(req);
      const f = parse(submitForm, req.body);
      let r: Awaited<ReturnType<typeof site.community.submit>>;
      try {
        r = await site.community.submit(user, f.paper);
      } catch (err) {
        // arXiv down: say so on the form, with what was typed still in it (issue 16 item 7).
        if (!(err instanceof UpstreamUnavailableError)) throw err;
        reply.header('Retry-After', '120');
        return page(req, reply, 'Submit a paper', submitPage(req.viewer!.csrf, err.message, f.paper), 503);
      }
      const link = html`<a href="/papers/${r.paper.arxivId}">${titleHtml(r.paper.title)}</a>`;
      if (r.status === 'exists') {
        return page(
          req,
          reply,
          'Already featured',
          messagePage('Already featured', [
            html`${link} is already on the feed of <a href="/papers?date=${r.day}">${r.day}</a>.`,
          ]),
        );
      }
      return page(
        req,
        reply,
        'Submitted',
        messagePage('Submitted', [
          html`${link} is on <a href="/">today's feed</a>${r.fetched ? ' (fetched from arXiv just now)' : ''}. Thank you!`,
        ]),
      );
    });

    function submitPage(csrf: string, message: string | null, value: string) {
      return html`<h1>Submit a paper</h1>${message ? html`<p class="error" role="alert">${message}</p>` : ''}
<p class="muted">An arXiv id (<code>2401.00001</code>, <code>hep-th/9901001</code>) or an arxiv.org link. New papers are fetched from arXiv and featured on today's feed.</p>
<form class="row" method="post" action="/submit"><input type="hidden" name="csrf" value="${csrf}"><label for="paper">arXiv id or URL</label><input id="paper" type="text" name="paper" required maxlength="300" placeholder="2401.00001" value="${value}"><button type="submit">Submit</button></form>`;
    }
  };
