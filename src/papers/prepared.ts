/**
 * A paper flattened for storage: scalar columns plus JSON for the child tables. Computed once per
 * record (by the importer in a worker thread, off the database thread), it lets a repository
 * write a paper's authors/versions/links/categories with one statement each (json_each /
 * jsonb_to_recordset) instead of one round trip per child row, and gives the content hash free.
 */
import { createHash } from 'node:crypto';
import type { PaperInput } from './paper.ts';

export interface PreparedPaper {
  arxivId: string;
  version: number;
  title: string;
  abstract: string;
  authorsText: string;
  authorCount: number;
  comments: string | null;
  journalRef: string | null;
  doi: string | null;
  reportNo: string | null;
  license: string | null;
  submitter: string | null;
  /** Space-separated, primary first. */
  categories: string;
  primaryCategory: string;
  submittedAt: string;
  updatedAt: string;
  /** Squashed category tokens for the full-text index ("cs.CV" -> "cscv"). */
  categoryTokens: string;
  /** [[name, keyname, forenames, suffix, affiliation], …] in order. */
  authorsJson: string;
  /** [[version, createdAt, size], …] */
  versionsJson: string;
  /** [[kind, url, host], …] */
  linksJson: string;
  /** ["cs.LG", …] */
  categoriesJson: string;
  contentHash: string;
}

/** "cs.CV" -> "cscv": one FTS token per category, so `cat:` filters are plain index lookups. */
export function categoryToken(category: string): string {
  return category.toLowerCase().replace(/[^a-z0-9]/g, '');
}

export function preparePaper(p: PaperInput): PreparedPaper {
  const authorsJson = JSON.stringify(
    p.authors.map((a) => [a.name, a.keyname, a.forenames, a.suffix, a.affiliation]),
  );
  const versionsJson = JSON.stringify(p.versions.map((v) => [v.version, v.createdAt, v.size ?? null]));
  const linksJson = JSON.stringify(p.links.map((l) => [l.kind, l.url, l.host]));
  const categoriesJson = JSON.stringify(p.categories);
  const categories = p.categories.join(' ');
  // Field order is fixed here, not taken from the object, so hashes are stable across sources.
  const hashed = [
    p.version,
    p.title,
    p.abstract,
    authorsJson,
    p.comments,
    p.journalRef,
    p.doi,
    p.reportNo,
    p.license,
    p.submitter,
    categories,
    versionsJson,
    p.submittedAt,
    p.updatedAt,
    linksJson,
  ].join('\u0001');
  return {
    arxivId: p.arxivId,
    version: p.version,
    title: p.title,
    abstract: p.abstract,
    authorsText: p.authors.map((a) => a.name).join(', '),
    authorCount: p.authors.length,
    comments: p.comments,
    journalRef: p.journalRef,
    doi: p.doi,
    reportNo: p.reportNo,
    license: p.license,
    submitter: p.submitter,
    categories,
    primaryCategory: p.categories[0] ?? '',
    submittedAt: p.submittedAt,
    updatedAt: p.updatedAt,
    categoryTokens: p.categories.map(categoryToken).join(' '),
    authorsJson,
    versionsJson,
    linksJson,
    categoriesJson,
    contentHash: createHash('sha1').update(hashed).digest('base64url'),
  };
}
