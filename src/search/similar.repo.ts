/**
 * Stored "similar papers" lists (table `paper_similar`, migration 008): one row per paper, the
 * ids nearest first, labelled with how they were computed. The policy (when a row is still good)
 * is in similar.ts; this is storage only. One implementation per dialect, same contract tests.
 */

export interface SimilarList {
  paperId: number;
  /** The embedder version the list came from, or 'keyword' (title words, before vectors). */
  model: string;
  /** The paper's content_hash when the list was computed. */
  paperHash: string;
  /** ISO instant. */
  computedAt: string;
  /** papers.id, nearest first, never the paper itself. */
  ids: number[];
}

export interface SimilarRepository {
  /** The paper's current content hash and its stored list (null if none); null if no such paper. */
  get(paperId: number): Promise<{ paperHash: string; list: SimilarList | null } | null>;
  /** Stores (replaces) a paper's list. A paper deleted meanwhile is skipped. */
  put(list: SimilarList): Promise<void>;
  /** Recently featured papers (latest featured day first) whose list is missing or not `model`'s. */
  featuredWithout(model: string, limit: number): Promise<number[]>;
}

/** A row of SIMILAR_SQL.get: the paper's hash, and its list's columns (null without a list). */
export interface SimilarRow {
  content_hash: string;
  model: string | null;
  paper_hash: string | null;
  computed_at: string | null;
  ids: string | null;
}

/**
 * The statements of both dialects, with `$n` placeholders: PostgreSQL takes them as they are,
 * the SQLite repository prepares them through sqliteText (src/db/statements.ts).
 */
export const SIMILAR_SQL = {
  get: `SELECT p.content_hash, s.model, s.paper_hash, s.computed_at, s.ids
    FROM papers p LEFT JOIN paper_similar s ON s.paper_id = p.id WHERE p.id = $1`,
  put: `INSERT INTO paper_similar (paper_id, model, paper_hash, computed_at, ids)
    SELECT id, $1, $2, $3, $4 FROM papers WHERE id = $5
    ON CONFLICT (paper_id) DO UPDATE SET model = excluded.model, paper_hash = excluded.paper_hash,
      computed_at = excluded.computed_at, ids = excluded.ids`,
  // Walks featured days newest first (the primary key) and stops at the limit.
  featuredWithout: `SELECT f.paper_id FROM featured f
    WHERE NOT EXISTS (SELECT 1 FROM paper_similar s WHERE s.paper_id = f.paper_id AND s.model = $1)
    ORDER BY f.day DESC, f.paper_id DESC LIMIT $2`,
};

/** put()'s parameters, in SIMILAR_SQL.put's order. */
export const putParams = (list: SimilarList) =>
  [list.model, list.paperHash, list.computedAt, JSON.stringify(list.ids), list.paperId] as const;

export function fromSimilarRow(
  paperId: number,
  r: SimilarRow,
): { paperHash: string; list: SimilarList | null } {
  const list =
    r.model === null
      ? null
      : {
          paperId,
          model: r.model,
          paperHash: r.paper_hash!,
          computedAt: r.computed_at!,
          ids: JSON.parse(r.ids!) as number[],
        };
  return { paperHash: r.content_hash, list };
}
