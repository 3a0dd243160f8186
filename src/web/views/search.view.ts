/** The search page: messages, "did you mean", results with highlighted matches, pager. */

import { matchWhy } from '../../search/explain.ts';
import type { Segment } from '../../search/highlight.ts';
import type { SearchHit, SearchResult } from '../../search/service.ts';
import { html, type SafeHtml } from '../html.ts';
import { markedWithMath, titleHtml } from '../math.ts';
import { authorPath, categoryPath, day, type Pager, pagerNav } from './cards.view.ts';

/** Highlights with maths rendered (a formula is shown whole, unmarked). */
const marked = (segments: Segment[]): SafeHtml => markedWithMath(segments);

const SYNTAX_HELP =
  'Papers with every word come first, then those with the rarest of them; "exact phrase" (required), -exclude, a OR b, author:hinton, title:word, cat:cs.CV, year:2024, after:2024-01-01, before:2024-06-30, sort:date|votes|relevance.';

/** The query with a caret under the offending character. */
function queryError(q: string, error: { message: string; position: number }): SafeHtml {
  const at = Math.max(0, Math.min(error.position, q.length));
  return html`<div class="error" role="alert"><p><strong>This query cannot be read.</strong> ${error.message}</p>
<pre class="query-error" aria-label="Where the problem is">${q}
${' '.repeat(at)}^</pre>
<p class="muted">${SYNTAX_HELP}</p></div>`;
}

function hitCard(h: SearchHit): SafeHtml {
  const names = h.authorsText ? h.authorsText.split(', ') : [];
  return html`<li class="card search-hit">
<div class="card-body">
<h2><a href="/papers/${h.arxivId}">${marked(h.highlights.title)}</a></h2>
<p class="meta">${names.slice(0, 3).map((n, i) => html`${i ? ', ' : ''}<a href="${authorPath(n)}">${n}</a>`)}${names.length > 3 ? ' et al.' : ''} · arXiv:${h.arxivId} · <time datetime="${h.submittedAt}">${day(h.submittedAt)}</time>${h.votes ? html` · ${h.votes} upvote${h.votes === 1 ? '' : 's'}` : ''}</p>
<p class="cats">${h.categories.slice(0, 4).map((c) => html`<a href="${categoryPath(c)}">${c}</a>`)}</p>
<p class="lead">${marked(h.highlights.snippet)}</p>
<p class="meta muted match-why">${matchWhy(h)} · <a href="/search?like=${encodeURIComponent(h.arxivId)}">similar papers</a></p>
</div>
</li>`;
}

function hitList(hits: SearchHit[], empty: string): SafeHtml {
  if (hits.length === 0) return html`<p class="empty">${empty}</p>`;
  return html`<ol class="cards search-results">${hits.map(hitCard)}</ol>`;
}

const SEARCH_SORTS = ['relevance', 'date', 'votes'] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];
const SORT_LABELS: Record<SearchSort, string> = { relevance: 'relevance', date: 'newest', votes: 'votes' };

/** How many papers were found (service.ts `count`: a lower bound past the search's depth). */
function resultCount(count: SearchResult['count']): SafeHtml | '' {
  if (!count || count.n === 0) return '';
  const n = count.n.toLocaleString('en');
  return html`<p class="muted result-count">${count.atLeast ? html`At least ${n} papers (the best ${n} are ranked)` : html`${n} paper${count.n === 1 ? '' : 's'}`}</p>`;
}

/** Relevance / newest / votes as plain links (the query's `sort:`), the current one marked. */
function sortLinks(sorts: { current: SearchSort; href: (s: SearchSort) => string }): SafeHtml {
  return html`<nav class="sort" aria-label="Sort results">Sort: ${SEARCH_SORTS.map(
    (s, i) =>
      html`${i ? ' · ' : ''}<a href="${sorts.href(s)}"${s === sorts.current ? html` aria-current="true"` : ''}>${SORT_LABELS[s]}</a>`,
  )}</nav>`;
}

export function searchPage(
  q: string,
  r: SearchResult,
  pager: Pager,
  follow: SafeHtml | string = '',
  sorts?: { current: SearchSort; href: (s: SearchSort) => string },
): SafeHtml {
  const parts: SafeHtml[] = [];
  if (r.didYouMean) {
    const id = r.didYouMean.arxivId;
    parts.push(
      r.didYouMean.inLibrary
        ? html`<p class="notice did-you-mean">Did you mean the paper <a href="/papers/${id}">arXiv:${id}</a>?</p>`
        : html`<p class="notice did-you-mean">arXiv:${id} is not in this library yet; <a href="https://arxiv.org/abs/${id}" rel="noopener">open it on arXiv</a>.</p>`,
    );
  }
  if (r.error) parts.push(queryError(q, r.error));
  if (r.stopped)
    parts.push(
      html`<div class="error" role="alert"><p><strong>This search was stopped.</strong> ${r.stopped}</p></div>`,
    );
  if (r.notice) parts.push(html`<p class="notice search-notice">${r.notice}</p>`);
  if (r.related?.length)
    parts.push(
      html`<p class="muted related">Also looked for: ${r.related.map((e) => `${e.word} ← ${e.from}`).join(', ')}</p>`,
    );
  const empty = q.trim()
    ? `No papers match “${q}”. Try fewer or different words.`
    : `Type a few words to search titles, authors and abstracts. ${SYNTAX_HELP}`;
  const list =
    r.error || r.stopped
      ? html``
      : html`${r.hits.length && sorts ? html`${resultCount(r.count)}${sortLinks(sorts)}` : ''}${hitList(r.hits, empty)}`;
  return html`<h1>Search${q ? html`: ${q}` : ''}</h1>${r.error ? '' : follow}${parts}${list}${pagerNav(pager)}`;
}

/** `hits` null: the list is still being computed (search/similar.ts). */
export function similarPage(
  title: string,
  arxivId: string,
  hits: SearchHit[] | null,
  mode: 'vector' | 'keyword',
): SafeHtml {
  return html`<h1>Papers similar to <a href="/papers/${arxivId}">${titleHtml(title)}</a></h1>
${
  hits === null
    ? html`<p class="notice search-notice">Still looking for similar papers; reload this page in a moment.</p>`
    : html`${mode === 'keyword' ? html`<p class="notice search-notice">Semantic search is not set up yet; these share title words.</p>` : ''}
${hitList(hits, 'No similar papers found.')}`
}`;
}

/** The "Similar papers" section of a paper page. */
export function similarList(
  arxivId: string,
  hits: Pick<SearchHit, 'arxivId' | 'title' | 'submittedAt'>[],
): SafeHtml {
  if (hits.length === 0) return html`<p class="muted">No similar papers yet.</p>`;
  return html`<ol class="similar">${hits.map((h) => html`<li><a href="/papers/${h.arxivId}">${titleHtml(h.title)}</a> <span class="muted">· ${day(h.submittedAt)}</span></li>`)}</ol>
<p><a href="/search?like=${encodeURIComponent(arxivId)}">More similar papers →</a></p>`;
}
