/**
 * Turns what a format parser pulled out of one entry (a loose "draft") into a validated
 * `PaperInput`, or a reason to reject it. All per-record rules live here so every source applies
 * the same ones: caps, dates, invalid UTF-8, id shape, whitespace.
 */
import { parseArxivId } from '../../papers/arxiv-id.ts';
import { parseAuthors } from '../../papers/authors.ts';
import { isCategory } from '../../papers/category.ts';
import { extractLinks } from '../../papers/links.ts';
import type { Author, PaperInput, PaperLink, PaperVersion } from '../../papers/paper.ts';
import { parseArxivDate } from '../../papers/versions.ts';
import {
  EARLIEST_DATE,
  FUTURE_TOLERANCE_MS,
  MAX_ABSTRACT_CHARS,
  MAX_AUTHORS,
  MAX_FIELD_CHARS,
  MAX_TITLE_CHARS,
  type ParsedRecord,
  type ParseIssue,
  type ParseOptions,
} from './types.ts';

export interface PaperDraft {
  /** Raw id as found: `2401.00001v2`, `oai:arXiv.org:hep-th/9901001`, an abs URL… */
  id: string | null;
  /** Version the source states outside the id, if any. */
  version?: number | null;
  title: string | null;
  /** Unclipped length of the raw title (the XML tree clips very long text). */
  titleLength?: number;
  abstract: string | null;
  abstractLength?: number;
  authors: Author[];
  comments?: string | null;
  journalRef?: string | null;
  doi?: string | null;
  reportNo?: string | null;
  license?: string | null;
  submitter?: string | null;
  categories: string[];
  /** Raw dates; converted and checked here. */
  versions?: { version: number; date: string | null; size?: string | null }[];
  submitted: string | null;
  updated?: string | null;
  extraLinks?: PaperLink[];
}

export type BuildResult = { ok: true; paper: PaperInput } | { ok: false; reason: string };

/** Collapse hard wraps and runs of spaces; arXiv wraps titles and abstracts at ~80 columns. */
export function cleanText(s: string | null | undefined): string {
  return s ? s.replace(/\s+/g, ' ').trim() : '';
}

function optional(s: string | null | undefined): string | null {
  const t = cleanText(s);
  return t === '' ? null : t;
}

const ID_PREFIX = /^(?:oai:arXiv\.org:|arXiv:|https?:\/\/(?:www\.|export\.)?arxiv\.org\/(?:abs|pdf)\/)/i;

/** Accepts the wrappers upstream puts around ids (OAI identifier, abs URL, `arXiv:` prefix). */
export function arxivIdFrom(raw: string | null | undefined): { id: string; version: number | null } | null {
  const s = cleanText(raw).replace(ID_PREFIX, '');
  if (!s || s.length > 64) return null;
  return parseArxivId(s);
}

export function cleanCategories(list: readonly string[], primary?: string | null): string[] {
  const out: string[] = [];
  for (const c of [primary ?? '', ...list.flatMap((s) => s.split(/\s+/))]) {
    if (isCategory(c) && !out.includes(c)) out.push(c);
  }
  return out;
}

/** One display name ("Jürgen Schmidhuber") to an Author, via the shared arXiv author parser. */
export function authorFromName(name: string, affiliation: string | null = null): Author {
  const clean = cleanText(name);
  const parsed = clean.includes(',') || / and /.test(clean) ? undefined : parseAuthors(clean)[0];
  if (parsed) return { ...parsed, affiliation: affiliation ?? parsed.affiliation };
  const parts = clean.split(' ');
  const keyname = parts.length > 1 ? parts.pop()! : clean;
  return { name: clean, keyname, forenames: parts.join(' '), suffix: '', affiliation };
}

const BAD_UTF8 = '\uFFFD';

export function buildPaper(d: PaperDraft, opts: ParseOptions = {}): BuildResult {
  const fail = (reason: string): BuildResult => ({ ok: false, reason });
  const parsedId = arxivIdFrom(d.id);
  if (!d.id || !cleanText(d.id)) return fail('missing arXiv id');
  if (!parsedId) return fail(`not an arXiv id: ${JSON.stringify(cleanText(d.id).slice(0, 80))}`);

  if ((d.titleLength ?? 0) > MAX_TITLE_CHARS * 4) return fail(`title longer than ${MAX_TITLE_CHARS} chars`);
  if ((d.abstractLength ?? 0) > MAX_ABSTRACT_CHARS * 4) {
    return fail(`abstract longer than ${MAX_ABSTRACT_CHARS} chars`);
  }
  const title = cleanText(d.title);
  const abstract = cleanText(d.abstract);
  if (!title) return fail('missing title');
  if (title.length > MAX_TITLE_CHARS)
    return fail(`title longer than ${MAX_TITLE_CHARS} chars (${title.length})`);
  if (abstract.length > MAX_ABSTRACT_CHARS) {
    return fail(`abstract longer than ${MAX_ABSTRACT_CHARS} chars (${abstract.length})`);
  }
  const fields = {
    comments: optional(d.comments),
    journalRef: optional(d.journalRef),
    doi: optional(d.doi),
    reportNo: optional(d.reportNo),
    license: optional(d.license),
    submitter: optional(d.submitter),
  };
  for (const [k, v] of Object.entries(fields)) {
    if (v && v.length > MAX_FIELD_CHARS) return fail(`${k} longer than ${MAX_FIELD_CHARS} chars`);
  }
  if (d.authors.length > MAX_AUTHORS) return fail(`more than ${MAX_AUTHORS} authors`);
  const authors = d.authors.filter((a) => a.name.trim() !== '');
  if (authors.some((a) => a.name.length > MAX_FIELD_CHARS)) return fail('author name too long');

  const texts: [string, string | null][] = [
    ['title', title],
    ['abstract', abstract],
    ['authors', authors.map((a) => `${a.name}${a.affiliation ?? ''}`).join()],
    ...Object.entries(fields),
  ];
  const bad = texts.find(([, v]) => v?.includes(BAD_UTF8));
  if (bad) return fail(`invalid UTF-8 in ${bad[0]} (U+FFFD replacement character)`);

  const dates = checkDates(d, opts);
  if ('reason' in dates) return fail(dates.reason);
  const version = Math.max(d.version ?? 0, parsedId.version ?? 0, ...dates.versions.map((v) => v.version), 1);

  const links = extractLinks(abstract, fields.comments);
  for (const l of d.extraLinks ?? []) {
    if (!links.some((x: PaperLink) => x.url.toLowerCase() === l.url.toLowerCase())) links.push(l);
  }

  return {
    ok: true,
    paper: {
      arxivId: parsedId.id,
      version,
      title,
      abstract,
      authors,
      ...fields,
      categories: cleanCategories(d.categories),
      versions: dates.versions,
      submittedAt: dates.submittedAt,
      updatedAt: dates.updatedAt,
      links,
    },
  };
}

