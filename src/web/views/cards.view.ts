/** Paper cards and the upvote control, shared by every list page. All data is escaped by `html`. */
import { type FeedItem, type PaperStats, totalVotes } from '../../feed/feed.ts';
import { cutOutsideMath } from '../../papers/tex-text.ts';
import { html, raw, type SafeHtml } from '../html.ts';
import { titleHtml, withMath } from '../math.ts';
import { csrfField, type Viewer } from './layout.view.ts';

/** Authors named on a card before "et al.". */
const CARD_NAMED_AUTHORS = 3;
const NEW_MS = 24 * 3_600_000;

export interface ListContext {
  viewer: Viewer | null;
  /** Row ids of papers the viewer voted for. */
  voted: Set<number>;
  /** Row ids of papers in any of the viewer's collections (issue 14, library). */
  saved: Set<number>;
  now: number;
  /** Path (with query) the vote form returns to without JavaScript. */
  returnTo: string;
}

export const day = (iso: string) => iso.slice(0, 10);
export const authorPath = (name: string) => `/authors/${encodeURIComponent(name)}`;
export const categoryPath = (cat: string) => `/categories/${encodeURIComponent(cat)}`;

/** First ~240 characters, cut at a word boundary. */
export function abstractLead(text: string, max = 240): string {
  // Only the head is normalized (abstracts run to 2,000 characters); 4 × max raw characters hold
  // `max` normalized ones unless the text is mostly whitespace, which takes the long way.
  const head = text.length > 4 * max ? text.slice(0, 4 * max) : text;
  let t = head.replace(/\s+/g, ' ').trim();
  if (head !== text && t.length <= max) t = text.replace(/\s+/g, ' ').trim();
  if (t.length <= max) return t;
  const cut = t.lastIndexOf(' ', max);
  return `${cutOutsideMath(t.slice(0, cut > 0 ? cut : max))}…`;
}

function voteTitle(stats: PaperStats): string {
  return stats.importedVotes
    ? `${stats.votes} here + ${stats.importedVotes} imported`
    : `${stats.votes} here`;
}

/**
 * The upvote control: a form (works without JavaScript; app.js upgrades it to update in place).
 * It posts the desired state (`up=1` or `up=0`), not "toggle", so a repeated or concurrent
 * request is harmless. Readers who are not signed in get a link to the login page instead.
 */
export function voteControl(
  paper: { id: number; arxivId: string; title: string },
  stats: PaperStats,
  ctx: ListContext,
): SafeHtml {
  const count = totalVotes(stats);
  const label = html`<span aria-hidden="true">▲</span> <span class="count" title="${voteTitle(stats)}">${count}</span>`;
  if (!ctx.viewer) {
    return html`<a class="vote" href="/login?next=${encodeURIComponent(`/papers/${paper.arxivId}`)}" aria-label="Log in to upvote arXiv:${paper.arxivId} (${count} upvotes)">${label}</a>`;
  }
  const on = ctx.voted.has(paper.id);
  return html`<form class="vote" method="post" action="/papers/${paper.arxivId}/vote">${csrfField(ctx.viewer)}<input type="hidden" name="up" value="${on ? '0' : '1'}"><input type="hidden" name="next" value="${ctx.returnTo}"><button type="submit" aria-pressed="${on ? 'true' : 'false'}" aria-label="${on ? 'Remove upvote from' : 'Upvote'} arXiv:${paper.arxivId} (${count} upvotes)">${label}</button></form>`;
}

/**
 * Save to the library: a form posting the desired state (`saved=1` adds to "Saved", `saved=0`
 * takes the paper out of every collection of the reader), so repeats are harmless; app.js
 * upgrades it to update in place. Signed-out readers get a link to log in.
 */
export function saveControl(paper: { id: number; arxivId: string }, ctx: ListContext): SafeHtml {
  if (!ctx.viewer) return html`<a class="save" href="/login?next=/papers/${paper.arxivId}">Save</a>`;
  const on = ctx.saved.has(paper.id);
  return html`<form class="save" method="post" action="/library/save">${csrfField(ctx.viewer)}<input type="hidden" name="paper" value="${paper.arxivId}"><input type="hidden" name="saved" value="${on ? '0' : '1'}"><input type="hidden" name="next" value="${ctx.returnTo}"><button type="submit" class="link" aria-pressed="${on ? 'true' : 'false'}" aria-label="${on ? 'Remove from your library' : 'Save to your library'}: arXiv:${paper.arxivId}">${on ? 'Saved ✓' : 'Save'}</button></form>`;
}

function authorLinks(names: string[], total: number, max: number): SafeHtml {
  const shown = names.slice(0, max);
  return html`${shown.map((n, i) => html`${i ? ', ' : ''}<a href="${authorPath(n)}">${n}</a>`)}${total > shown.length ? ' et al.' : ''}`;
}

