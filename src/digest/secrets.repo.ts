/** Small keyed tables of the subscription forms: the token secret (first writer wins) and rate counters. */
import type { SqlRunner } from '../db/sql.ts';

export class DigestSecrets {
  readonly #db: SqlRunner;

  constructor(db: SqlRunner) {
    this.#db = db;
  }

  /** The stored secret `name`, storing `candidate` first when there is none (first writer wins). */
  async secret(name: string, candidate: string): Promise<string> {
    await this.#db.run(
      'INSERT INTO digest_secrets (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING',
      [name, candidate, new Date().toISOString()],
    );
    const rows = await this.#db.all<{ value: string }>('SELECT value FROM digest_secrets WHERE name = ?', [
      name,
    ]);
    return rows[0]!.value;
  }

  /** Fixed-window counter: the count within the current window after this hit. */
  async rateHit(key: string, windowMs: number, now: number): Promise<number> {
    const rows = await this.#db.all<{ count: number }>(
      `INSERT INTO digest_rate (key, window_start, count) VALUES (?, ?, 1)
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN digest_rate.window_start <= ? THEN 1 ELSE digest_rate.count + 1 END,
         window_start = CASE WHEN digest_rate.window_start <= ? THEN excluded.window_start ELSE digest_rate.window_start END
       RETURNING count`,
      [key, now, now - windowMs, now - windowMs],
    );
    return Number(rows[0]?.count ?? 1);
  }
}