type Dates = { submittedAt: string; updatedAt: string; versions: PaperVersion[] };

/**
 * Raw upstream date to ISO UTC, or a rejection reason; null when absent. Rejects impossible
 * dates, dates before arXiv, and dates in the future (beyond FUTURE_TOLERANCE_MS).
 */
export function checkDate(
  raw: string | null | undefined,
  what: string,
  opts: ParseOptions = {},
): string | { reason: string } | null {
  const s = cleanText(raw);
  if (s === '') return null;
  // parseArxivDate has its own future cut-off against the real clock; lift it (now = +∞) so the
  // check below can say "in the future" rather than "impossible" and honour `opts.now`.
  const v = parseArxivDate(s, Number.POSITIVE_INFINITY);
  if (!v) return { reason: `impossible ${what} date: ${JSON.stringify(s.slice(0, 60))}` };
  if (Date.parse(v) > (opts.now ?? new Date()).getTime() + FUTURE_TOLERANCE_MS) {
    return { reason: `${what} date in the future: ${v}` };
  }
  if (v < EARLIEST_DATE) return { reason: `${what} date before arXiv existed: ${v}` };
  return v;
}

function checkDates(d: PaperDraft, opts: ParseOptions): Dates | { reason: string } {
  const iso = (raw: string | null | undefined, what: string) => checkDate(raw, what, opts);
  const versions: PaperVersion[] = [];
  for (const v of d.versions ?? []) {
    const at = iso(v.date, `v${v.version}`);
    if (at === null) continue;
    if (typeof at !== 'string') return at;
    if (!Number.isInteger(v.version) || v.version < 1 || v.version > 1000) {
      return { reason: `bad version number ${v.version}` };
    }
    const i = versions.findIndex((x) => x.version === v.version);
    const entry: PaperVersion = { version: v.version, createdAt: at, ...(v.size ? { size: v.size } : {}) };
    if (i >= 0) versions[i] = entry;
    else versions.push(entry);
  }
  versions.sort((a, b) => a.version - b.version);
  const submitted = iso(d.submitted, 'submission') ?? versions[0]?.createdAt ?? null;
  if (submitted === null) return { reason: 'missing submission date' };
  if (typeof submitted !== 'string') return submitted;
  const updated = iso(d.updated, 'update') ?? versions[versions.length - 1]?.createdAt ?? submitted;
  if (typeof updated !== 'string') return updated;
  if (versions.length === 0) versions.push({ version: 1, createdAt: submitted });
  return { submittedAt: submitted, updatedAt: updated, versions };
}

/** A record waiting for de-duplication, with where it came from. */
export interface Located {
  record: ParsedRecord;
  where: string;
}

// A combined feed (`cs.LG+cs.CV`) can list one paper as `new` in one category and `cross` in
// another; the primary-listing type says more, so it wins a tie. Unset ranks last.
const ANNOUNCE_RANK = ['new', 'replace', 'cross', 'replace-cross'];
const rank = (t: string | undefined): number => (t ? ANNOUNCE_RANK.indexOf(t) : ANNOUNCE_RANK.length);

const idOf = (r: ParsedRecord): string => (r.kind === 'paper' ? r.paper.arxivId : r.arxivId);

/**
 * One page may list a paper twice (upstream glitches, feed merges). Keep the highest version,
 * then the more telling announce type; otherwise (and between a deletion and a paper) the later
 * entry wins. Each drop is reported.
 */
export function dedupe(items: Located[], errors: ParseIssue[]): ParsedRecord[] {
  const kept = new Map<string, Located>();
  for (const item of items) {
    const id = idOf(item.record);
    const prev = kept.get(id);
    if (!prev) {
      kept.set(id, item);
      continue;
    }
    const a = prev.record;
    const b = item.record;
    const prevWins =
      a.kind === 'paper' &&
      b.kind === 'paper' &&
      (a.paper.version > b.paper.version ||
        (a.paper.version === b.paper.version && rank(a.announceType) < rank(b.announceType)));
    const [winner, loser] = prevWins ? [prev, item] : [item, prev];
    kept.set(id, winner);
    errors.push({ where: loser.where, reason: `duplicate of ${id}; kept the entry at ${winner.where}` });
  }
  return [...kept.values()].map((l) => l.record);
}

/** "record 17 (2401.00001) at line 230" — enough for an operator to find the entry. */
export function locate(kind: string, n: number, id: string | null, line?: number): string {
  const shown = id ? ` (${cleanText(id).slice(0, 80)})` : '';
  return `${kind} ${n}${shown}${line ? ` at line ${line}` : ''}`;
}
