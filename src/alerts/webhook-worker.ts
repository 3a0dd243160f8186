/**
 * The webhook delivery worker (issue 15 item 2). At least once: a delivery is claimed under a
 * lease, sent, and only then settled; a worker killed in between leaves the claim to lapse (or to
 * be taken over at once when its holder is provably gone, src/shared/holder.ts), so the delivery
 * is sent again with the same `webhook-id`, which receivers de-duplicate on.
 *
 * Retry schedule (README "Alert webhooks"): after a network error, a timeout, a 5xx or a 429, the
 * next attempt waits RETRY_DELAYS_MS[n] after attempt n+1 — 5 s, 5 min, 30 min, 2 h, 5 h, 10 h,
 * 6 h — or longer when the answer's Retry-After asks; eight attempts over ~23.6 h, then the
 * delivery is failed. Any other answer outside 2xx fails the delivery at once (a redirect is not
 * followed). 410 Gone disables the webhook; so does a run of failures that has lasted a day. A
 * disabled webhook's pending deliveries are dropped, and /alerts/webhooks shows the reason.
 */
import type { BlockList } from 'node:net';
import { iso } from '../db/statements.ts';
import { holderIsGone, newHolderId } from '../shared/holder.ts';
import type { AlertEvent } from './events.ts';
import type { AttemptOutcome, ClaimedDelivery, NewDelivery, WebhookRepository } from './webhook.repo.ts';
import { eventBody, newDeliveryId } from './webhook-body.ts';
import { type SendResult, sendWebhook } from './webhook-send.ts';
import { webhookHeaders } from './webhook-sign.ts';
import { type Resolve, resolveTarget } from './webhook-ssrf.ts';

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
/** Wait before attempt n+2 after attempt n+1 failed retryably. */
export const RETRY_DELAYS_MS = [5 * S, 5 * MIN, 30 * MIN, 2 * H, 5 * H, 10 * H, 6 * H] as const;
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;
/** A webhook whose every attempt has failed for this long is disabled. */
export const DISABLE_AFTER_MS = 24 * H;
/** A Retry-After longer than this is read as this (a receiver cannot park a delivery past its day). */
const MAX_RETRY_AFTER_MS = 10 * H;

export interface WorkerOptions {
  repo: WebhookRepository;
  allow: BlockList;
  userAgent: string;
  /** Milliseconds since the epoch; tests move it instead of sleeping. */
  clock?: () => number;
  leaseMs?: number;
  batch?: number;
  timeoutMs?: number;
  capBytes?: number;
  pollMs?: number;
  resolve?: Resolve;
  log?: (line: string) => void;
}

/** What the attempt's result means for the delivery and its webhook. */
export function outcomeOf(d: ClaimedDelivery, r: SendResult, nowMs: number, holder: string): AttemptOutcome {
  const attempt = d.attempts + 1;
  const base = {
    deliveryId: d.id,
    webhookId: d.webhookId,
    attempt,
    at: iso(nowMs),
    statusCode: r.status,
    error: r.error,
    durationMs: r.durationMs,
    holder,
  };
  const s = r.status;
  if (s !== null && s >= 200 && s < 300) return { ...base, next: { status: 'delivered' }, webhook: 'ok' };
  if (s === 410)
    return {
      ...base,
      next: { status: 'failed' },
      webhook: { disable: `the receiver answered 410 Gone at ${iso(nowMs)}` },
    };
  const failing = {
    webhook: 'failed' as const,
    failingBefore: iso(nowMs - DISABLE_AFTER_MS),
    failingReason: `every attempt failed for a day (last: ${s !== null ? `HTTP ${s}` : (r.error ?? 'no answer')})`,
  };
  const retryable = s === null || s >= 500 || s === 429;
  if (!retryable || attempt >= MAX_ATTEMPTS) return { ...base, ...failing, next: { status: 'failed' } };
  const wait = Math.max(
    RETRY_DELAYS_MS[attempt - 1]!,
    Math.min((r.retryAfterS ?? 0) * S, MAX_RETRY_AFTER_MS),
  );
  return { ...base, ...failing, next: { status: 'pending', at: iso(nowMs + wait) } };
}

