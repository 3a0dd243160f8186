/** DigestSecrets on PostgreSQL (see secrets.repo.ts): the shared statements as they are. */
import type pg from 'pg';
import { type DigestSecrets, SECRET_SQL, storedSecret } from './secrets.repo.ts';

export class PgDigestSecrets implements DigestSecrets {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async secret(name: string, candidate: string): Promise<string> {
    await this.#pool.query(SECRET_SQL.offer, [name, candidate, new Date().toISOString()]);
    return storedSecret(name, (await this.#pool.query<{ value: string }>(SECRET_SQL.get, [name])).rows[0]);
  }

  async rateHit(key: string, windowMs: number, now: number): Promise<number> {
    const res = await this.#pool.query<{ count: number }>(SECRET_SQL.rateHit, [key, now, now - windowMs]);
    return Number(res.rows[0]?.count ?? 1);
  }
}
