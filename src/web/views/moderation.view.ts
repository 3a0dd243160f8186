/** The moderation queue: newest comments first, with hide/unhide and delete; accounts with ban. */
import type { LogEntry, Report } from '../../users/moderation.repo.ts';
import type { CommentWithPaper, User } from '../../users/types.ts';
import { html, type SafeHtml } from '../html.ts';
import { csrfField, type Viewer } from './layout.view.ts';

/** Banning asks why (logged) and for a tick that it is meant; inside <details> so the table stays narrow. */
function banForm(u: User, viewer: Viewer): SafeHtml {
  return html`<details><summary>Ban…</summary><form method="post" action="/admin/users/${u.id}/ban">${csrfField(viewer)}<input type="hidden" name="banned" value="1"><label for="ban-${u.id}">Reason</label><input id="ban-${u.id}" type="text" name="reason" required minlength="3" maxlength="1000"><label><input type="checkbox" name="confirm" value="yes" required> I mean it: ban ${u.name}</label><button type="submit">Ban</button></form></details>`;
}

/** One page of the account list, with the search that made it. */
export interface AccountList {
  rows: User[];
  page: number;
  more: boolean;
  q: string;
}

/** Open reports and the recent moderation log, shown above the comments. */
export interface Queue {
  reports: Report[];
  log: LogEntry[];
}

const when = (iso: string) => iso.slice(0, 16).replace('T', ' ');

function reportItem(r: Report, viewer: Viewer): SafeHtml {
  const what =
    r.commentId === null
      ? html`the paper <a href="/papers/${r.arxivId}">${r.paperTitle}</a>`
      : html`<a href="/papers/${r.arxivId}#c${r.commentId}">a comment by ${r.commentAuthor ?? '?'}</a> on <a href="/papers/${r.arxivId}">${r.paperTitle}</a>`;
  const close = (outcome: 'resolved' | 'dismissed', label: string) =>
    html`<button type="submit" name="outcome" value="${outcome}">${label}</button>`;
  return html`<li id="r${r.id}" class="report"><p class="who">${r.reporterName} reported ${what} · ${when(r.createdAt)}</p>
<p class="reason"><strong>Reason:</strong> ${r.reason}</p>${r.commentBody ? html`<blockquote class="text">${r.commentBody}</blockquote>` : ''}
<form class="row" method="post" action="/admin/reports/${r.id}">${csrfField(viewer)}<label for="note-${r.id}">Note (optional)</label><input id="note-${r.id}" type="text" name="note" maxlength="1000">${close('resolved', 'Resolve')}${close('dismissed', 'Dismiss')}</form></li>`;
}

function queueSection(q: Queue, viewer: Viewer): SafeHtml {
  return html`<h2 id="reports">Reports</h2>
${q.reports.length === 0 ? html`<p class="muted">No open reports.</p>` : html`<ol class="reports">${q.reports.map((r) => reportItem(r, viewer))}</ol>`}
<h2 id="log">Moderation log</h2>
${
  q.log.length === 0
    ? html`<p class="muted">Nothing logged yet.</p>`
    : html`<div class="table-wrap"><table><thead><tr><th>when</th><th>who</th><th>did</th><th>what</th><th>why</th></tr></thead><tbody>${q.log.map(
        (e) =>
          html`<tr><td>${when(e.at)}</td><td>${e.actorName}</td><td>${e.action}</td><td>${e.target}</td><td>${e.reason}</td></tr>`,
      )}</tbody></table></div>`
}`;
}

/** The form a reader fills to report a paper or a comment (`target`: `paper=<id>` or `comment=<n>`). */
export function reportPage(
  subject: { arxivId: string; title: string; comment: string | null },
  target: { name: 'paper' | 'comment'; value: string },
  csrf: string,
  reason: string,
  error: string | null,
): SafeHtml {
  return html`<h1>Report ${target.name === 'comment' ? 'a comment' : 'a paper'}</h1>
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
<p>On <a href="/papers/${subject.arxivId}">${subject.title}</a>.</p>${subject.comment ? html`<blockquote class="text">${subject.comment}</blockquote>` : ''}
<form method="post" action="/report"><input type="hidden" name="csrf" value="${csrf}"><input type="hidden" name="${target.name}" value="${target.value}">
<label for="reason">What is wrong? Moderators read this.</label>
<textarea id="reason" name="reason" rows="4" required minlength="3" maxlength="1000">${reason}</textarea>
<button type="submit">Send report</button></form>`;
}

