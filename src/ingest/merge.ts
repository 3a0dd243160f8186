/**
 * Merging a partial upstream record into the stored paper. OAI-PMH `arXivRaw` and the snapshot
 * carry the whole record and go straight through the version rules; the other sources each know
 * only part of it (RSS has no comments, no submitter and only announcement dates; daily-papers
 * has no categories and no version; the API has no submitter, license or full version history).
 * Letting those overwrite the stored row would erase what a richer source said, so a partial
 * record only replaces the fields it actually carries, and only when it is at least as new:
 *
 * - newer version: the fields the source carries replace the stored ones; the rest are kept
 *   (v1 date, submitter, comments…), the version history gains the new entry;
 * - same version from a full-authority source (API): carried non-empty fields replace;
 * - same version from a listing (RSS, daily-papers), or an older version: only empty fields are
 *   filled, categories can only be added (a cross-list), links only added.
 */
import type { Author, PaperInput, PaperLink, PaperVersion } from '../papers/paper.ts';
import { mergeVersions } from '../papers/versions.ts';

type TextField =
  | 'title'
  | 'abstract'
  | 'comments'
  | 'journalRef'
  | 'doi'
  | 'reportNo'
  | 'license'
  | 'submitter';

export interface Coverage {
  /** `full`: an authoritative view of the current version; `listing`: a feed's summary of it. */
  authority: 'full' | 'listing';
  /** Text fields the source carries; the others are never taken from it. */
  fields: readonly TextField[];
  authors: boolean;
  /** The source states real version numbers (OAI `arXiv` format and daily-papers do not). */
  versionKnown: boolean;
  /** Its version dates are real (not announcement dates), so they replace stored ones. */
  realVersionDates: boolean;
  /** Its v1 date is real. */
  submittedAt: boolean;
  /** `replace`: the source lists all categories; `union`: add to stored ones; `none`: it has none. */
  categories: 'replace' | 'union' | 'none';
}

export const COVERAGE = {
  /** OAI-PMH `metadataPrefix=arXiv`: everything but the submitter and the version history. */
  oaiArxiv: {
    authority: 'full',
    fields: ['title', 'abstract', 'comments', 'journalRef', 'doi', 'reportNo', 'license'],
    authors: true,
    versionKnown: false,
    realVersionDates: false,
    submittedAt: true,
    categories: 'replace',
  },
  api: {
    authority: 'full',
    fields: ['title', 'abstract', 'comments', 'journalRef', 'doi'],
    authors: true,
    versionKnown: true,
    realVersionDates: true,
    submittedAt: true,
    categories: 'replace',
  },
  rss: {
    authority: 'listing',
    fields: ['title', 'abstract', 'journalRef', 'doi', 'license'],
    authors: true,
    versionKnown: true,
    realVersionDates: false,
    submittedAt: false,
    categories: 'union',
  },
  dailyPapers: {
    authority: 'listing',
    fields: ['title', 'abstract'],
    authors: true,
    versionKnown: false,
    realVersionDates: false,
    submittedAt: true,
    categories: 'none',
  },
} as const satisfies Record<string, Coverage>;

/** The stored paper as an input record with a fixed key order, so equal papers compare equal. */
function canonical(p: PaperInput): PaperInput {
  const author = (a: Author): Author => ({
    name: a.name,
    keyname: a.keyname,
    forenames: a.forenames,
    suffix: a.suffix,
    affiliation: a.affiliation ?? null,
  });
  const version = (v: PaperVersion): PaperVersion => ({
    version: v.version,
    createdAt: v.createdAt,
    size: v.size ?? null,
  });
  const link = (l: PaperLink): PaperLink => ({ kind: l.kind, url: l.url, host: l.host });
  return {
    arxivId: p.arxivId,
    version: p.version,
    title: p.title,
    abstract: p.abstract,
    authors: p.authors.map(author),
    comments: p.comments,
    journalRef: p.journalRef,
    doi: p.doi,
    reportNo: p.reportNo,
    license: p.license,
    submitter: p.submitter,
    categories: [...p.categories],
    versions: p.versions.map(version),
    submittedAt: p.submittedAt,
    updatedAt: p.updatedAt,
    links: p.links.map(link),
  };
}

const sameNames = (a: Author[], b: Author[]) =>
  a.length === b.length && a.every((x, i) => x.name === b[i]!.name);

function union<T>(first: T[], second: T[], key: (t: T) => string): T[] {
  const seen = new Set(first.map(key));
  return [...first, ...second.filter((t) => !seen.has(key(t)))];
}

/**
 * The record to store, or null when merging changes nothing. `stored` is what the database
 * holds (null: unknown paper, then the incoming record is all we have and is stored as is).
 */
export function mergePaper(
  stored: PaperInput | null,
  incoming: PaperInput,
  cov: Coverage,
): PaperInput | null {
  if (!stored) return canonical(incoming);
  const old = canonical(stored);
  const inc = canonical(incoming);
  const out = canonical(stored);
  const newer = cov.versionKnown && inc.version > old.version;
  const older = inc.version < old.version && cov.versionKnown;
  const replace = newer || (!older && inc.version === old.version && cov.authority === 'full');

  for (const f of cov.fields) {
    const v = inc[f];
    if (v !== null && v !== '' && (replace || old[f] === null || old[f] === '')) out[f] = v;
  }
  if (cov.authors && inc.authors.length > 0) {
    // A feed's author list lacks affiliations; when the names are the same, the stored list is richer.
    const incomingRicher = inc.authors.some((a) => a.affiliation);
    if ((replace && (!sameNames(inc.authors, old.authors) || incomingRicher)) || old.authors.length === 0) {
      out.authors = inc.authors;
    }
  }
  if (newer) {
    out.version = inc.version;
    out.updatedAt = inc.updatedAt;
  }
  if (cov.submittedAt && replace && !newer) out.submittedAt = inc.submittedAt;
  // Real dates win a clash; announcement dates only fill versions the store does not know.
  out.versions = cov.realVersionDates
    ? mergeVersions(old.versions, inc.versions)
    : mergeVersions(inc.versions, old.versions);
  if (!cov.versionKnown) out.versions = out.versions.filter((v) => v.version <= out.version);

  if (cov.categories === 'replace' && replace && inc.categories.length > 0) out.categories = inc.categories;
  else if (cov.categories !== 'none') out.categories = union(old.categories, inc.categories, (c) => c);
  out.links = union(old.links, inc.links, (l) => l.url.toLowerCase());

  return JSON.stringify(out) === JSON.stringify(old) ? null : out;
}

export interface MergedBatch {
  papers: PaperInput[];
  /** Records whose merge changed nothing (reported as unchanged). */
  unchanged: number;
}

/** Reads each paper's stored row and merges; for sources of at most a few thousand records a run. */
export async function mergeWithStored(
  get: (arxivId: string) => Promise<PaperInput | null>,
  papers: PaperInput[],
  cov: Coverage | ((p: PaperInput) => Coverage),
): Promise<MergedBatch> {
  const out: PaperInput[] = [];
  let unchanged = 0;
  for (const p of papers) {
    const merged = mergePaper(await get(p.arxivId), p, typeof cov === 'function' ? cov(p) : cov);
    if (merged) out.push(merged);
    else unchanged++;
  }
  return { papers: out, unchanged };
}
