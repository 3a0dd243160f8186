/**
 * arXiv new-submission feeds: RSS 2.0 at `rss.arxiv.org/rss/<cats>` and the Atom variant at
 * `/atom/<cats>` (same fields; its exact shape is unverified, so both `dc:creator` and
 * `author/name` are accepted there).
 *
 * Dates in these feeds are announcement dates, not submission dates: `submittedAt`/`updatedAt`
 * and the single version entry carry the announcement time. Sources with real version dates
 * (OAI, API) should win over these in the repository.
 */
import { parseAuthors } from '../../papers/authors.ts';
import { ARXIV_ATOM_NS, ATOM_NS } from './atom.ts';
import { arxivIdFrom, buildPaper, checkDate, cleanText, dedupe, type Located, locate } from './record.ts';
import type { AnnounceType, ParseIssue, ParseOptions, ParseResultBase, ParserInput } from './types.ts';
import { child, children, parseXml, taintOf, textLengthOf, textOf, type XmlElement } from './xml.ts';

const DC_NS = 'http://purl.org/dc/elements/1.1/';

export interface RssPage extends ParseResultBase {
  channel: {
    title: string | null;
    /** ISO; the announcement this feed belongs to. */
    pubDate: string | null;
    lastBuildDate: string | null;
    /** e.g. ["Saturday", "Sunday"]: the feed is empty then, which is not an error. */
    skipDays: string[];
  };
}

const ANNOUNCE_TYPES: readonly AnnounceType[] = ['new', 'cross', 'replace', 'replace-cross'];
// "arXiv:2401.00001v1 Announce Type: new \nAbstract: …"
const DESCRIPTION = /^\s*arXiv:(\S+)\s+Announce Type:\s*(\S+)\s*(?:Abstract:)?\s*([\s\S]*)$/;

export function parseArxivRss(input: ParserInput, opts: ParseOptions = {}): RssPage {
  const doc = parseXml(input);
  const page: RssPage = {
    records: [],
    errors: [],
    seen: 0,
    fatal: doc.fatal,
    channel: { title: null, pubDate: null, lastBuildDate: null, skipDays: [] },
  };
  const root = doc.root;
  if (!root) return page;
  let container: XmlElement | undefined;
  let items: XmlElement[];
  if (root.local === 'rss' && root.uri === '') {
    container = child(root, 'channel', '');
    items = children(container, 'item', '');
    page.channel.pubDate = dateOrNull(textOf(child(container, 'pubDate', '')), opts);
    page.channel.lastBuildDate = dateOrNull(textOf(child(container, 'lastBuildDate', '')), opts);
    page.channel.skipDays = children(child(container, 'skipDays', ''), 'day', '').map((d) =>
      cleanText(textOf(d)),
    );
  } else if (root.local === 'feed' && root.uri === ATOM_NS) {
    container = root;
    items = children(root, 'entry', ATOM_NS);
    page.channel.pubDate = dateOrNull(textOf(child(root, 'updated', ATOM_NS)), opts);
  } else {
    page.fatal ??= { where: 'line 1', reason: `not an RSS or Atom feed (root element <${root.local}>)` };
    return page;
  }
  page.channel.title = cleanText(textOf(child(container, 'title', container?.uri))) || null;

  const located: Located[] = [];
  const kind = root.local === 'rss' ? 'item' : 'entry';
  items.forEach((item, i) => {
    if (!item.closed) return;
    page.seen++;
    const r = parseItem(item, kind, i + 1, opts, page.channel.pubDate);
    if ('reason' in r) page.errors.push(r);
    else located.push(r);
  });
  page.records = dedupe(located, page.errors);
  return page;
}

function dateOrNull(raw: string | null, opts: ParseOptions): string | null {
  const d = checkDate(raw, 'feed', opts);
  return typeof d === 'string' ? d : null;
}

function parseItem(
  item: XmlElement,
  kind: string,
  n: number,
  opts: ParseOptions,
  channelDate: string | null,
): Located | ParseIssue {
  const ns = kind === 'item' ? '' : ATOM_NS;
  const text = (local: string, uri = ns) => cleanText(textOf(child(item, local, uri))) || null;
  const guid = text(kind === 'item' ? 'guid' : 'id');
  const where = locate(kind, n, guid?.replace(/^oai:arXiv\.org:/, '') ?? null, item.line);
  const taint = taintOf(item);
  if (taint) return { where, reason: taint };

  const descEl = child(item, kind === 'item' ? 'description' : 'summary', ns);
  const desc = DESCRIPTION.exec(textOf(descEl) ?? '');
  const link = kind === 'item' ? text('link') : (child(item, 'link', ATOM_NS)?.attrs.href ?? null);
  // The guid is the authority; the description and the link only fill in when it is missing.
  const id = guid ?? (desc ? `arXiv:${desc[1]}` : null) ?? link;
  const rawType = (text('announce_type', ARXIV_ATOM_NS) ?? desc?.[2] ?? '').toLowerCase();
  const announceType = ANNOUNCE_TYPES.find((t) => t === rawType);
  if (rawType && !announceType) return { where, reason: `unknown announce type ${JSON.stringify(rawType)}` };

  const creators = children(item, 'creator', DC_NS).map((c) => textOf(c) ?? '');
  if (kind === 'entry' && creators.length === 0) {
    for (const a of children(item, 'author', ATOM_NS)) creators.push(textOf(child(a, 'name', ATOM_NS)) ?? '');
  }
  const date =
    text(kind === 'item' ? 'pubDate' : 'published') ??
    (kind === 'entry' ? text('updated') : null) ??
    channelDate;
  const version = arxivIdFrom(id)?.version ?? null;
  const titleEl = child(item, 'title', ns);
  const built = buildPaper(
    {
      id,
      version,
      // Legacy feeds appended "(arXiv:2401.00001v1 [cs.LG])" to titles; drop it if present.
      title: textOf(titleEl)?.replace(/\s*\(arXiv:[^()]*\)\s*$/, '') ?? null,
      titleLength: textLengthOf(titleEl),
      abstract: desc ? (desc[3] ?? '') : textOf(descEl),
      abstractLength: textLengthOf(descEl),
      authors: creators.flatMap((c) => (cleanText(c) ? parseAuthors(cleanText(c)) : [])),
      doi: text('DOI', ARXIV_ATOM_NS) ?? text('doi', ARXIV_ATOM_NS),
      journalRef: text('journal_reference', ARXIV_ATOM_NS) ?? text('journal_ref', ARXIV_ATOM_NS),
      license: text('rights', DC_NS),
      categories:
        kind === 'item'
          ? children(item, 'category', '').map((c) => cleanText(textOf(c)))
          : children(item, 'category', ATOM_NS).map((c) => c.attrs.term ?? ''),
      versions: [{ version: version ?? 1, date }],
      submitted: date,
      updated: date,
    },
    opts,
  );
  if (!built.ok) return { where, reason: built.reason };
  return { where, record: { kind: 'paper', paper: built.paper, ...(announceType ? { announceType } : {}) } };
}
