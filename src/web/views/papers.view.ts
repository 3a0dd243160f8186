/** Paper list and paper page. All data goes through `html`, which escapes it. */
import { arxivAbsUrl, arxivPdfUrl } from '../../papers/arxiv-id.ts';
import { formatAuthorList } from '../../papers/authors.ts';
import type { Paper } from '../../papers/paper.ts';
import { html, type SafeHtml } from '../html.ts';

const day = (iso: string) => iso.slice(0, 10);
const paperPath = (p: Paper) => `/papers/${p.arxivId}`;

/** First ~300 characters, cut at a word boundary, for list cards. */
export function abstractLead(text: string, max = 300): string {
  if (text.length <= max) return text;
  const cut = text.lastIndexOf(' ', max);
  return `${text.slice(0, cut > 0 ? cut : max)}…`;
}

function categories(p: Paper): SafeHtml {
  return html`<div class="cats">${p.categories.map((c) => html`<span>${c}</span>`)}</div>`;
}

export function paperCard(p: Paper): SafeHtml {
  const code = p.links.find((l) => l.kind === 'code');
  return html`<li>
  <h2><a href="${paperPath(p)}">${p.title}</a></h2>
  <div class="meta">${formatAuthorList(p.authors, 4)} · ${p.authors.length} author${p.authors.length === 1 ? '' : 's'} · ${day(p.submittedAt)} · arXiv:${p.arxivId}${code ? html` · <a href="${code.url}" rel="nofollow noopener">code (${code.host})</a>` : ''}</div>
  ${categories(p)}
  <p>${abstractLead(p.abstract)}</p>
</li>`;
}

export function paperList(
  papers: Paper[],
  pager: { prev: string | null; next: string | null },
  empty: string,
): SafeHtml {
  if (papers.length === 0) return html`<p class="empty">${empty}</p>`;
  return html`<ol class="papers">${papers.map(paperCard)}</ol>
<nav class="pager" aria-label="Pages">${pager.prev ? html`<a href="${pager.prev}" rel="prev">← Newer</a>` : html`<span></span>`}${pager.next ? html`<a href="${pager.next}" rel="next">Older →</a>` : ''}</nav>`;
}

export function paperPage(p: Paper): SafeHtml {
  return html`<article>
  <p class="meta">arXiv:${p.arxivId}v${p.version} · ${p.primaryCategory}</p>
  <h1>${p.title}</h1>
  <p>${p.authors.map((a, i) => html`${i ? ', ' : ''}<a href="/authors/${encodeURIComponent(a.name)}">${a.name}</a>${a.affiliation ? html` <span class="muted">(${a.affiliation})</span>` : ''}`)}</p>
  ${categories(p)}
  <p class="meta">Submitted ${day(p.submittedAt)}${p.updatedAt !== p.submittedAt ? html` · updated ${day(p.updatedAt)}` : ''} · ${p.versions.map((v, i) => html`${i ? ', ' : ''}v${v.version} (${day(v.createdAt)})`)}</p>
  <p class="links"><a href="${arxivAbsUrl(p.arxivId)}" rel="noopener">arXiv abstract</a><a href="${arxivPdfUrl(p.arxivId)}" rel="noopener">PDF</a>${p.links.map((l) => html`<a href="${l.url}" rel="nofollow noopener">${l.kind === 'code' ? 'Code' : 'Project page'} (${l.host})</a>`)}</p>
  <h2>Abstract</h2>
  <p class="abstract">${p.abstract}</p>
  ${p.comments ? html`<p class="meta">Comments: ${p.comments}</p>` : ''}
  ${p.journalRef ? html`<p class="meta">Journal reference: ${p.journalRef}</p>` : ''}
  ${p.doi ? html`<p class="meta">DOI: <a href="https://doi.org/${p.doi}" rel="noopener">${p.doi}</a></p>` : ''}
</article>`;
}
