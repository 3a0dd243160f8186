/** Saved cursors (table `cursors`) on PostgreSQL. */
import type pg from 'pg';
import type { CursorRepository } from './repository.ts';

export class PgCursorRepository implements CursorRepository {
  readonly #pool: pg.Pool;
  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }
  async get(key: string): Promise<string | null> {
    const res = await this.#pool.query<{ value: string }>('SELECT value FROM cursors WHERE key = $1', [key]);
    return res.rows[0]?.value ?? null;
  }
  async set(key: string, value: string): Promise<void> {
    await this.#pool.query(
      `INSERT INTO cursors (key, value, updated_at) VALUES ($1, $2, $3)
      ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      [key, value, new Date().toISOString()],
    );
  }
  async delete(key: string): Promise<void> {
    await this.#pool.query('DELETE FROM cursors WHERE key = $1', [key]);
  }
}
