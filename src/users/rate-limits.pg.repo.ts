/**
 * RateLimitRepository on PostgreSQL: one row per key in `rate_limits` (migration 018), counted by
 * one INSERT … ON CONFLICT DO UPDATE, so every instance sharing the database counts into the same
 * window and a burst spread over three instances is limited as one (issue 18 item 5). The row
 * lock of the upsert makes concurrent hits count exactly once each.
 */
import type pg from 'pg';
import { named } from '../db/statements.ts';
import type { LimitWindow, RateLimitRepository } from './rate-limits.repo.ts';

const S = named('rate_limits', {
  // A window that has ended starts over at $2 with this hit as its first.
  hit: `INSERT INTO rate_limits AS r (key, window_start, window_ms, count) VALUES ($1, $2, $3, 1)
      ON CONFLICT (key) DO UPDATE SET
        count = CASE WHEN r.window_start + r.window_ms <= $2 THEN 1 ELSE r.count + 1 END,
        window_ms = CASE WHEN r.window_start + r.window_ms <= $2 THEN $3 ELSE r.window_ms END,
        window_start = CASE WHEN r.window_start + r.window_ms <= $2 THEN $2 ELSE r.window_start END
      RETURNING window_start, window_ms, count`,
  peek: 'SELECT window_start, window_ms, count FROM rate_limits WHERE key = $1',
  sweep: 'DELETE FROM rate_limits WHERE window_start + window_ms <= $1',
});

interface Row {
  window_start: string;
  window_ms: number;
  count: number;
}

const toWindow = (r: Row): LimitWindow => ({
  start: Number(r.window_start),
  windowMs: Number(r.window_ms),
  count: Number(r.count),
});

export class PgRateLimitRepository implements RateLimitRepository {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async hit(key: string, now: number, windowMs: number): Promise<LimitWindow> {
    const res = await this.#pool.query<Row>({ ...S.hit, values: [key, now, windowMs] });
    return toWindow(res.rows[0]!);
  }

  async peek(key: string): Promise<LimitWindow | null> {
    const r = (await this.#pool.query<Row>({ ...S.peek, values: [key] })).rows[0];
    return r ? toWindow(r) : null;
  }

  async sweep(now: number): Promise<void> {
    await this.#pool.query({ ...S.sweep, values: [now] });
  }
}
