/**
 * One line of the arXiv metadata snapshot → PaperInput, or a rejection with a reason.
 * Pure and cheap: it runs ~10,000 times a second during a full import.
 *
 * A malformed field the paper can do without (update_date next to valid versions, authors_parsed
 * beside an authors string) is not silently dropped: the record is imported with a warning that
 * says what was wrong and what was used instead. The checks for that cost a regex test or a type
 * check on a good line; the warning list exists only when there is a warning.
 */
import { parseArxivId, parseVersion } from '../../papers/arxiv-id.ts';
import { authorsFromParsed, parseAuthors } from '../../papers/authors.ts';
import { categoryProblem, isCategory } from '../../papers/category.ts';
import { extractLinks } from '../../papers/links.ts';
import type { Author, PaperInput, PaperVersion } from '../../papers/paper.ts';
import { parseArxivDate } from '../../papers/versions.ts';

/** Real arXiv titles stay under ~300 chars and abstracts under 1,920; far beyond is corruption. */
const MAX_TITLE_CHARS = 2_000;
const MAX_ABSTRACT_CHARS = 20_000;
const MAX_AUTHORS = 5_000;
const MAX_FIELD_CHARS = 10_000;

export type RecordResult =
  | { ok: true; paper: PaperInput; warnings?: string[] }
  | { ok: false; reason: string };

// The snapshot's update_date is YYYY-MM-DD; days past 28 get the full check (Feb 30, Apr 31).
const UPDATE_DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|1\d|2[0-8])$/;
const show = (v: unknown) => JSON.stringify(v)?.slice(0, 60) ?? String(v);

/** Why a present update_date is malformed, or null when it is fine (or absent). */
function badUpdateDate(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' && (UPDATE_DATE.test(v) || (v.length === 10 && parseArxivDate(v) !== null)))
    return null;
  return `update_date ${show(v)} is not a date (YYYY-MM-DD)`;
}

const reject = (reason: string): RecordResult => ({ ok: false, reason });
const clean = (s: string) => s.replace(/\s+/g, ' ').trim();

function optionalText(v: unknown, field: string): string | null | Error {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'string') return new Error(`${field} is not a string`);
  if (v.length > MAX_FIELD_CHARS) return new Error(`${field} is ${v.length} chars (max ${MAX_FIELD_CHARS})`);
  const t = clean(v);
  return t === '' ? null : t;
}

function versionsOf(raw: unknown, updateDate: unknown): PaperVersion[] | string {
  const out: PaperVersion[] = [];
  if (Array.isArray(raw)) {
    for (const v of raw as { version?: unknown; created?: unknown }[]) {
      const n = parseVersion(String(v?.version ?? ''));
      if (n === null) return `bad version ${JSON.stringify(v?.version)}`;
      const created = typeof v.created === 'string' ? parseArxivDate(v.created) : null;
      if (created === null) return `bad date ${JSON.stringify(v.created)} in version v${n}`;
      out.push({ version: n, createdAt: created });
    }
  }
  if (out.length === 0) {
    // Some records carry only update_date; treat it as v1 so the paper still has a date.
    const d = typeof updateDate === 'string' ? parseArxivDate(updateDate) : null;
    if (d === null) return `no versions and bad update_date ${JSON.stringify(updateDate)}`;
    out.push({ version: 1, createdAt: d });
  }
  out.sort((a, b) => a.version - b.version);
  return out;
}

/** What was wrong with the version fields of a record whose versions were read, if anything. */
function versionWarning(raw: unknown, updateDate: unknown, fromVersions: boolean): string | null {
  if (!fromVersions)
    return raw === null || raw === undefined || Array.isArray(raw)
      ? null
      : `versions ${show(raw)} is not a list; used update_date`;
  const bad = badUpdateDate(updateDate);
  return bad ? `${bad}; used versions' dates` : null;
}

