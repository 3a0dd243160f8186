/** The paper page: metadata, upvote, who submitted it, BibTeX, similar papers, discussion. */
import type { Featuring, PaperStats } from '../../feed/feed.ts';
import { arxivAbsUrl, arxivPdfUrl } from '../../papers/arxiv-id.ts';
import type { Paper } from '../../papers/paper.ts';
import type { Comment } from '../../users/types.ts';
import { canModerate } from '../../users/user.ts';
import { autolink } from '../autolink.ts';
import { html, type SafeHtml } from '../html.ts';
import { abstractHtml, titleHtml } from '../math.ts';
import { authorPath, categoryPath, day, type ListContext, saveControl, voteControl } from './cards.view.ts';
import { csrfField, type Viewer } from './layout.view.ts';

/** Authors listed before the rest fold into "N more" (collaboration papers have thousands). */
const PAGE_AUTHORS = 60;

export interface PaperPageData {
  paper: Paper;
  stats: PaperStats;
  featurings: Featuring[];
  comments: Comment[];
  bibtex: string;
  /** Stored similar papers (search/similar.ts); null while they are being found. */
  similar: SafeHtml | null;
  /** The signed-in reader's collections, and whether each holds this paper (library, issue 14). */
  collections: { id: number; name: string; isDefault: boolean; has: boolean }[];
}

/** "Saved" toggle, where the paper is, and "add to collection…" (a select and a button). */
function libraryBox(d: PaperPageData, ctx: ListContext): SafeHtml {
  const p = d.paper;
  if (!ctx.viewer) return html`<div class="library-box">${saveControl(p, ctx)}</div>`;
  const holding = d.collections.filter((c) => c.has);
  const others = d.collections.filter((c) => !c.has);
  return html`<div class="library-box">${saveControl(p, ctx)}${holding.length ? html` <span class="muted">in ${holding.map((c, i) => html`${i ? ', ' : ''}<a href="/library/${c.id}">${c.name}</a>`)}</span>` : ''}
<form class="inline add-to" method="post" action="/library/save">${csrfField(ctx.viewer)}<input type="hidden" name="paper" value="${p.arxivId}"><input type="hidden" name="saved" value="1"><input type="hidden" name="next" value="/papers/${p.arxivId}"><label for="add-to">Add to collection…</label> <select id="add-to" name="collection">${d.collections.some((c) => c.isDefault) ? '' : html`<option value="">Saved</option>`}${others.map((c) => html`<option value="${c.id}">${c.name}</option>`)}<option value="new">New collection…</option></select> <input type="text" name="name" maxlength="100" placeholder="name of a new collection" aria-label="Name of a new collection"> <button type="submit">Add</button></form></div>`;
}

function authorList(p: Paper): SafeHtml {
  const link = (a: Paper['authors'][number], i: number) =>
    html`${i ? ', ' : ''}<a href="${authorPath(a.name)}">${a.name}</a>${a.affiliation ? html` <span class="muted">(${a.affiliation})</span>` : ''}`;
  const head = p.authors.slice(0, PAGE_AUTHORS);
  const rest = p.authors.slice(PAGE_AUTHORS);
  return html`<p class="authors">${head.map(link)}${rest.length ? html` <details class="inline"><summary>and ${rest.length} more</summary>${rest.map((a, i) => link(a, i + 1))}</details>` : ''}</p>`;
}

function submittedBy(featurings: Featuring[]): SafeHtml {
  if (featurings.length === 0) return html``;
  return html`<p class="meta featured">${featurings.map(
    (f, i) =>
      html`${i ? '; ' : ''}Featured on <a href="/papers?date=${f.day}">${f.day}</a>${f.submittedBy ? html` · submitted by ${f.source === 'submission' ? html`<a href="/users/${encodeURIComponent(f.submittedBy)}">${f.submittedBy}</a>` : f.submittedBy} <time datetime="${f.featuredAt}">${f.featuredAt.slice(0, 16).replace('T', ' ')} UTC</time>` : ''}`,
  )}</p>`;
}

