/**
 * The library's SQL that is the same in both dialects, written once with `$n` placeholders
 * (prepared for SQLite through db/statements.ts `sqliteText`). Flags are bound as 0/1: SQLite
 * stores them so, and PostgreSQL reads the text '0'/'1' as a boolean.
 */
import type { AddResult, Collection, LibraryExport } from './types.ts';

const COLUMNS = `c.id, c.user_id, c.name, c.is_default, c.is_public, c.created_at, c.updated_at,
  (SELECT count(*) FROM collection_papers cp WHERE cp.collection_id = c.id) AS paper_count`;

/** savedPaperIds' default cap: far above a reader's library, a bound on one answer. */
export const MAX_SAVED = 10_000;

export const SQL = {
  collections: `SELECT ${COLUMNS} FROM collections c WHERE c.user_id = $1
    ORDER BY c.is_default DESC, c.id`,
  collection: `SELECT ${COLUMNS} FROM collections c WHERE c.id = $1`,
  create: `INSERT INTO collections (user_id, name, is_default, is_public, created_at, updated_at)
    VALUES ($1, $2, FALSE, $3, $4, $4) RETURNING id`,
  // The partial unique index collections_default is the conflict target: at most one default.
  createDefault: `INSERT INTO collections (user_id, name, is_default, is_public, created_at, updated_at)
    VALUES ($1, $2, TRUE, FALSE, $3, $3) ON CONFLICT (user_id) WHERE is_default DO NOTHING`,
  defaultId: 'SELECT id FROM collections WHERE user_id = $1 AND is_default',
  rename: 'UPDATE collections SET name = $2, updated_at = $3 WHERE id = $1',
  setPublic: 'UPDATE collections SET is_public = $2, updated_at = $3 WHERE id = $1',
  touch: 'UPDATE collections SET updated_at = $2 WHERE id = $1',
  remove: 'DELETE FROM collections WHERE id = $1',
  add: `INSERT INTO collection_papers (collection_id, paper_id, user_id, added_at) VALUES ($1, $2, $3, $4)
    ON CONFLICT DO NOTHING`,
  removeFrom: 'DELETE FROM collection_papers WHERE collection_id = $1 AND paper_id = $2',
  unsave: 'DELETE FROM collection_papers WHERE user_id = $1 AND paper_id = $2',
  paperIds: `SELECT paper_id FROM collection_papers WHERE collection_id = $1
    ORDER BY added_at DESC, paper_id DESC LIMIT $2 OFFSET $3`,
  paperCount: 'SELECT count(*) AS n FROM collection_papers WHERE collection_id = $1',
  savedPaperIds: `SELECT paper_id FROM collection_papers WHERE user_id = $1
    GROUP BY paper_id ORDER BY max(added_at) DESC, paper_id DESC LIMIT $2`,
  collectionsWith: `SELECT collection_id FROM collection_papers WHERE user_id = $1 AND paper_id = $2
    ORDER BY collection_id`,
  exportPapers: `SELECT cp.collection_id, p.arxiv_id, cp.added_at FROM collection_papers cp
    JOIN papers p ON p.id = cp.paper_id WHERE cp.user_id = $1 ORDER BY cp.collection_id, cp.added_at, p.arxiv_id`,
  deleteAll: 'DELETE FROM collections WHERE user_id = $1',
} as const;

export interface CollectionRow {
  id: number | string;
  user_id: number | string;
  name: string;
  is_default: number | boolean;
  is_public: number | boolean;
  created_at: string;
  updated_at: string;
  paper_count: number | string;
}

export function toCollection(r: CollectionRow): Collection {
  return {
    id: Number(r.id),
    userId: Number(r.user_id),
    name: r.name,
    isDefault: Boolean(r.is_default),
    isPublic: Boolean(r.is_public),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    paperCount: Number(r.paper_count),
  };
}

/** Sorts the requested ids into added / already / missing. */
export function result(requested: string[], found: Map<number, string>, present: Set<number>): AddResult {
  const out: AddResult = { added: new Set(), already: new Set(), missing: new Set(requested) };
  for (const [id, arxivId] of found) {
    out.missing.delete(arxivId);
    (present.has(id) ? out.already : out.added).add(arxivId);
  }
  return out;
}

export function exportOf(
  cols: Collection[],
  rows: { collection_id: number | string; arxiv_id: string; added_at: string }[],
): LibraryExport {
  const papers = new Map<number, { arxivId: string; addedAt: string }[]>(cols.map((c) => [c.id, []]));
  for (const r of rows)
    papers.get(Number(r.collection_id))?.push({ arxivId: r.arxiv_id, addedAt: r.added_at });
  return {
    collections: cols.map((c) => ({
      id: c.id,
      name: c.name,
      isDefault: c.isDefault,
      isPublic: c.isPublic,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
      papers: papers.get(c.id) ?? [],
    })),
  };
}
