/** Saved cursors (table `cursors`) on PostgreSQL. */
import type pg from 'pg';
import { named } from '../db/statements.ts';
import type { CursorRepository } from './repository.ts';

const S = named('cursors', {
  get: 'SELECT value FROM cursors WHERE key = $1',
  set: `INSERT INTO cursors (key, value, updated_at) VALUES ($1, $2, $3)
      ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  delete: 'DELETE FROM cursors WHERE key = $1',
});

export class PgCursorRepository implements CursorRepository {
  readonly #pool: pg.Pool;
  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }
  async get(key: string): Promise<string | null> {
    const res = await this.#pool.query<{ value: string }>({ ...S.get, values: [key] });
    return res.rows[0]?.value ?? null;
  }
  async set(key: string, value: string): Promise<void> {
    await this.#pool.query({ ...S.set, values: [key, value, new Date().toISOString()] });
  }
  async delete(key: string): Promise<void> {
    await this.#pool.query({ ...S.delete, values: [key] });
  }
}
