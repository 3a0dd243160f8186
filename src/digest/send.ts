/**
 * Draining the outbox: claim a batch under a lease, send each row through the mailer with the
 * subscriber's status read again right before it goes out, and record the result naming our lease.
 *
 * - Sent is recorded right after the server accepts. A crash between the two is the only way a
 *   message goes twice, and the resend carries the same Message-ID (stored with the row).
 * - Transient failures retry after `base · 2^(attempt−1)` (±50 % jitter, capped at an hour) up to
 *   `digestMaxAttempts`; permanent recipient failures fail the row and mark the address bounced.
 * - Server-level failures (refused, 421, timeouts, drops) feed a circuit breaker: after
 *   `digestBreakerFailures` in a row, sending pauses for `digestBreakerPauseMs`, then one probe
 *   message decides whether to resume. Attempts spent while the breaker is open are refunded, so a
 *   long outage delays digests (until they expire at the end of their period) instead of failing them.
 */
import type { Config } from '../config/config.ts';
import { holderIsGone } from '../shared/holder.ts';
import { sleep } from '../shared/sleep.ts';
import { digestHeaders } from './headers.ts';
import { MailError, type Mailer, type MailMessage } from './mail.ts';
import { SentRecorder } from './sent-recorder.ts';
import type { DigestStore } from './store.ts';
import { keyedHash, tokenSecret } from './tokens.ts';
import type { ClaimedRow, OutboxRow, SubscriberStatus, SuppressionReason } from './types.ts';

const MAX_BACKOFF_MS = 3_600_000;
/**
 * How old a claimed batch's subscriber check may be and still stand for the send-time re-check.
 * A batch (4 × pool rows) goes out within tens of milliseconds; a row that waited longer (a slow
 * server) is checked again on its own.
 */
const PRECHECK_MS = 1000;

export function backoffMs(attempt: number, baseMs: number, random: () => number = Math.random): number {
  const d = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(d * (0.5 + random()));
}

/** The mail of an outbox row for its subscriber as they are now (address, unsubscribe link, VERP). */
export function digestMessage(
  config: Parameters<typeof digestHeaders>[0],
  secret: string,
  sub: { id: number; email: string },
  row: Pick<OutboxRow | ClaimedRow, 'subject' | 'text' | 'html' | 'messageId'>,
): MailMessage {
  const { headers, envelopeFrom } = digestHeaders(config, secret, sub);
  return {
    to: sub.email,
    subject: row.subject,
    text: row.text,
    html: row.html,
    messageId: row.messageId,
    headers,
    ...(envelopeFrom ? { envelopeFrom } : {}),
  };
}

export interface SendCounts {
  sent: number;
  failed: number;
  expired: number;
  skipped: number;
  retried: number;
}

export interface SenderOptions {
  store: DigestStore;
  config: Config;
  mailer: Mailer;
  holder: string;
  now?: () => number;
  random?: () => number;
  log?: (msg: string) => void;
}

/** Closed → (failures) → open until `openUntil` → half-open (one probe) → closed | open. */
export class CircuitBreaker {
  #failures = 0;
  #openUntil = 0;
  #probing = false;
  readonly threshold: number;
  readonly pauseMs: number;
  constructor(threshold: number, pauseMs: number) {
    this.threshold = threshold;
    this.pauseMs = pauseMs;
  }
  get openUntil() {
    return this.#openUntil;
  }
  isOpen(now: number): boolean {
    return now < this.#openUntil;
  }
  /** After a pause, the next batch is a single probe. */
  get halfOpen(): boolean {
    return this.#probing;
  }
  success(): void {
    this.#failures = 0;
    this.#probing = false;
  }
  /** Returns true when this failure opened (or re-opened) the breaker. */
  failure(now: number): boolean {
    this.#failures++;
    if (this.#probing || this.#failures >= this.threshold) {
      this.#openUntil = now + this.pauseMs;
      this.#probing = true;
      return true;
    }
    return false;
  }
}

export class DigestSender {
  readonly #o: Required<SenderOptions>;
  readonly breaker: CircuitBreaker;
  readonly counts: SendCounts = { sent: 0, failed: 0, expired: 0, skipped: 0, retried: 0 };
  readonly #recorder: SentRecorder;
  readonly #checked = new Map<
    number,
    { status: SubscriberStatus | null; suppressed: SuppressionReason | null; at: number }
  >();

