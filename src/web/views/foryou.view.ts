/** For you (issue 14): the personal list with its reasons and controls, /following, start-out, follow buttons. */
import type { FeedItem } from '../../feed/feed.ts';
import { type Reason, reasonText } from '../../foryou/rank.ts';
import type { Follow, FollowKind } from '../../foryou/repository.ts';
import type { ForYouPage } from '../../foryou/service.ts';
import { html, type SafeHtml } from '../html.ts';
import { titleHtml } from '../math.ts';
import { authorPath, categoryPath, type ListContext, type Pager, pagerNav, paperCard } from './cards.view.ts';
import { tokenField, type Viewer } from './layout.view.ts';

const FOLLOW_WORDS: Record<FollowKind, string> = {
  author: 'Follow',
  category: 'Follow',
  search: 'Follow this search',
};

/**
 * "Follow" / "Unfollow" for an author, category or search page (a form: works without
 * JavaScript); a link to log in for readers who are not signed in.
 */
export function followControl(
  viewer: Viewer | null,
  kind: FollowKind,
  value: string,
  following: Follow | null,
  returnTo: string,
): SafeHtml {
  if (!viewer)
    return html`<p class="follow"><a href="/login?next=${encodeURIComponent(returnTo)}">Log in to follow ${kind === 'search' ? 'this search' : value}</a></p>`;
  if (following)
    return html`<form class="follow" method="post" action="/following/${following.id}/delete">${tokenField(viewer.csrf)}<input type="hidden" name="next" value="${returnTo}"><span class="muted">You follow ${kind === 'search' ? 'this search' : following.label}.</span> <button type="submit">Unfollow</button></form>`;
  return html`<form class="follow" method="post" action="/following">${tokenField(viewer.csrf)}<input type="hidden" name="kind" value="${kind}"><input type="hidden" name="value" value="${value}"><input type="hidden" name="next" value="${returnTo}"><button type="submit">${FOLLOW_WORDS[kind]}</button></form>`;
}

function reasonHtml(r: Reason): SafeHtml {
  switch (r.kind) {
    case 'similar': {
      const verbs = [...new Set(r.examples.map((e) => e.verb))].join(' or ');
      const links = r.examples.map(
        (e, i) => html`${i ? ' and ' : ''}<a href="/papers/${e.arxivId}"><em>${titleHtml(e.title)}</em></a>`,
      );
      return html`similar to ${links}, which you ${verbs}`;
    }
    case 'author':
      return html`by <a href="${authorPath(r.name)}">${r.name}</a>, whom you follow`;
    case 'search':
      return html`matches your followed search <a href="/search?q=${encodeURIComponent(r.query)}"><code>${r.query}</code></a>`;
    case 'category':
      return html`in <a href="${categoryPath(r.code)}">${r.code}</a>, which you follow`;
    default:
      return html`${reasonText(r)}`;
  }
}

/**
 * "Less like this" and "Hide" as one form whose two buttons carry `kind` (the pressed button's
 * name and value are what the browser sends): a card holds one token and one set of fields, not two.
 */
function itemControls(item: FeedItem, viewer: Viewer, returnTo: string): SafeHtml {
  const id = item.paper.arxivId;
  return html`<form class="inline foryou-actions" method="post" action="/for-you/feedback">${tokenField(viewer.csrf)}<input type="hidden" name="paper" value="${id}"><input type="hidden" name="next" value="${returnTo}"><button type="submit" class="link" name="kind" value="less" aria-label="Show fewer papers like arXiv:${id}">Less like this</button> · <button type="submit" class="link" name="kind" value="hide" aria-label="Hide arXiv:${id}">Hide</button></form>`;
}

const MODEL_NOTICE = {
  vector:
    'Ranked with the semantic index: papers close in meaning to the ones you upvoted or picked, your follows, and what is trending.',
  keyword:
    'Ranking without the semantic index: keyword and follows only (shared words with the papers you upvoted or picked, your follows, and what is trending).',
  none: '',
};

const STEPS = [
  'more like my library',
  'mostly my library',
  'balanced',
  'mostly trending',
  "more what's trending",
];

function controls(p: ForYouPage, viewer: Viewer): SafeHtml {
  const t = p.tuning;
  const opt = (v: string, label: string, on: boolean) =>
    html`<option value="${v}"${on ? html` selected` : ''}>${label}</option>`;
  return html`<form class="filter foryou-controls" method="post" action="/for-you/settings">${tokenField(viewer.csrf)}
<label for="fy-trending">Rank</label><select id="fy-trending" name="trending">${STEPS.map((s, i) => opt(String(i), s, t.trending === i))}</select>
<label for="fy-window">New papers of the last</label><select id="fy-window" name="window">${opt('day', 'day', t.window === 'day')}${opt('week', '7 days', t.window === 'week')}${opt('month', '30 days', t.window === 'month')}</select>
<label><input type="checkbox" name="only" value="1"${t.onlyFollowedCategories ? html` checked` : ''}> only followed categories</label>
<button type="submit">Apply</button></form>`;
}

