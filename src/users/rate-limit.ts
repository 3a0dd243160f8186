/**
 * Fixed-window rate limits per key (`login:ip:203.0.113.9`, `login:acct:a@x.org`), counted in a
 * RateLimitRepository: this process's memory on the embedded store, a shared table on PostgreSQL so
 * several instances behind a balancer count together (rate-limits.repo.ts). Durable per-account
 * limits (submissions per day) are counted from their own rows.
 */
import { RateLimitedError } from '../errors.ts';
import { MemoryRateLimits } from './rate-limits.memory.ts';
import type { LimitWindow, RateLimitRepository } from './rate-limits.repo.ts';

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

/** How often ended windows are deleted from a shared table (one statement, off the request path). */
const SWEEP_EVERY_MS = 60_000;

export class RateLimiter {
  readonly #now: () => number;
  readonly #repo: RateLimitRepository;
  #sweptAt: number;

  constructor(options: { now?: () => number; maxKeys?: number; repo?: RateLimitRepository } = {}) {
    this.#now = options.now ?? Date.now;
    this.#repo = options.repo ?? new MemoryRateLimits(options.maxKeys ? { maxKeys: options.maxKeys } : {});
    this.#sweptAt = this.#now();
  }

  async hit(key: string, limit: Limit): Promise<LimitState> {
    const now = this.#now();
    const w = await this.#repo.hit(key, now, limit.windowMs);
    this.#maybeSweep(now);
    return this.#state(w, limit, now, w.count <= limit.max);
  }

  /**
   * The key's state without counting a hit: `allowed` says whether one more hit would be. For
   * limits that count only failures (wrong passwords), checked before and hit after.
   */
  async peek(key: string, limit: Limit): Promise<LimitState> {
    const now = this.#now();
    const w = await this.#repo.peek(key);
    if (!w || now - w.start >= w.windowMs)
      return { allowed: true, count: 0, limit: limit.max, remaining: limit.max, resetSeconds: 0 };
    return this.#state(w, limit, now, w.count < limit.max);
  }

  #state(w: LimitWindow, limit: Limit, now: number, allowed: boolean): LimitState {
    return {
      allowed,
      count: w.count,
      limit: limit.max,
      remaining: Math.max(0, limit.max - w.count),
      resetSeconds: Math.max(1, Math.ceil((w.start + w.windowMs - now) / 1000)),
    };
  }

  /** Counts the hit and throws RateLimitedError when over the limit. */
  async check(
    key: string,
    limit: Limit,
    message = 'Too many requests; slow down and try again shortly.',
  ): Promise<LimitState> {
    const s = await this.hit(key, limit);
    if (!s.allowed) throw new RateLimitedError(message, s.resetSeconds);
    return s;
  }

  #maybeSweep(now: number): void {
    if (now - this.#sweptAt < SWEEP_EVERY_MS) return;
    this.#sweptAt = now;
    // Best effort: an unswept row only takes space, and the next sweep removes it.
    this.#repo.sweep(now).catch(() => {});
  }
}