/** Authors from the `authors` text, after authors_parsed was found unusable. */
function authorsFromText(rec: Record<string, unknown>, warnings: string[]): Author[] {
  const parsed = rec.authors_parsed;
  const text = rec.authors;
  if (parsed !== null && parsed !== undefined && !(Array.isArray(parsed) && parsed.length === 0))
    warnings.push(
      `authors_parsed is not a list of name lists; ${typeof text === 'string' ? 'used authors' : 'no authors imported'}`,
    );
  if (text !== null && text !== undefined && typeof text !== 'string')
    warnings.push(`authors ${show(text)} is not a string; ignored`);
  return typeof text === 'string' ? parseAuthors(text) : [];
}

export function snapshotRecordToPaper(rec: unknown): RecordResult {
  if (typeof rec !== 'object' || rec === null || Array.isArray(rec)) return reject('not a JSON object');
  const r = rec as Record<string, unknown>;
  if (typeof r.id !== 'string' || r.id.trim() === '') return reject('missing id');
  const parsedId = parseArxivId(r.id);
  if (!parsedId) return reject(`invalid arXiv id ${JSON.stringify(r.id.slice(0, 80))}`);
  if (typeof r.title !== 'string' || r.title.trim() === '') return reject('missing title');
  if (r.title.length > MAX_TITLE_CHARS)
    return reject(`title is ${r.title.length} chars (max ${MAX_TITLE_CHARS})`);
  const abstractRaw = r.abstract ?? '';
  if (typeof abstractRaw !== 'string') return reject('abstract is not a string');
  if (abstractRaw.length > MAX_ABSTRACT_CHARS) {
    return reject(`abstract is ${abstractRaw.length} chars (max ${MAX_ABSTRACT_CHARS})`);
  }
  if (typeof r.categories !== 'string') return reject('missing categories');
  const categories = r.categories.split(/\s+/).filter(Boolean);
  if (categories.length === 0) return reject('missing categories');
  const badCat = categories.find((c) => !isCategory(c));
  if (badCat) return reject(`invalid category: ${categoryProblem(badCat)}`);
  const versions = versionsOf(r.versions, r.update_date);
  if (typeof versions === 'string') return reject(versions);
  // Filled only for a record with a warning: a good line allocates nothing for it.
  let warnings: string[] | null = null;
  const versionIssue = versionWarning(
    r.versions,
    r.update_date,
    Array.isArray(r.versions) && r.versions.length > 0,
  );
  if (versionIssue) warnings = [versionIssue];
  const fields: Record<string, string | null> = {};
  for (const [key, field] of [
    ['comments', 'comments'],
    ['journal-ref', 'journalRef'],
    ['doi', 'doi'],
    ['report-no', 'reportNo'],
    ['license', 'license'],
    ['submitter', 'submitter'],
  ] as const) {
    const v = optionalText(r[key], key);
    if (v instanceof Error) return reject(v.message);
    fields[field] = v;
  }
  if (typeof r.authors === 'string' && r.authors.length > MAX_FIELD_CHARS * 10)
    return reject('authors field too large');
  const parsed = r.authors_parsed;
  let authors: Author[];
  if (Array.isArray(parsed) && parsed.length > 0 && parsed.every((a) => Array.isArray(a)))
    authors = authorsFromParsed(parsed as string[][]);
  else {
    warnings ??= [];
    authors = authorsFromText(r, warnings);
    if (warnings.length === 0) warnings = null;
  }
  if (authors.length > MAX_AUTHORS) return reject(`${authors.length} authors (max ${MAX_AUTHORS})`);
  // Titles keep their LaTeX ($\alpha$ etc.): the view decides how to render math.
  const title = clean(r.title);
  const abstract = clean(abstractRaw);
  const last = versions[versions.length - 1]!;
  const paper: PaperInput = {
    arxivId: parsedId.id,
    version: last.version,
    title,
    abstract,
    authors,
    comments: fields.comments ?? null,
    journalRef: fields.journalRef ?? null,
    doi: fields.doi ?? null,
    reportNo: fields.reportNo ?? null,
    license: fields.license ?? null,
    submitter: fields.submitter ?? null,
    categories,
    versions,
    submittedAt: versions[0]!.createdAt,
    updatedAt: last.createdAt,
    links: extractLinks(abstract, fields.comments ?? null),
  };
  return warnings ? { ok: true, paper, warnings } : { ok: true, paper };
}
