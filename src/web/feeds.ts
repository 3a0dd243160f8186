/**
 * Every list as RSS 2.0, Atom 1.0 or JSON (the daily-papers item array of /api/daily_papers).
 * XML is built by escaping every value; URLs are absolute from the configured baseUrl.
 * Titles and abstracts carry TeX's plain-text form (src/papers/tex-text.ts: `ℓ₁`, `O(n log n)`),
 * not MathML: an Atom <summary> without a type is text, and feed readers sanitise RSS description
 * HTML to a small tag list that MathML is not on (they would show the bare symbols run together).
 * The JSON list is the API's item array and keeps the source TeX, for clients to render.
 */
import type { FeedItem } from '../feed/feed.ts';
import { texText } from '../papers/tex-text.ts';
import { feedItemsJson } from './presenters.ts';

export type FeedFormat = 'rss' | 'atom' | 'json';
export const FEED_FORMATS: readonly FeedFormat[] = ['rss', 'atom', 'json'];

export const FEED_TYPES: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/json; charset=utf-8',
};

export interface FeedMeta {
  title: string;
  description: string;
  /** Absolute URL of the HTML page of this list. */
  link: string;
  /** Absolute URL of this feed. */
  self: string;
  /** A line put before an item's abstract, by paper row id (For you's reasons). */
  notes?: ReadonlyMap<number, string>;
}

// XML 1.0 forbids most control characters even escaped; upstream text sometimes has them.
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
function xml(s: string): string {
  return s
    .replace(INVALID_XML, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const itemUrl = (base: string, item: FeedItem) => `${base}/papers/${item.paper.arxivId}`;
const itemDate = (item: FeedItem) => item.featured?.featuredAt ?? item.paper.submittedAt;
const summary = (meta: FeedMeta, item: FeedItem) => {
  const note = meta.notes?.get(item.paper.id);
  const text = texText(item.paper.abstract);
  return note ? `${note}\n\n${text}` : text;
};
const latest = (items: FeedItem[]) => items.map(itemDate).sort().at(-1) ?? '1970-01-01T00:00:00.000Z';

function rss(meta: FeedMeta, items: FeedItem[], base: string): string {
  const entries = items.map((i) => {
    const url = itemUrl(base, i);
    return `<item>
<title>${xml(texText(i.paper.title))}</title>
<link>${xml(url)}</link>
<guid isPermaLink="true">${xml(url)}</guid>
<pubDate>${new Date(itemDate(i)).toUTCString()}</pubDate>
<dc:creator>${xml(i.paper.authors.join(', '))}</dc:creator>
${i.paper.categories.map((c) => `<category>${xml(c)}</category>`).join('')}
<description>${xml(summary(meta, i))}</description>
</item>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
<title>${xml(texText(meta.title))}</title>
<link>${xml(meta.link)}</link>
<description>${xml(meta.description)}</description>
<atom:link href="${xml(meta.self)}" rel="self" type="application/rss+xml"/>
<lastBuildDate>${new Date(latest(items)).toUTCString()}</lastBuildDate>
${entries.join('\n')}
</channel>
</rss>
`;
}

function atom(meta: FeedMeta, items: FeedItem[], base: string): string {
  const entries = items.map((i) => {
    const url = itemUrl(base, i);
    return `<entry>
<id>${xml(url)}</id>
<title>${xml(texText(i.paper.title))}</title>
<link rel="alternate" type="text/html" href="${xml(url)}"/>
<published>${xml(i.paper.submittedAt)}</published>
<updated>${xml(itemDate(i))}</updated>
${i.paper.authors
  .slice(0, 20)
  .map((a) => `<author><name>${xml(a)}</name></author>`)
  .join('')}
${i.paper.categories.map((c) => `<category term="${xml(c)}"/>`).join('')}
<summary>${xml(summary(meta, i))}</summary>
</entry>`;
  });
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
<id>${xml(meta.self)}</id>
<title>${xml(texText(meta.title))}</title>
<subtitle>${xml(meta.description)}</subtitle>
<link rel="self" type="application/atom+xml" href="${xml(meta.self)}"/>
<link rel="alternate" type="text/html" href="${xml(meta.link)}"/>
<updated>${xml(latest(items))}</updated>
${entries.join('\n')}
</feed>
`;
}

export function renderFeed(
  format: FeedFormat,
  meta: FeedMeta,
  items: FeedItem[],
  base: string,
): string | Buffer {
  if (format === 'rss') return rss(meta, items, base);
  if (format === 'atom') return atom(meta, items, base);
  return feedItemsJson(items);
}
