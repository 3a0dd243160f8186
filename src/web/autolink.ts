/**
 * Comment text → HTML: everything escaped, http(s) URLs turned into links marked as user content
 * (rel="nofollow ugc noopener"). Only http and https become links, so `javascript:` stays text.
 */
import { isSafeHttpUrl } from '../papers/links.ts';
import { html, type SafeHtml } from './html.ts';

const URL_RE = /\bhttps?:\/\/[^\s<>"'`]+/gi;

/** Trailing punctuation is usually the sentence's, not the URL's; a `)` only when unbalanced. */
function trimUrl(url: string): string {
  let u = url.replace(/[.,;:!?'"]+$/, '');
  while (u.endsWith(')') && (u.match(/\(/g)?.length ?? 0) < (u.match(/\)/g)?.length ?? 0)) u = u.slice(0, -1);
  return u;
}

export function autolink(text: string): SafeHtml {
  const parts: SafeHtml[] = [];
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    const url = trimUrl(m[0]);
    parts.push(html`${text.slice(last, m.index)}`);
    parts.push(
      isSafeHttpUrl(url) ? html`<a href="${url}" rel="nofollow ugc noopener">${url}</a>` : html`${url}`,
    );
    last = m.index + url.length;
  }
  parts.push(html`${text.slice(last)}`);
  return html`${parts}`;
}
