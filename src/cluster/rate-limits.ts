/**
 * Rate-limit windows for `serve` with several workers on SQLite (primary.ts): the embedded store
 * keeps them in memory (users/rate-limits.memory.ts), which per worker would allow N× the guesses;
 * here every worker asks the primary, which holds the one MemoryRateLimits. A question over the
 * IPC channel costs tens of microseconds, against a table write per search or login.
 */
import type { LimitWindow, RateLimitRepository } from '../users/rate-limits.repo.ts';
import type { IpcPeer } from './ipc.ts';

export class ClusterRateLimits implements RateLimitRepository {
  readonly #primary: IpcPeer;

  constructor(primary: IpcPeer) {
    this.#primary = primary;
  }

  async hit(key: string, now: number, windowMs: number): Promise<LimitWindow> {
    return (await this.#primary.ask('rateLimits.hit', key, now, windowMs)) as LimitWindow;
  }

  async peek(key: string): Promise<LimitWindow | null> {
    return (await this.#primary.ask('rateLimits.peek', key)) as LimitWindow | null;
  }

  async sweep(now: number): Promise<void> {
    await this.#primary.ask('rateLimits.sweep', now);
  }
}

/** The primary's side: answers the workers' questions from one in-memory store. */
export function answerRateLimits(peer: IpcPeer, limits: RateLimitRepository): void {
  peer.handle('rateLimits.hit', (key: string, now: number, windowMs: number) =>
    limits.hit(key, now, windowMs),
  );
  peer.handle('rateLimits.peek', (key: string) => limits.peek(key));
  peer.handle('rateLimits.sweep', (now: number) => limits.sweep(now));
}
