/** SimilarRepository on PostgreSQL (see similar.repo.ts): the shared statements as they are. */
import type pg from 'pg';
import {
  fromSimilarRow,
  putParams,
  SIMILAR_SQL,
  type SimilarList,
  type SimilarRepository,
  type SimilarRow,
} from './similar.repo.ts';

export class PgSimilarRepository implements SimilarRepository {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async get(paperId: number): Promise<{ paperHash: string; list: SimilarList | null } | null> {
    const res = await this.#pool.query<SimilarRow>(SIMILAR_SQL.get, [paperId]);
    const r = res.rows[0];
    return r ? fromSimilarRow(paperId, r) : null;
  }

  async put(list: SimilarList): Promise<void> {
    await this.#pool.query(SIMILAR_SQL.put, [...putParams(list)]);
  }

  async featuredWithout(model: string, limit: number): Promise<number[]> {
    const res = await this.#pool.query<{ paper_id: string }>(SIMILAR_SQL.featuredWithout, [model, limit]);
    return [...new Set(res.rows.map((r) => Number(r.paper_id)))];
  }
}