function commentForm(viewer: Viewer, arxivId: string, parentId: number | null, label: string): SafeHtml {
  const id = `body-${parentId ?? 'new'}`;
  return html`<form class="comment-form" method="post" action="/papers/${arxivId}/comments">${csrfField(viewer)}${parentId !== null ? html`<input type="hidden" name="parent" value="${parentId}">` : ''}<label for="${id}">${label}</label><textarea id="${id}" name="body" rows="${parentId === null ? 4 : 2}" maxlength="5000" required></textarea><button type="submit">${parentId === null ? 'Post comment' : 'Reply'}</button></form>`;
}

function commentItem(c: Comment, replies: Comment[], arxivId: string, viewer: Viewer | null): SafeHtml {
  const mod = viewer !== null && canModerate(viewer.user);
  const own = viewer !== null && viewer.user.id === c.userId;
  let body: SafeHtml;
  if (c.deletedAt) body = html`<p class="gone">[deleted]</p>`;
  else if (c.hiddenAt && !mod) body = html`<p class="gone">[hidden by a moderator]</p>`;
  else body = html`<div class="text">${autolink(c.body)}</div>`;
  const actions: SafeHtml[] = [];
  if (viewer && !c.deletedAt) {
    if (c.parentId === null)
      actions.push(
        html`<details><summary>Reply</summary>${commentForm(viewer, arxivId, c.id, 'Your reply')}</details>`,
      );
    if (own && !c.hiddenAt)
      actions.push(
        html`<details><summary>Edit</summary><form method="post" action="/comments/${c.id}/edit">${csrfField(viewer)}<label for="edit-${c.id}">Edit your comment</label><textarea id="edit-${c.id}" name="body" rows="3" maxlength="5000" required>${c.body}</textarea><button type="submit">Save</button></form></details>`,
      );
    if (own || mod)
      actions.push(
        html`<form method="post" action="/comments/${c.id}/delete" class="inline">${csrfField(viewer)}<button type="submit" class="link">Delete</button></form>`,
      );
    if (!own) actions.push(html`<a href="/report?comment=${c.id}" rel="nofollow">Report</a>`);
    if (mod)
      actions.push(
        html`<form method="post" action="/comments/${c.id}/hide" class="inline">${csrfField(viewer)}<input type="hidden" name="hidden" value="${c.hiddenAt ? '0' : '1'}"><button type="submit" class="link">${c.hiddenAt ? 'Unhide' : 'Hide'}</button></form>`,
      );
  }
  return html`<li id="c${c.id}" class="comment${c.hiddenAt ? ' hidden' : ''}">
<p class="who"><a href="/users/${encodeURIComponent(c.userName)}">${c.userName}</a> · <a href="#c${c.id}"><time datetime="${c.createdAt}">${c.createdAt.slice(0, 16).replace('T', ' ')}</time></a>${c.editedAt ? ' (edited)' : ''}${c.hiddenAt && mod ? ' · hidden' : ''}</p>
${body}
${actions.length ? html`<div class="actions">${actions}</div>` : ''}
${replies.length ? html`<ol class="replies">${replies.map((r) => commentItem(r, [], arxivId, viewer))}</ol>` : ''}
</li>`;
}