export class WebhookWorker {
  readonly holder = newHolderId();
  readonly #o: Required<Omit<WorkerOptions, 'resolve' | 'log'>> & Pick<WorkerOptions, 'resolve' | 'log'>;
  #running = false;
  #loop: Promise<void> | null = null;
  #wake: (() => void) | null = null;
  #woken = false;
  #lastTakeover = Number.NEGATIVE_INFINITY;

  constructor(o: WorkerOptions) {
    this.#o = {
      clock: Date.now,
      leaseMs: 60_000,
      batch: 50,
      timeoutMs: 10_000,
      capBytes: 64 * 1024,
      pollMs: 1000,
      ...o,
    };
  }

  /** Claims one batch of due deliveries, sends them in parallel, records each; returns how many. */
  async runOnce(): Promise<number> {
    const o = this.#o;
    const now = o.clock();
    await this.#takeOverGone(now);
    const batch = await o.repo.claim(this.holder, iso(now), iso(now + o.leaseMs), o.batch);
    await Promise.all(batch.map((d) => this.#deliver(d)));
    return batch.length;
  }

  /** Runs batches until nothing is due. */
  async drain(): Promise<number> {
    let n = 0;
    for (let k = await this.runOnce(); k > 0; k = await this.runOnce()) n += k;
    return n;
  }

  async #takeOverGone(now: number): Promise<void> {
    if (now - this.#lastTakeover < 2000) return;
    this.#lastTakeover = now;
    for (const h of await this.#o.repo.holders(iso(now)))
      if (h !== this.holder && holderIsGone(h)) await this.#o.repo.release(h);
  }

  async #deliver(d: ClaimedDelivery): Promise<void> {
    const o = this.#o;
    let result: SendResult;
    try {
      const target = await resolveTarget(d.url, o.allow, o.resolve);
      const ts = Math.floor(o.clock() / 1000);
      result = await sendWebhook(target, d.payload, webhookHeaders(d.secret, d.id, ts, d.payload), o);
    } catch (err) {
      result = { status: null, error: (err as Error).message, retryAfterS: null, durationMs: 0 };
    }
    const outcome = outcomeOf(d, result, o.clock(), this.holder);
    const disabled = await o.repo.record(outcome);
    if (disabled) o.log?.(`webhook ${d.webhookId} disabled: ${disabled}`);
  }

  /** Delivers in the background: a batch, then the next, waiting `pollMs` (or a wake) when idle. */
  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#loop = (async () => {
      while (this.#running) {
        let n = 0;
        try {
          n = await this.runOnce();
        } catch (err) {
          this.#o.log?.(`webhook worker: ${(err as Error).message}`);
        }
        if (n > 0 || !this.#running) continue;
        if (this.#woken) {
          this.#woken = false;
          continue;
        }
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, this.#o.pollMs);
          t.unref();
          this.#wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        this.#wake = null;
        this.#woken = false;
      }
    })();
  }

  /** New deliveries are queued: look now instead of at the next poll. */
  wake(): void {
    this.#woken = true;
    this.#wake?.();
  }

  async stop(): Promise<void> {
    this.#running = false;
    this.#wake?.();
    await this.#loop;
  }
}

/**
 * Queues given events for every enabled webhook of their reader that takes them. The event
 * computation does not use it: its transaction queues the deliveries with the events
 * (alerts.*.repo.ts `record`), so no crash can fall between the two. This is for events made
 * elsewhere (the crash test's synthetic ones).
 */
export function webhookSink(
  repo: WebhookRepository,
  worker?: { wake(): void },
  clock: () => number = Date.now,
): { enqueue(events: AlertEvent[]): Promise<void> } {
  return {
    async enqueue(events) {
      const rows: NewDelivery[] = [];
      for (const e of events)
        for (const w of await repo.targets(e.userId, e.paperId)) {
          const id = newDeliveryId();
          rows.push({
            id,
            webhookId: w.id,
            eventId: e.id,
            eventType: e.type,
            payload: eventBody(id, e),
            at: iso(clock()),
          });
        }
      if ((await repo.enqueue(rows)) > 0) worker?.wake();
    },
  };
}
