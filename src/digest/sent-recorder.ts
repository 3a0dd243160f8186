/**
 * Recording "sent" for accepted messages a few at a time. On SQLite one commit per message cost
 * more than the UPDATE itself (and, with the status re-read, as much as a tenth of a message's
 * sending time); a commit every `maxDelayMs` (or `maxRows` messages) makes it negligible.
 *
 * What it trades: a sender killed with marks not yet written leaves those rows `sending`; when
 * their lease lapses the next sender sends them again, with the same Message-ID. So a duplicate
 * after `kill -9` stays limited to messages the server accepted in the last `maxDelayMs` before
 * the kill. Until its mark is written a row stays in the sender's renewed leases, so no other
 * sender can take it over in the meantime.
 */
import type { DigestRepository } from './digest.repo.ts';

interface Mark {
  id: number;
  at: number;
  release: () => void;
}

export class SentRecorder {
  readonly #repo: DigestRepository;
  readonly #holder: string;
  readonly #onSent: (n: number) => void;
  readonly #maxRows: number;
  readonly #maxDelayMs: number;
  #pending: Mark[] = [];
  #timer: NodeJS.Timeout | null = null;
  /** A failure of a timer-started write, rethrown to the sender by `check()`. */
  #error: unknown = null;

  constructor(o: {
    repo: DigestRepository;
    holder: string;
    onSent: (n: number) => void;
    maxRows?: number;
    maxDelayMs?: number;
  }) {
    this.#repo = o.repo;
    this.#holder = o.holder;
    this.#onSent = o.onSent;
    this.#maxRows = o.maxRows ?? 50;
    this.#maxDelayMs = o.maxDelayMs ?? 25;
  }

  /** The server accepted row `id` at `at`; `release` runs once its mark is written (or failed). */
  async add(id: number, at: number, release: () => void): Promise<void> {
    this.#pending.push({ id, at, release });
    if (this.#pending.length >= this.#maxRows) return this.flush();
    this.#timer ??= setTimeout(() => {
      this.flush().catch((err: unknown) => {
        this.#error ??= err;
      });
    }, this.#maxDelayMs);
  }

  /** Writes every pending mark in one transaction. */
  async flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const marks = this.#pending.splice(0);
    if (marks.length === 0) return;
    try {
      const ours = await this.#repo.markSentMany(marks, this.#holder);
      this.#onSent(ours.filter(Boolean).length);
    } finally {
      for (const m of marks) m.release();
    }
  }

  /** Throws what a background write failed with, once. */
  check(): void {
    const err = this.#error;
    if (err === null) return;
    this.#error = null;
    throw err;
  }
}
