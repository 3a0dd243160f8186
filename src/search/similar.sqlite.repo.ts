/** SimilarRepository on SQLite (see similar.repo.ts). */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { SimilarList, SimilarRepository } from './similar.repo.ts';

interface Row {
  content_hash: string;
  model: string | null;
  paper_hash: string | null;
  computed_at: string | null;
  ids: string | null;
}

export class SqliteSimilarRepository implements SimilarRepository {
  readonly #get: StatementSync;
  readonly #put: StatementSync;
  readonly #featuredWithout: StatementSync;

  constructor(db: DatabaseSync) {
    this.#get = db.prepare(`SELECT p.content_hash, s.model, s.paper_hash, s.computed_at, s.ids
      FROM papers p LEFT JOIN paper_similar s ON s.paper_id = p.id WHERE p.id = ?`);
    this.#put = db.prepare(`INSERT INTO paper_similar (paper_id, model, paper_hash, computed_at, ids)
      SELECT id, ?, ?, ?, ? FROM papers WHERE id = ?
      ON CONFLICT (paper_id) DO UPDATE SET model = excluded.model, paper_hash = excluded.paper_hash,
        computed_at = excluded.computed_at, ids = excluded.ids`);
    // Walks featured days newest first (the primary key) and stops at the limit.
    this.#featuredWithout = db.prepare(`SELECT f.paper_id FROM featured f
      WHERE NOT EXISTS (SELECT 1 FROM paper_similar s WHERE s.paper_id = f.paper_id AND s.model = ?)
      ORDER BY f.day DESC, f.paper_id DESC LIMIT ?`);
  }

  async get(paperId: number): Promise<{ paperHash: string; list: SimilarList | null } | null> {
    const r = this.#get.get(paperId) as Row | undefined;
    if (!r) return null;
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

  async put(list: SimilarList): Promise<void> {
    this.#put.run(list.model, list.paperHash, list.computedAt, JSON.stringify(list.ids), list.paperId);
  }

  async featuredWithout(model: string, limit: number): Promise<number[]> {
    const rows = this.#featuredWithout.all(model, limit) as { paper_id: number }[];
    return [...new Set(rows.map((r) => r.paper_id))];
  }
}
