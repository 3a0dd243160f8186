/**
 * Comment text → HTML: everything escaped, http(s) URLs turned into links marked as user content
 * (rel="nofollow ugc noopener"). Only http and https become links, so `javascript:` stays text.
 * Abstracts and arXiv's "Comments:" line use the same rule through src/web/math.ts (`urlSpans`).
 */
import { isSafeHttpUrl } from '../papers/links.ts';
import { escapeHtml, html, raw, type SafeHtml } from './html.ts';

const URL_RE = /\bhttps?:\/\/[^\s<>"'`]+/gi;

/** Trailing punctuation is usually the sentence's, not the URL's; a `)` only when unbalanced. */
function trimUrl(url: string): string {
  let u = url.replace(/[.,;:!?'"]+$/, '');
  while (u.endsWith(')') && (u.match(/\(/g)?.length ?? 0) < (u.match(/\)/g)?.length ?? 0)) u = u.slice(0, -1);
  return u;
}

/** Where the linkable URLs in `text` are (start index and the URL), in order. */
export function urlSpans(text: string): { start: number; url: string }[] {
  const out: { start: number; url: string }[] = [];
  for (const m of text.matchAll(URL_RE)) {
    const url = trimUrl(m[0]);
    if (isSafeHttpUrl(url)) out.push({ start: m.index, url });
  }
  return out;
}

/** One link, as every user- or upstream-written URL is shown. */
export const linkHtml = (url: string): string =>
  `<a href="${escapeHtml(url)}" rel="nofollow ugc noopener">${escapeHtml(url)}</a>`;

export function autolink(text: string): SafeHtml {
  const parts: SafeHtml[] = [];
  let last = 0;
  for (const { start, url } of urlSpans(text)) {
    parts.push(html`${text.slice(last, start)}`, html`${raw(linkHtml(url))}`);
    last = start + url.length;
  }
  parts.push(html`${text.slice(last)}`);
  return html`${parts}`;
}