export function moderationPage(
  comments: CommentWithPaper[],
  users: AccountList,
  viewer: Viewer,
  page: number,
  more: boolean,
  queue: Queue,
): SafeHtml {
  const back = '/admin/moderation';
  const accountsAt = (n: number) =>
    `${back}?${new URLSearchParams({ ...(users.q ? { q: users.q } : {}), accounts: String(n) })}#users`;
  return html`<h1>Moderation</h1>
${queueSection(queue, viewer)}
<h2>Recent comments</h2>
${comments.length === 0 ? html`<p class="muted">No comments yet.</p>` : ''}
<ol class="comments moderation">${comments.map(
    (c) => html`<li id="c${c.id}" class="comment${c.hiddenAt ? ' hidden' : ''}">
<p class="who"><a href="/users/${encodeURIComponent(c.userName)}">${c.userName}</a> on <a href="/papers/${c.arxivId}#c${c.id}">${c.paperTitle}</a> · ${c.createdAt.slice(0, 16).replace('T', ' ')}${c.hiddenAt ? ' · hidden' : ''}${c.deletedAt ? ' · deleted' : ''}</p>
<div class="text">${c.body}</div>
${c.deletedAt ? '' : html`<div class="actions"><form class="inline" method="post" action="/comments/${c.id}/hide">${csrfField(viewer)}<input type="hidden" name="next" value="${back}"><input type="hidden" name="hidden" value="${c.hiddenAt ? '0' : '1'}"><button type="submit" class="link">${c.hiddenAt ? 'Unhide' : 'Hide'}</button></form><form class="inline" method="post" action="/comments/${c.id}/delete">${csrfField(viewer)}<input type="hidden" name="next" value="${back}"><button type="submit" class="link">Delete</button></form></div>`}
</li>`,
  )}</ol>
<nav class="pager" aria-label="Pages">${page > 1 ? html`<a href="${back}?page=${page - 1}">← Newer</a>` : html`<span></span>`}${more ? html`<a href="${back}?page=${page + 1}">Older →</a>` : ''}</nav>
<h2 id="users">Accounts</h2>
<form class="row" method="get" action="${back}#users" role="search"><label for="account-q">Name or email contains</label><input id="account-q" type="search" name="q" maxlength="100" value="${users.q}"><button type="submit">Search</button>${users.q ? html` <a href="${back}#users">Show all</a>` : ''}</form>
${users.rows.length === 0 ? html`<p class="muted">${users.q ? 'No account matches.' : 'No accounts on this page.'}</p>` : ''}
<div class="table-wrap"><table><thead><tr><th>name</th><th>role</th><th>joined</th><th>status</th><th></th></tr></thead><tbody>${users.rows.map(
    (u) =>
      html`<tr><td><a href="/users/${encodeURIComponent(u.name)}">${u.name}</a></td><td>${u.role}</td><td>${u.createdAt.slice(0, 10)}</td><td>${u.bannedAt ? 'banned' : u.emailVerifiedAt ? 'active' : 'unverified'}</td><td>${
        u.role === 'admin' || u.id === viewer.user.id
          ? ''
          : u.bannedAt
            ? html`<form class="inline" method="post" action="/admin/users/${u.id}/ban">${csrfField(viewer)}<input type="hidden" name="banned" value="0"><button type="submit" class="link">Unban</button></form>`
            : banForm(u, viewer)
      }</td></tr>`,
  )}</tbody></table></div>
<nav class="pager" aria-label="Account pages">${users.page > 1 ? html`<a href="${accountsAt(users.page - 1)}">← Newer accounts</a>` : html`<span></span>`}${users.more ? html`<a href="${accountsAt(users.page + 1)}">Older accounts →</a>` : ''}</nav>`;
}
