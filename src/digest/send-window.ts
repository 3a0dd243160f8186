/**
 * At most `limit` messages per `windowMs` across a whole connection pool, as the server counts
 * them. nodemailer's pooled `rateLimit` checks its counter only when a connection frees up, so
 * every new connection of the pool sent at once (issue 12: at 2/s with 5 connections, 5 mails
 * within 1 ms), and a pool of 2 at 1/s sent 2 a second.
 *
 * The server accepts a message somewhere between our start of the send and our seeing its reply.
 * So a send may start only while fewer than `limit` sends are in flight or finished within the
 * last window: for any `windowMs` span of acceptances, the last of them to start would have seen
 * every other one in flight or finished less than a window before, so at most `limit` fit.
 */
export class SendWindow {
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  #inFlight = 0;
  /** End times of recent sends, oldest first. */
  readonly #ended: number[] = [];
  readonly #waiting: (() => void)[] = [];
  #timer: NodeJS.Timeout | null = null;

  constructor(limit: number, windowMs = 1000, now: () => number = () => performance.now()) {
    this.#limit = limit;
    this.#windowMs = windowMs;
    this.#now = now;
  }

  /** Runs `send` when the window has room; the slot counts until `windowMs` after it settles. */
  async run<T>(send: () => Promise<T>): Promise<T> {
    await new Promise<void>((resolve) => {
      this.#waiting.push(resolve);
      this.#pump();
    });
    try {
      return await send();
    } finally {
      this.#inFlight--;
      this.#ended.push(this.#now());
      this.#pump();
    }
  }

  #pump(): void {
    while (this.#waiting.length > 0) {
      const now = this.#now();
      while (this.#ended.length > 0 && now - this.#ended[0]! >= this.#windowMs) this.#ended.shift();
      if (this.#inFlight + this.#ended.length < this.#limit) {
        this.#inFlight++;
        this.#waiting.shift()!();
        continue;
      }
      // Full: room comes when the oldest finished send leaves the window, or a send in flight ends.
      if (this.#ended.length > 0 && !this.#timer) {
        this.#timer = setTimeout(
          () => {
            this.#timer = null;
            this.#pump();
          },
          Math.max(1, Math.ceil(this.#ended[0]! + this.#windowMs - now)),
        );
      }
      return;
    }
  }

  /** Frees the timer (a closed mailer must not keep the process alive); waiting sends go on and fail. */
  close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    for (const go of this.#waiting.splice(0)) {
      this.#inFlight++;
      go();
    }
  }
}
