/** Content hash of a normalized record: equal hashes mean a re-import changes nothing. */
import { createHash } from 'node:crypto';
import type { PaperInput } from './paper.ts';

export function contentHash(p: PaperInput): string {
  // Field order is fixed here, not taken from the object, so hashes are stable across sources.
  const parts = [
    p.version,
    p.title,
    p.abstract,
    JSON.stringify(p.authors),
    p.comments,
    p.journalRef,
    p.doi,
    p.reportNo,
    p.license,
    p.submitter,
    p.categories.join(' '),
    JSON.stringify(p.versions),
    p.submittedAt,
    p.updatedAt,
    JSON.stringify(p.links),
  ];
  return createHash('sha1').update(parts.join('\u0001')).digest('base64url');
}

/** "cs.CV" -> "cscv": one FTS token per category, so `cat:` filters are plain index lookups. */
export function categoryToken(category: string): string {
  return category.toLowerCase().replace(/[^a-z0-9]/g, '');
}
