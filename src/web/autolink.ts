/**
 * Comment text → HTML: everything escaped, http(s) URLs turned into links marked as user content
 * (rel="nofollow ugc noopener"). Only http and https become links, so `javascript:` stays text.
 * Abstracts and arXiv's "Comments:" line use the same rule (src/papers/tex-html.ts `urlSpans`).
 */
import { linkHtml, urlSpans } from '../papers/tex-html.ts';
import { html, raw, type SafeHtml } from './html.ts';

export function autolink(text: string): SafeHtml {
  const parts: SafeHtml[] = [];
  let last = 0;
  for (const { start, url } of urlSpans(text)) {
    parts.push(html`${text.slice(last, start)}`, raw(linkHtml(url)));
    last = start + url.length;
  }
  parts.push(html`${text.slice(last)}`);
  return html`${parts}`;
}
