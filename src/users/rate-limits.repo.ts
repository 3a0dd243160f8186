/**
 * Where the rate limiter (rate-limit.ts) keeps its fixed windows: in memory for the embedded
 * store (one process serves a SQLite file), in a shared table on PostgreSQL (rate-limits.pg.repo.ts)
 * so that N instances behind a balancer allow the guesses of one, not N× (issue 18 item 5).
 * Time is passed in (epoch ms), so tests control the clock.
 */

export interface LimitWindow {
  /** Epoch ms when the window began. */
  start: number;
  windowMs: number;
  /** Hits counted in it. */
  count: number;
}

export interface RateLimitRepository {
  /**
   * Counts one hit for `key`: in its current window, or in a new one beginning at `now` when the
   * stored window has ended. Atomic across every process sharing the store; one statement.
   */
  hit(key: string, now: number, windowMs: number): Promise<LimitWindow>;
  /** The key's window as stored (possibly ended), or null. */
  peek(key: string): Promise<LimitWindow | null>;
  /** Forgets windows that ended before `now`. */
  sweep(now: number): Promise<void>;
}
