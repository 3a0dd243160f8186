/**
 * Password hashing: argon2id with OWASP's minimum (m = 19 MiB, t = 2, p = 1), stored as a PHC
 * string. Hashing is deliberately expensive, so at most `maxConcurrent` run at once (a login storm
 * then queues here instead of taking every core from page serving) and at most `maxQueue` wait;
 * past that the caller gets RateLimitedError at once rather than a hanging request.
 */
import { type Algorithm, hash, verify } from '@node-rs/argon2';
import { RateLimitedError } from '../errors.ts';

const ARGON2_OPTIONS = {
  algorithm: 2 as Algorithm, // Argon2id (a const enum in the binding's types)
  memoryCost: 19_456, // KiB = 19 MiB
  timeCost: 2,
  parallelism: 1,
} as const;

/** Longer inputs are refused before hashing: the cost must not be the attacker's to choose. */
export const MAX_PASSWORD_LENGTH = 256;

export interface HasherStats {
  active: number;
  queued: number;
  /** Highest number of hashes that ever ran at the same time. */
  peakActive: number;
  rejected: number;
}

export class PasswordHasher {
  readonly #maxConcurrent: number;
  readonly #maxQueue: number;
  readonly #waiting: (() => void)[] = [];
  readonly stats: HasherStats = { active: 0, queued: 0, peakActive: 0, rejected: 0 };
  /** A real hash of a random password, verified against for unknown accounts so timing matches. */
  #dummy: Promise<string> | null = null;

  constructor(options: { maxConcurrent?: number; maxQueue?: number } = {}) {
    this.#maxConcurrent = Math.max(1, options.maxConcurrent ?? 2);
    this.#maxQueue = Math.max(0, options.maxQueue ?? 64);
  }

  async #slot<T>(fn: () => Promise<T>): Promise<T> {
    if (this.stats.active >= this.#maxConcurrent) {
      if (this.#waiting.length >= this.#maxQueue) {
        this.stats.rejected++;
        throw new RateLimitedError('The server is busy signing people in; try again in a few seconds.', 5);
      }
      this.stats.queued++;
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
      this.stats.queued--;
    }
    this.stats.active++;
    this.stats.peakActive = Math.max(this.stats.peakActive, this.stats.active);
    try {
      return await fn();
    } finally {
      this.stats.active--;
      this.#waiting.shift()?.();
    }
  }

  hash(password: string): Promise<string> {
    return this.#slot(() => hash(password, ARGON2_OPTIONS));
  }

  async verify(phc: string, password: string): Promise<boolean> {
    return this.#slot(async () => {
      try {
        return await verify(phc, password);
      } catch {
        return false; // a malformed stored hash is a failed login, not a crash
      }
    });
  }

  /** Same cost as a real verification, always false: for emails with no account. */
  async verifyNobody(password: string): Promise<false> {
    this.#dummy ??= hash(`dummy-${Math.random()}`, ARGON2_OPTIONS);
    await this.verify(await this.#dummy, password);
    return false;
  }
}
