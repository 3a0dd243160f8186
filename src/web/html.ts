/** The site's views use the one escaping template tag, shared with the digest mail (shared/html.ts). */
export { html, raw, SafeHtml } from '../shared/html.ts';
