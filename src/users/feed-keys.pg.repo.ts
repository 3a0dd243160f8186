/** FeedKeyRepository on PostgreSQL; same semantics as feed-keys.sqlite.repo.ts, named statements. */
import type pg from 'pg';
import { named } from '../db/statements.ts';
import { FEED_KEY_SQL, type FeedKey, type FeedKeyRepository, toFeedKey } from './feed-keys.repo.ts';

const S = named('feedKeys', FEED_KEY_SQL);

export class PgFeedKeyRepository implements FeedKeyRepository {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async get(userId: number): Promise<FeedKey | null> {
    const r = await this.#pool.query<{ secret: string; created_at: string }>({ ...S.get, values: [userId] });
    return r.rows[0] ? toFeedKey(r.rows[0]) : null;
  }

  async ensure(userId: number, secret: string, now: string): Promise<FeedKey> {
    await this.#pool.query({ ...S.insert, values: [userId, secret, now] });
    return (await this.get(userId))!;
  }

  async replace(userId: number, secret: string, now: string): Promise<void> {
    await this.#pool.query({ ...S.replace, values: [userId, secret, now] });
  }

  async remove(userId: number): Promise<boolean> {
    return ((await this.#pool.query({ ...S.remove, values: [userId] })).rowCount ?? 0) > 0;
  }
}
