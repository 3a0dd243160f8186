/**
 * arXiv API responses (`/api/query`, Atom 1.0 with opensearch paging and arxiv: extensions).
 * An API error is a feed whose single entry is titled "Error"; it becomes `apiError`.
 */
import {
  arxivIdFrom,
  authorFromName,
  buildPaper,
  cleanText,
  dedupe,
  type Located,
  locate,
} from './record.ts';
import type { ParseIssue, ParseOptions, ParseResultBase, ParserInput } from './types.ts';
import { child, children, parseXml, taintOf, textLengthOf, textOf, type XmlElement } from './xml.ts';

export const ATOM_NS = 'http://www.w3.org/2005/Atom';
const OPENSEARCH_NS = 'http://a9.com/-/spec/opensearch/1.1/';
export const ARXIV_ATOM_NS = 'http://arxiv.org/schemas/atom';

export interface AtomPage extends ParseResultBase {
  /** Matches for the whole query (opensearch:totalResults); null when absent. */
  totalResults: number | null;
  /** 0-based offset of this page (opensearch:startIndex). */
  startIndex: number | null;
  itemsPerPage: number | null;
  /** The API refused the query ("incorrect id format for …", "max_results must be…"). */
  apiError: { message: string; id: string } | null;
}

export function parseArxivAtom(input: ParserInput, opts: ParseOptions = {}): AtomPage {
  const doc = parseXml(input);
  const page: AtomPage = {
    records: [],
    errors: [],
    seen: 0,
    fatal: doc.fatal,
    totalResults: null,
    startIndex: null,
    itemsPerPage: null,
    apiError: null,
  };
  const feed = doc.root;
  if (!feed) return page;
  if (feed.local !== 'feed' || feed.uri !== ATOM_NS) {
    page.fatal ??= { where: 'line 1', reason: `not an Atom feed (root element <${feed.local}>)` };
    return page;
  }
  page.totalResults = intOf(child(feed, 'totalResults', OPENSEARCH_NS));
  page.startIndex = intOf(child(feed, 'startIndex', OPENSEARCH_NS));
  page.itemsPerPage = intOf(child(feed, 'itemsPerPage', OPENSEARCH_NS));

  const located: Located[] = [];
  children(feed, 'entry', ATOM_NS).forEach((entry, i) => {
    if (!entry.closed) return;
    const id = cleanText(textOf(child(entry, 'id', ATOM_NS)));
    const title = cleanText(textOf(child(entry, 'title', ATOM_NS)));
    // A paper may be titled "Error"; an API error entry has an errors URL instead of an abs URL.
    if (title === 'Error' && (id.includes('/api/errors') || !arxivIdFrom(id))) {
      page.apiError ??= {
        message: cleanText(textOf(child(entry, 'summary', ATOM_NS))) || 'unknown error',
        id,
      };
      return;
    }
    page.seen++;
    const item = parseEntry(entry, i + 1, opts);
    if ('reason' in item) page.errors.push(item);
    else located.push(item);
  });
  page.records = dedupe(located, page.errors);
  return page;
}

function intOf(el: XmlElement | undefined): number | null {
  const t = cleanText(textOf(el));
  const n = t === '' ? Number.NaN : Number(t);
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

function parseEntry(entry: XmlElement, n: number, opts: ParseOptions): Located | ParseIssue {
  const rawId = cleanText(textOf(child(entry, 'id', ATOM_NS))) || null;
  const where = locate('entry', n, rawId?.replace(/^https?:\/\/arxiv\.org\/abs\//, '') ?? null, entry.line);
  const taint = taintOf(entry);
  if (taint) return { where, reason: taint };

  const text = (local: string, ns = ARXIV_ATOM_NS) => cleanText(textOf(child(entry, local, ns))) || null;
  const links = children(entry, 'link', ATOM_NS);
  const alternate = links.find((l) => l.attrs.rel === 'alternate')?.attrs.href;
  const doiLink = links.find((l) => l.attrs.title === 'doi')?.attrs.href;
  // Older responses omit vN from <id>; the alternate link still carries it.
  const version = arxivIdFrom(rawId)?.version ?? arxivIdFrom(alternate)?.version ?? null;

  const published = text('published', ATOM_NS);
  const updated = text('updated', ATOM_NS);
  const versions = [{ version: 1, date: published }];
  if (version && version > 1) versions.push({ version, date: updated });

  const title = child(entry, 'title', ATOM_NS);
  const summary = child(entry, 'summary', ATOM_NS);
  const built = buildPaper(
    {
      id: rawId,
      version,
      title: textOf(title),
      titleLength: textLengthOf(title),
      abstract: textOf(summary),
      abstractLength: textLengthOf(summary),
      authors: children(entry, 'author', ATOM_NS).map((a) => {
        const affs = children(a, 'affiliation', ARXIV_ATOM_NS).map((x) => cleanText(textOf(x)));
        return authorFromName(
          textOf(child(a, 'name', ATOM_NS)) ?? '',
          affs.filter(Boolean).join('; ') || null,
        );
      }),
      comments: text('comment'),
      journalRef: text('journal_ref'),
      doi: text('doi') ?? doiFromUrl(doiLink),
      categories: [
        child(entry, 'primary_category', ARXIV_ATOM_NS)?.attrs.term ?? '',
        ...children(entry, 'category', ATOM_NS).map((c) => c.attrs.term ?? ''),
      ],
      versions,
      submitted: published,
      updated,
    },
    opts,
  );
  if (!built.ok) return { where, reason: built.reason };
  return { where, record: { kind: 'paper', paper: built.paper } };
}

function doiFromUrl(href: string | undefined): string | null {
  const m = href ? /^https?:\/\/(?:dx\.)?doi\.org\/(10\..+)$/.exec(href.trim()) : null;
  return m?.[1] ? decodeURIComponentSafe(m[1]) : null;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