/** Card parts that depend only on the paper's stored content, as HTML. */
interface CardParts {
  /** `<a href=…>title</a>` */
  link: string;
  /** Authors line, then the start of the dates line (up to the arXiv date). */
  byline: string;
  /** ` · code (host)` or empty. */
  code: string;
  /** Categories, abstract lead and the card's closing tags. */
  tail: string;
}

/**
 * Rendered once per paper content (keyed by its content hash): escaping, author links, math and
 * the abstract lead were four fifths of the CPU of rendering an uncached list page (bench http),
 * and a day's feed shows the same papers to every reader. What changes per reader or per minute
 * (votes, comments, the "new" mark, featuring, vote forms) is rendered each time.
 */
const parts = new Map<string, CardParts>();
const PARTS_ENTRIES = 5000;

function cardParts(p: FeedItem['paper']): CardParts {
  const key = `${p.id}:${p.contentHash}:${p.withdrawnAt ?? ''}`;
  const hit = parts.get(key);
  if (hit) return hit;
  const code = p.links.find((l) => l.kind === 'code');
  const made: CardParts = {
    link: html`<a href="/papers/${p.arxivId}">${titleHtml(p.title)}</a>`.value,
    byline:
      html`<p class="meta">${authorLinks(p.authors, p.authorCount, CARD_NAMED_AUTHORS)} · ${p.authorCount} author${p.authorCount === 1 ? '' : 's'}</p>
<p class="meta">arXiv <time datetime="${p.submittedAt}">${day(p.submittedAt)}</time>`.value,
    code: code ? html` · <a href="${code.url}" rel="nofollow noopener">code (${code.host})</a>`.value : '',
    tail: html`<p class="cats">${p.categories.slice(0, 4).map((c) => html`<a href="${categoryPath(c)}">${c}</a>`)}</p>
<p class="lead">${withMath(abstractLead(p.abstract), { display: false })}</p>
</div>
</li>`.value,
  };
  if (parts.size >= PARTS_ENTRIES) parts.delete(parts.keys().next().value!);
  parts.set(key, made);
  return made;
}

/** Featured in the last 24 hours: the card's "new" mark, explained once per list (newLegend). */
function isNew(featured: FeedItem['featured'], now: number): boolean {
  if (!featured) return false;
  // A featuring of a past day (an imported list) counts from that day's end, as in trending.
  const since = Math.min(Date.parse(featured.featuredAt), Date.parse(`${featured.day}T23:59:59.999Z`));
  return now - since < NEW_MS && now >= since;
}

/**
 * What "new" means, once under a list that shows the mark: a title attribute per badge would say
 * it twenty times (and pushed the first load past the 50 KB budget, test/web/security.test.ts).
 */
function newLegend(items: FeedItem[], ctx: ListContext): SafeHtml | '' {
  return items.some((i) => isNew(i.featured, ctx.now))
    ? html`<p class="legend muted"><span class="new">new</span> featured in the last 24 hours</p>`
    : '';
}

/** One card; `extra` (For you's reasons and controls) goes between the byline and the abstract. */
export function paperCard(item: FeedItem, ctx: ListContext, extra?: SafeHtml): SafeHtml {
  const { paper: p, stats, featured } = item;
  const c = cardParts(p);
  return html`<li class="card">
<div class="card-vote">${voteControl(p, stats, ctx)}</div>
<div class="card-body">
<h2>${raw(c.link)}${isNew(featured, ctx.now) ? html` <span class="new">new</span>` : ''}${p.withdrawnAt ? html` <span class="withdrawn">withdrawn</span>` : ''}</h2>
${raw(c.byline)}${featured ? html` · featured <time datetime="${featured.featuredAt}">${featured.day}</time>${featured.submittedBy ? html` by ${featured.submittedBy}` : ''}` : ''}${raw(c.code)} · <a href="/papers/${p.arxivId}#discussion">${stats.comments} comment${stats.comments === 1 ? '' : 's'}</a></p>
${saveControl(p, ctx)}
${extra ?? ''}${raw(c.tail)}`;
}

export interface Pager {
  prev: { href: string; label: string } | null;
  next: { href: string; label: string } | null;
}

export function pagerNav(pager: Pager): SafeHtml {
  if (!pager.prev && !pager.next) return html``;
  return html`<nav class="pager" aria-label="Pages">${pager.prev ? html`<a href="${pager.prev.href}" rel="prev">← ${pager.prev.label}</a>` : html`<span></span>`}${pager.next ? html`<a href="${pager.next.href}" rel="next">${pager.next.label} →</a>` : ''}</nav>`;
}

export function cardList(items: FeedItem[], ctx: ListContext, empty: SafeHtml | string): SafeHtml {
  if (items.length === 0) return html`<p class="empty">${empty}</p>`;
  return html`<ol class="cards">${items.map((i) => paperCard(i, ctx))}</ol>${newLegend(items, ctx)}`;
}
