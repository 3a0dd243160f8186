/** SimilarRepository on PostgreSQL (see similar.repo.ts); the same SQL as the SQLite one. */
import type pg from 'pg';
import type { SimilarList, SimilarRepository } from './similar.repo.ts';

interface Row {
  content_hash: string;
  model: string | null;
  paper_hash: string | null;
  computed_at: string | null;
  ids: string | null;
}

export class PgSimilarRepository implements SimilarRepository {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async get(paperId: number): Promise<{ paperHash: string; list: SimilarList | null } | null> {
    const res = await this.#pool.query<Row>(
      `SELECT p.content_hash, s.model, s.paper_hash, s.computed_at, s.ids
       FROM papers p LEFT JOIN paper_similar s ON s.paper_id = p.id WHERE p.id = $1`,
      [paperId],
    );
    const r = res.rows[0];
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
    await this.#pool.query(
      `INSERT INTO paper_similar (paper_id, model, paper_hash, computed_at, ids)
       SELECT id, $1, $2, $3, $4 FROM papers WHERE id = $5
       ON CONFLICT (paper_id) DO UPDATE SET model = excluded.model, paper_hash = excluded.paper_hash,
         computed_at = excluded.computed_at, ids = excluded.ids`,
      [list.model, list.paperHash, list.computedAt, JSON.stringify(list.ids), list.paperId],
    );
  }

  async featuredWithout(model: string, limit: number): Promise<number[]> {
    const res = await this.#pool.query<{ paper_id: string }>(
      `SELECT f.paper_id FROM featured f
       WHERE NOT EXISTS (SELECT 1 FROM paper_similar s WHERE s.paper_id = f.paper_id AND s.model = $1)
       ORDER BY f.day DESC, f.paper_id DESC LIMIT $2`,
      [model, limit],
    );
    return [...new Set(res.rows.map((r) => Number(r.paper_id)))];
  }
}
