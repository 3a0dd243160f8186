/**
 * Fixed-window rate limits kept in memory, per key (`login:ip:203.0.113.9`, `login:acct:a@x.org`).
 * Per process: with several instances behind a balancer each counts its own share, which still
 * bounds guessing; durable per-account limits (submissions per day) are counted in the database.
 */
import { RateLimitedError } from '../errors.ts';

export interface Limit {
  /** Requests allowed per window. */
  max: number;
  windowMs: number;
}

export interface LimitState {
  allowed: boolean;
  /** Hits counted in the current window. */
  count: number;
  limit: number;
  remaining: number;
  /** Seconds until the window resets. */
  resetSeconds: number;
}

export class RateLimiter {
  readonly #now: () => number;
  readonly #maxKeys: number;
  readonly #windows = new Map<string, { start: number; count: number; windowMs: number }>();

  constructor(options: { now?: () => number; maxKeys?: number } = {}) {
    this.#now = options.now ?? Date.now;
    this.#maxKeys = options.maxKeys ?? 100_000;
  }

  hit(key: string, limit: Limit): LimitState {
    const now = this.#now();
    let w = this.#windows.get(key);
    if (!w || now - w.start >= w.windowMs) {
      if (!w && this.#windows.size >= this.#maxKeys) this.#sweep(now);
      w = { start: now, count: 0, windowMs: limit.windowMs };
      this.#windows.set(key, w);
    }
    w.count++;
    return this.#state(w, limit, now, w.count <= limit.max);
  }

  /**
   * The key's state without counting a hit: `allowed` says whether one more hit would be. For
   * limits that count only failures (wrong passwords), checked before and hit after.
   */
  peek(key: string, limit: Limit): LimitState {
    const now = this.#now();
    const w = this.#windows.get(key);
    if (!w || now - w.start >= w.windowMs)
      return { allowed: true, count: 0, limit: limit.max, remaining: limit.max, resetSeconds: 0 };
    return this.#state(w, limit, now, w.count < limit.max);
  }

  #state(w: { start: number; count: number; windowMs: number }, limit: Limit, now: number, allowed: boolean) {
    return {
      allowed,
      count: w.count,
      limit: limit.max,
      remaining: Math.max(0, limit.max - w.count),
      resetSeconds: Math.max(1, Math.ceil((w.start + w.windowMs - now) / 1000)),
    };
  }

  /** Counts the hit and throws RateLimitedError when over the limit. */
  check(
    key: string,
    limit: Limit,
    message = 'Too many requests; slow down and try again shortly.',
  ): LimitState {
    const s = this.hit(key, limit);
    if (!s.allowed) throw new RateLimitedError(message, s.resetSeconds);
    return s;
  }

  #sweep(now: number): void {
    for (const [k, w] of this.#windows) if (now - w.start >= w.windowMs) this.#windows.delete(k);
    // Still full (an attack spraying keys): drop the oldest half rather than grow without bound.
    if (this.#windows.size >= this.#maxKeys) {
      let n = Math.floor(this.#maxKeys / 2);
      for (const k of this.#windows.keys()) {
        if (n-- <= 0) break;
        this.#windows.delete(k);
      }
    }
  }
}