  constructor(o: SenderOptions) {
    this.#o = { now: Date.now, random: Math.random, log: () => {}, ...o };
    this.breaker = new CircuitBreaker(o.config.digestBreakerFailures, o.config.digestBreakerPauseMs);
    this.#recorder = new SentRecorder({
      repo: o.store.digest,
      holder: o.holder,
      onSent: (n) => {
        this.counts.sent += n;
      },
    });
  }

  /**
   * Sends everything claimable now (optionally one period's rows), waiting out breaker pauses.
   * Returns when nothing is claimable, or when `signal` aborts.
   */
  async drain(o: { period?: string; signal?: AbortSignal } = {}): Promise<SendCounts> {
    const { store, config } = this.#o;
    const pool = config.smtpPoolSize;
    let lastExpiry = 0;
    while (!o.signal?.aborted) {
      const now = this.#o.now();
      if (this.breaker.isOpen(now)) {
        this.#o.log(
          `digest: sending paused until ${new Date(this.breaker.openUntil).toISOString()} (mail server failing)`,
        );
        // An abort ends the wait; the loop's condition then ends the drain.
        await sleep(this.breaker.openUntil - now, o.signal).catch(() => {});
        continue;
      }
      if (now - lastExpiry > 10_000) {
        // Rows a killed sender had claimed are ours at once, not after its lease (a re-run after
        // `kill -9` would otherwise leave them "waiting for a retry").
        const taken = await store.digest.releaseClaimsOfGone(holderIsGone, now);
        if (taken) this.#o.log(`digest: took over ${taken} digests claimed by a sender that is gone`);
        this.counts.expired += await store.digest.expireOverdue(now);
        lastExpiry = now;
      }
      // Workers pull from one queue that is refilled before it runs dry, so no connection idles
      // waiting for a batch's slowest message. A half-open breaker sends a single probe.
      const queue: ClaimedRow[] = [];
      const held = new Set<number>();
      let exhausted = false;
      let claiming: Promise<void> | null = null;
      const refill = () => {
        claiming ??= (async () => {
          const limit = this.breaker.halfOpen ? 1 : pool * 4;
          const rows = await store.digest.claim(
            this.#o.holder,
            this.#o.now(),
            config.digestLeaseMs,
            limit,
            o.period,
          );
          for (const r of rows) held.add(r.id);
          await this.#precheck(rows);
          queue.push(...rows);
          if (rows.length === 0 || this.breaker.halfOpen) exhausted = true;
        })().finally(() => {
          claiming = null;
        });
        return claiming;
      };
      const renew = setInterval(
        () => {
          store.digest
            .renewLeases([...held], this.#o.holder, this.#o.now() + config.digestLeaseMs)
            .catch(() => {});
        },
        Math.max(500, config.digestLeaseMs / 3),
      );
      renew.unref();
      let sentAny = false;
      try {
        await refill();
        await Promise.all(
          Array.from({ length: pool }, async () => {
            while (!o.signal?.aborted && !this.breaker.isOpen(this.#o.now())) {
              this.#recorder.check();
              if (queue.length < pool && !exhausted) void refill();
              const row = queue.shift();
              if (!row) {
                if (exhausted && !claiming) return;
                await (claiming ?? refill());
                continue;
              }
              sentAny = true;
              // Held (its lease renewed) until its outcome is written, which for "sent" is a moment later.
              await this.#sendOne(row, () => held.delete(row.id));
            }
          }),
        );
        await this.#recorder.flush();
        await claiming;
        // Rows claimed but not attempted (breaker opened, or stopped): back to pending, attempt refunded.
        for (const row of queue) {
          await store.digest.retryLater(
            row.id,
            this.#o.holder,
            Math.max(this.#o.now(), this.breaker.openUntil),
            'sending paused',
            true,
          );
        }
      } finally {
        // Accepted messages are recorded even when this pass fails, so they are not sent twice.
        await this.#recorder.flush().catch(() => {});
        clearInterval(renew);
      }
      if (!sentAny && exhausted) break;
    }
    return this.counts;
  }

  /** The send-time re-check for a freshly claimed batch, in two reads instead of one per row. */
  async #precheck(rows: ClaimedRow[]): Promise<void> {
    if (rows.length < 2) return;
    const secret = await tokenSecret(this.#o.config, this.#o.store.digest);
    const at = this.#o.now();
    const checks = await this.#o.store.digest.sendableMany(
      rows.map((r) => ({ id: r.subscriberId, emailHash: keyedHash(secret, 'email', r.email) })),
    );
    for (const r of rows) {
      const c = checks.get(r.subscriberId);
      if (c) this.#checked.set(r.id, { ...c, at });
    }
  }

  async #sendOne(row: ClaimedRow, release: () => void): Promise<void> {
    let recording = false;
    try {
      recording = await this.#attempt(row, release);
    } finally {
      if (!recording) release();
    }
  }

  /** True when the server accepted the message and its mark is queued with the recorder. */
  async #attempt(row: ClaimedRow, release: () => void): Promise<boolean> {
    const { store, config, mailer, holder } = this.#o;
    const repo = store.digest;
    const now = this.#o.now();
    if (now >= row.expiresAt) {
      if (await repo.finish(row.id, holder, 'expired', 'period ended before it could be sent'))
        this.counts.expired++;
      return false;
    }
    // Re-read at send time: an unsubscribe (or bounce) that landed after planning wins. The
    // batch's check at claim time counts when it is under PRECHECK_MS old.
    const secret = await tokenSecret(config, repo);
    const sub = { id: row.subscriberId, email: row.email };
    const pre = this.#checked.get(row.id);
    this.#checked.delete(row.id);
    const current =
      pre && this.#o.now() - pre.at < PRECHECK_MS
        ? pre
        : await repo.sendable(sub.id, keyedHash(secret, 'email', sub.email));
    if (current.status !== 'confirmed') {
      if (await repo.finish(row.id, holder, 'skipped', `subscriber is ${current.status ?? 'gone'}`))
        this.counts.skipped++;
      return false;
    }
    if (current.suppressed) {
      if (await repo.finish(row.id, holder, 'skipped', 'address is suppressed')) this.counts.skipped++;
      return false;
    }
    if (this.breaker.isOpen(now)) {
      await repo.retryLater(
        row.id,
        holder,
        this.breaker.openUntil,
        'sending paused: mail server failing',
        true,
      );
      return false;
    }
    try {
      await mailer.send(digestMessage(config, secret, sub, row));
    } catch (err) {
      await this.#failed(row, sub.id, err);
      return false;
    }
    this.breaker.success();
    await this.#recorder.add(row.id, this.#o.now(), release);
    return true;
  }

  async #failed(row: ClaimedRow, subscriberId: number, err: unknown): Promise<void> {
    const { store, config, holder } = this.#o;
    const repo = store.digest;
    const now = this.#o.now();
    const e = err instanceof MailError ? err : null;
    const message = `${e?.responseCode ?? ''} ${(err as Error).message}`.trim();
    if (e?.scope === 'server') {
      // The server, not this message: count toward the breaker; while it is open, refund the attempt.
      const opened = this.breaker.failure(now);
      const refund = opened || this.breaker.isOpen(now);
      if (!refund && row.attempts >= config.digestMaxAttempts) {
        if (await repo.finish(row.id, holder, 'failed', message)) this.counts.failed++;
        return;
      }
      const at = Math.max(
        this.breaker.openUntil,
        now + backoffMs(row.attempts, config.digestRetryBaseMs, this.#o.random),
      );
      await repo.retryLater(row.id, holder, at, message, refund);
      this.counts.retried++;
      return;
    }
    if (e && !e.permanent) {
      if (row.attempts >= config.digestMaxAttempts) {
        if (await repo.finish(row.id, holder, 'failed', `gave up after ${row.attempts} attempts: ${message}`))
          this.counts.failed++;
        return;
      }
      await repo.retryLater(
        row.id,
        holder,
        now + backoffMs(row.attempts, config.digestRetryBaseMs, this.#o.random),
        message,
        false,
      );
      this.counts.retried++;
      return;
    }
    // Permanent: this message will never go through as it is.
    if (await repo.finish(row.id, holder, 'failed', message)) this.counts.failed++;
    if (e?.scope === 'recipient') {
      await repo.setStatus(subscriberId, 'bounced', now);
      await repo.logBounce(
        subscriberId,
        'hard',
        e.enhancedCode ?? String(e.responseCode ?? ''),
        `SMTP: ${message}`,
        now,
      );
      const sub = await repo.subscriber(subscriberId);
      if (sub)
        await repo.suppress(keyedHash(await tokenSecret(config, repo), 'email', sub.email), 'bounced', now);
      this.#o.log(`digest: address of subscriber ${subscriberId} bounced (${message}); suppressed`);
    }
  }
}