function discussion(comments: Comment[], arxivId: string, viewer: Viewer | null): SafeHtml {
  const replies = new Map<number, Comment[]>();
  for (const c of comments)
    if (c.parentId !== null) replies.set(c.parentId, [...(replies.get(c.parentId) ?? []), c]);
  // A deleted comment without replies leaves nothing worth showing.
  const top = comments.filter((c) => c.parentId === null && !(c.deletedAt && !replies.has(c.id)));
  const visible = comments.filter((c) => !c.deletedAt && !c.hiddenAt).length;
  return html`<section id="discussion" aria-labelledby="discussion-h">
<h2 id="discussion-h">Discussion <span class="sub">${visible} comment${visible === 1 ? '' : 's'}</span></h2>
${viewer ? commentForm(viewer, arxivId, null, 'Add a comment (plain text; links become clickable)') : html`<p><a href="/login?next=${encodeURIComponent(`/papers/${arxivId}#discussion`)}">Log in</a> to comment.</p>`}
${
  top.length
    ? html`<ol class="comments">${top.map((c) =>
        commentItem(
          c,
          (replies.get(c.id) ?? []).filter((r) => !r.deletedAt),
          arxivId,
          viewer,
        ),
      )}</ol>`
    : html`<p class="empty">No comments yet. ${viewer ? 'Start the discussion with the form above.' : html`<a href="/login?next=${encodeURIComponent(`/papers/${arxivId}#discussion`)}">Log in</a> to start it.`}</p>`
}
</section>`;
}

/** Without JavaScript a link; app.js fetches the list from `data-similar` once it is ready. */
function similarPending(arxivId: string): SafeHtml {
  return html`<div class="similar-pending" data-similar="/similar/${arxivId}"><p class="muted">Looking for similar papers; they show here on your next visit. <a href="/search?like=${encodeURIComponent(arxivId)}">Find similar papers now →</a></p></div>`;
}

export function paperPage(d: PaperPageData, ctx: ListContext): SafeHtml {
  const p = d.paper;
  return html`<article class="paper">
<div class="paper-head">
<div class="card-vote">${voteControl(p, d.stats, ctx)}</div>
<div>
<p class="meta">arXiv:${p.arxivId}v${p.version} · <a href="${categoryPath(p.primaryCategory)}">${p.primaryCategory}</a>${p.withdrawnAt ? html` · <span class="withdrawn">withdrawn ${p.withdrawnAt}</span>` : ''}</p>
<h1>${titleHtml(p.title)}</h1>
</div>
</div>
${libraryBox(d, ctx)}
${authorList(p)}
<p class="cats">${p.categories.map((c) => html`<a href="${categoryPath(c)}">${c}</a>`)}</p>
${submittedBy(d.featurings)}
<p class="links"><a href="${arxivAbsUrl(p.arxivId)}" rel="noopener">arXiv abstract</a><a href="${arxivPdfUrl(p.arxivId)}" rel="noopener">PDF</a>${p.links.map((l) => html`<a href="${l.url}" rel="nofollow noopener">${l.kind === 'code' ? 'Code' : 'Project page'} (${l.host})</a>`)}${ctx.viewer ? html`<a href="/report?paper=${p.arxivId}" rel="nofollow">Report this paper</a>` : ''}</p>
<h2>Abstract</h2>
<p class="abstract">${abstractHtml(p.abstract)}</p>
${p.comments ? html`<p class="meta">Comments: ${abstractHtml(p.comments)}</p>` : ''}
${p.journalRef ? html`<p class="meta">Journal reference: ${p.journalRef}</p>` : ''}
${p.doi ? html`<p class="meta">DOI: <a href="https://doi.org/${p.doi}" rel="noopener">${p.doi}</a></p>` : ''}
<h2>Versions</h2>
<ol class="versions">${p.versions.map((v) => html`<li><a href="${arxivAbsUrl(p.arxivId, v.version)}" rel="noopener">v${v.version}</a> <time datetime="${v.createdAt}">${day(v.createdAt)}</time>${v.size ? html` <span class="muted">${v.size}</span>` : ''}</li>`)}</ol>
<h2 id="cite-h">Cite</h2>
<div class="bibtex"><label for="bibtex">BibTeX</label><textarea id="bibtex" readonly rows="${d.bibtex.split('\n').length}" spellcheck="false">${d.bibtex}</textarea><button type="button" class="copy" data-copy="bibtex" hidden>Copy BibTeX</button></div>
<section id="similar" aria-labelledby="similar-h"><h2 id="similar-h">Similar papers</h2>${d.similar ?? similarPending(p.arxivId)}</section>
</article>
${discussion(d.comments, p.arxivId, ctx.viewer)}`;
}
