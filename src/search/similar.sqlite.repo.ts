/** SimilarRepository on SQLite (see similar.repo.ts): the shared statements, `$n` made `?n`. */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { sqliteText } from '../db/statements.ts';
import {
  fromSimilarRow,
  putParams,
  SIMILAR_SQL,
  type SimilarList,
  type SimilarRepository,
  type SimilarRow,
} from './similar.repo.ts';

export class SqliteSimilarRepository implements SimilarRepository {
  readonly #get: StatementSync;
  readonly #put: StatementSync;
  readonly #featuredWithout: StatementSync;

  constructor(db: DatabaseSync) {
    const p = (sql: string) => db.prepare(sqliteText(sql));
    this.#get = p(SIMILAR_SQL.get);
    this.#put = p(SIMILAR_SQL.put);
    this.#featuredWithout = p(SIMILAR_SQL.featuredWithout);
  }

  async get(paperId: number): Promise<{ paperHash: string; list: SimilarList | null } | null> {
    const r = this.#get.get(paperId) as SimilarRow | undefined;
    return r ? fromSimilarRow(paperId, r) : null;
  }

  async put(list: SimilarList): Promise<void> {
    this.#put.run(...putParams(list));
  }

  async featuredWithout(model: string, limit: number): Promise<number[]> {
    const rows = this.#featuredWithout.all(model, limit) as { paper_id: number }[];
    return [...new Set(rows.map((r) => r.paper_id))];
  }
}