export function forYouPage(
  p: ForYouPage,
  items: FeedItem[],
  ctx: ListContext,
  pager: Pager,
  viewer: Viewer,
): SafeHtml {
  const byId = new Map(p.items.map((r) => [r.paperId, r]));
  const nothing = p.examples.positive === 0 && p.follows.length === 0;
  const notes: SafeHtml[] = [];
  if (p.askToStart)
    notes.push(
      html`<p class="notice">New here? <a href="/for-you/start">Tell us a few categories and papers you like</a> and this list becomes yours.</p>`,
    );
  if (nothing)
    notes.push(
      html`<p class="notice">You have no upvotes, picks or follows yet, so this is what is trending. Upvote papers, <a href="/for-you/start">pick a few</a>, or follow authors, categories and searches to make it yours.</p>`,
    );
  else if (p.model !== 'none') notes.push(html`<p class="muted foryou-model">${MODEL_NOTICE[p.model]}</p>`);
  else
    notes.push(
      html`<p class="muted foryou-model">Ranked by your follows and what is trending (upvote papers to teach it more).</p>`,
    );
  if (p.tuning.onlyFollowedCategories && !p.categoryFilter)
    notes.push(html`<p class="muted">“Only followed categories” is on, but you follow no category yet.</p>`);
  const cards = items.map((item) => {
    const r = byId.get(item.paper.id);
    const why = r?.reasons.length
      ? html`<p class="why"><strong>Why:</strong> ${r.reasons.map((x, i) => html`${i ? '; ' : ''}${reasonHtml(x)}`)}. ${itemControls(item, viewer, ctx.returnTo)}</p>`
      : itemControls(item, viewer, ctx.returnTo);
    return paperCard(item, ctx, why);
  });
  return html`<h1>For you <span class="sub">new papers of the last ${p.tuning.window === 'day' ? 'day' : p.tuning.window === 'week' ? '7 days' : '30 days'}</span></h1>
${notes}
${controls(p, viewer)}
<p class="muted"><a href="/following">What you follow</a> (${p.follows.length}) · ${p.examples.positive} example${p.examples.positive === 1 ? '' : 's'} you like, ${p.examples.negative} marked less like this · <a href="/settings/feeds">This list as a private feed</a></p>
${cards.length ? html`<ol class="cards foryou">${cards}</ol>` : html`<p class="empty">No new papers in this window${p.categoryFilter ? ' in the categories you follow' : ''}.</p>`}
${pagerNav(pager)}`;
}

const KIND_TITLE: Record<FollowKind, string> = {
  author: 'Authors',
  category: 'Categories',
  search: 'Searches',
};

function followHref(f: Follow): string {
  if (f.kind === 'author') return authorPath(f.label);
  if (f.kind === 'category') return categoryPath(f.label);
  return `/search?q=${encodeURIComponent(f.label)}`;
}

export function followingPage(follows: Follow[], viewer: Viewer): SafeHtml {
  const section = (kind: FollowKind) => {
    const list = follows.filter((f) => f.kind === kind);
    return html`<h2>${KIND_TITLE[kind]}</h2>${
      list.length
        ? html`<ul class="following">${list.map(
            (f) =>
              html`<li><a href="${followHref(f)}">${f.kind === 'search' ? html`<code>${f.label}</code>` : f.label}</a> <form class="inline" method="post" action="/following/${f.id}/delete">${tokenField(viewer.csrf)}<input type="hidden" name="next" value="/following"><button type="submit" class="link" aria-label="Unfollow ${f.label}">Unfollow</button></form></li>`,
          )}</ul>`
        : html`<p class="muted">None yet.</p>`
    }`;
  };
  return html`<h1>Following</h1>
<p class="muted">Papers matching these rank higher on <a href="/for-you">For you</a>. Follow from an author's page, a category's page, or a search ("Follow this search"). Each followed search is also <a href="/settings/feeds">a private feed</a>. To be told when something new arrives, by mail, feed, digest or webhook, set up <a href="/alerts">alerts</a>.</p>
${section('author')}${section('category')}${section('search')}
<h2>Add</h2>
<form class="filter" method="post" action="/following">${tokenField(viewer.csrf)}<input type="hidden" name="next" value="/following">
<label for="fw-kind">Follow</label><select id="fw-kind" name="kind"><option value="author">author</option><option value="category">category</option><option value="search">search</option></select>
<input type="text" name="value" maxlength="300" required aria-label="Author name, category code or search query" placeholder="Jane Doe · cs.LG · diffusion -survey">
<button type="submit">Follow</button></form>`;
}

export interface StartReport {
  line: string;
  outcome: string;
}

export function startPage(viewer: Viewer, categories: string[], report: StartReport[] | null): SafeHtml {
  if (report)
    return html`<h1>Your For you list is set up</h1>
${report.length ? html`<ul class="start-report">${report.map((r) => html`<li><code>${r.line}</code>: ${r.outcome}</li>`)}</ul>` : ''}
<p><a href="/for-you">Open For you</a></p>`;
  return html`<h1>Start your For you list</h1>
<p class="muted">Both questions are optional; you can change everything later on <a href="/following">Following</a>.</p>
<form method="post" action="/for-you/start">${tokenField(viewer.csrf)}
<fieldset><legend>Categories to follow</legend>
${categories.map((c) => html`<label class="check"><input type="checkbox" name="category" value="${c}"> ${c}</label> `)}
<p><label for="st-more">Other categories (space separated)</label> <input id="st-more" type="text" name="more" maxlength="300" placeholder="cs.CL stat.ML"></p>
</fieldset>
<fieldset><legend>Papers you like</legend>
<label for="st-papers">arXiv ids or abs URLs, one per line (up to 200)</label>
<textarea id="st-papers" name="papers" rows="6" maxlength="20000" placeholder="2401.01234&#10;https://arxiv.org/abs/2312.04567"></textarea>
</fieldset>
<p><button type="submit">Save</button> <button type="submit" name="skip" value="1" class="link">Skip for now</button></p>
</form>`;
}
