/**
 * A real mailer (made on first use) that keeps the sends it has started, so a test can wait until
 * every mail the app chose to send has been delivered or failed, instead of sleeping and hoping.
 * Pass it as `siteOptions.mailer` to startApp (test/support/app.ts).
 */
import type { Mailer, MailMessage, SendResult } from '../../src/digest/mail.ts';

export class TrackedMailer implements Mailer {
  readonly #make: () => Mailer;
  #inner: Mailer | null = null;
  readonly #pending = new Set<Promise<unknown>>();
  /** Sends started so far. */
  started = 0;

  constructor(make: () => Mailer) {
    this.#make = make;
  }

  get kind(): Mailer['kind'] {
    return this.#mailer().kind;
  }

  send(m: MailMessage): Promise<SendResult> {
    this.started++;
    const sending = this.#mailer().send(m);
    const settled = sending.then(
      () => {},
      () => {},
    );
    this.#pending.add(settled);
    void settled.then(() => this.#pending.delete(settled));
    return sending;
  }

  /** Resolves once every send started so far (and any they start) has finished. */
  async idle(): Promise<void> {
    while (this.#pending.size > 0) await Promise.all(this.#pending);
  }

  verify(): Promise<void> {
    return this.#mailer().verify();
  }

  async close(): Promise<void> {
    await this.idle();
    await this.#inner?.close();
  }

  #mailer(): Mailer {
    this.#inner ??= this.#make();
    return this.#inner;
  }
}
