/** The moderation queue: newest comments first, with hide/unhide and delete; accounts with ban. */
import type { CommentWithPaper, User } from '../../users/types.ts';
import { html, type SafeHtml } from '../html.ts';
import { csrfField, type Viewer } from './layout.view.ts';

/** One page of the account list, with the search that made it. */
export interface AccountList {
  rows: User[];
  page: number;
  more: boolean;
  q: string;
}

export function moderationPage(
  comments: CommentWithPaper[],
  users: AccountList,
  viewer: Viewer,
  page: number,
  more: boolean,
): SafeHtml {
  const back = '/admin/moderation';
  const accountsAt = (n: number) =>
    `${back}?${new URLSearchParams({ ...(users.q ? { q: users.q } : {}), accounts: String(n) })}#users`;
  return html`<h1>Moderation</h1>
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
          : html`<form class="inline" method="post" action="/admin/users/${u.id}/ban">${csrfField(viewer)}<input type="hidden" name="banned" value="${u.bannedAt ? '0' : '1'}"><button type="submit" class="link">${u.bannedAt ? 'Unban' : 'Ban'}</button></form>`
      }</td></tr>`,
  )}</tbody></table></div>
<nav class="pager" aria-label="Account pages">${users.page > 1 ? html`<a href="${accountsAt(users.page - 1)}">← Newer accounts</a>` : html`<span></span>`}${users.more ? html`<a href="${accountsAt(users.page + 1)}">Older accounts →</a>` : ''}</nav>`;
}
