/** SimilarRepository on PostgreSQL (see similar.repo.ts): the shared statements, named. */
import type pg from 'pg';
import { named } from '../db/statements.ts';
import {
  fromSimilarRow,
  putParams,
  SIMILAR_SQL,
  type SimilarList,
  type SimilarRepository,
  type SimilarRow,
} from './similar.repo.ts';

const S = named('similar', SIMILAR_SQL);

export class PgSimilarRepository implements SimilarRepository {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async get(paperId: number): Promise<{ paperHash: string; list: SimilarList | null } | null> {
    const res = await this.#pool.query<SimilarRow>({ ...S.get, values: [paperId] });
    const r = res.rows[0];
    return r ? fromSimilarRow(paperId, r) : null;
  }

  async put(list: SimilarList): Promise<void> {
    await this.#pool.query({ ...S.put, values: [...putParams(list)] });
  }

  async featuredWithout(model: string, limit: number): Promise<number[]> {
    const res = await this.#pool.query<{ paper_id: string }>({
      ...S.featuredWithout,
      values: [model, limit],
    });
    return [...new Set(res.rows.map((r) => Number(r.paper_id)))];
  }
}
