/**
 * Every list as RSS 2.0, Atom 1.0 or JSON Feed 1.1 (https://jsonfeed.org/version/1.1).
 * XML is built by escaping every value; URLs are absolute from the configured baseUrl.
 * Hand-written rather than the `feed` package (not a dependency here, and it would not save
 * code): each format is one template over the same item fields, and the XML escaping, which is
 * what a library would add, is the six replacements below.
 * Titles and abstracts carry TeX's plain-text form (src/papers/tex-text.ts: `ℓ₁`, `O(n log n)`),
 * not MathML: an Atom <summary> without a type is text, and feed readers sanitise RSS description
 * HTML to a small tag list that MathML is not on (they would show the bare symbols run together).
 */
import type { FeedItem } from '../feed/feed.ts';
import { texText } from '../papers/tex-text.ts';

export type FeedFormat = 'rss' | 'atom' | 'json';
export const FEED_FORMATS: readonly FeedFormat[] = ['rss', 'atom', 'json'];

export const FEED_TYPES: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
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

/** The paperboy fields of a JSON Feed item (an extension: `_` names are for publishers). */
interface PaperboyExtension {
  arxiv_id: string;
  upvotes: number;
  comments: number;
  featured_day: string | null;
  title_tex: string;
  abstract_tex: string;
}

/**
 * JSON Feed 1.1: title and abstract (`content_text`) in TeX's plain-text form, as the XML feeds;
 * the source TeX of both in the `_paperboy` extension, for clients that render maths.
 */
function jsonFeed(meta: FeedMeta, items: FeedItem[], base: string): string {
  return JSON.stringify({
    version: 'https://jsonfeed.org/version/1.1',
    title: texText(meta.title),
    home_page_url: meta.link,
    feed_url: meta.self,
    description: meta.description,
    language: 'en',
    items: items.map((i) => {
      const url = itemUrl(base, i);
      const ext: PaperboyExtension = {
        arxiv_id: i.paper.arxivId,
        upvotes: i.stats.votes + i.stats.importedVotes,
        comments: i.stats.comments,
        featured_day: i.featured?.day ?? null,
        title_tex: i.paper.title,
        abstract_tex: i.paper.abstract,
      };
      return {
        id: url,
        url,
        external_url: `https://arxiv.org/abs/${i.paper.arxivId}`,
        title: texText(i.paper.title),
        content_text: summary(meta, i),
        date_published: itemDate(i),
        date_modified: i.paper.updatedAt,
        authors: i.paper.authors.slice(0, 20).map((name) => ({ name })),
        tags: i.paper.categories,
        _paperboy: ext,
      };
    }),
  });
}

export function renderFeed(format: FeedFormat, meta: FeedMeta, items: FeedItem[], base: string): string {
  if (format === 'rss') return rss(meta, items, base);
  if (format === 'atom') return atom(meta, items, base);
  return jsonFeed(meta, items, base);
}
