/**
 * RateLimitRepository in this process's memory: the embedded store's choice, where one process
 * serves the SQLite file, so a table write per search or login would only add work for its one
 * writer. Bounded: an attack spraying keys cannot grow it past `maxKeys`.
 */
import type { LimitWindow, RateLimitRepository } from './rate-limits.repo.ts';

export class MemoryRateLimits implements RateLimitRepository {
  readonly #maxKeys: number;
  readonly #windows = new Map<string, LimitWindow>();

  constructor(options: { maxKeys?: number } = {}) {
    this.#maxKeys = options.maxKeys ?? 100_000;
  }

  async hit(key: string, now: number, windowMs: number): Promise<LimitWindow> {
    let w = this.#windows.get(key);
    if (!w || now - w.start >= w.windowMs) {
      if (!w && this.#windows.size >= this.#maxKeys) await this.#trim(now);
      w = { start: now, count: 0, windowMs };
      this.#windows.set(key, w);
    }
    w.count++;
    return { ...w };
  }

  async peek(key: string): Promise<LimitWindow | null> {
    const w = this.#windows.get(key);
    return w ? { ...w } : null;
  }

  async sweep(now: number): Promise<void> {
    for (const [k, w] of this.#windows) if (now - w.start >= w.windowMs) this.#windows.delete(k);
  }

  async #trim(now: number): Promise<void> {
    await this.sweep(now);
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
