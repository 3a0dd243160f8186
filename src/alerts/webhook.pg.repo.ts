/** WebhookRepository on PostgreSQL; same semantics as webhook.sqlite.repo.ts, named statements. */
import type pg from 'pg';
import { inTransaction } from '../db/postgres.ts';
import { named } from '../db/statements.ts';
import {
  type Attempt,
  type AttemptOutcome,
  type AttemptRow,
  type ClaimedDelivery,
  type ClaimedRow,
  type Delivery,
  type DeliveryRow,
  type FailingRow,
  type NewDelivery,
  settleValues,
  toAttempt,
  toClaimed,
  toDelivery,
  toFailing,
  toWebhook,
  WEBHOOK_SQL,
  type Webhook,
  type WebhookHealth,
  type WebhookRepository,
  type WebhookRow,
} from './webhook.repo.ts';

const S = named('webhooks', WEBHOOK_SQL);

export class PgWebhookRepository implements WebhookRepository {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async add(w: { userId: number; collectionId: number | null; url: string; secret: string; at: string }) {
    const r = await this.#pool.query<WebhookRow>({
      ...S.add,
      values: [w.userId, w.collectionId, w.url, w.secret, w.at],
    });
    return toWebhook(r.rows[0]!);
  }

  async get(id: number): Promise<Webhook | null> {
    const r = await this.#pool.query<WebhookRow>({ ...S.get, values: [id] });
    return r.rows[0] ? toWebhook(r.rows[0]) : null;
  }

  async byUser(userId: number): Promise<Webhook[]> {
    return (await this.#pool.query<WebhookRow>({ ...S.byUser, values: [userId] })).rows.map(toWebhook);
  }

  async remove(id: number, userId: number): Promise<boolean> {
    return ((await this.#pool.query({ ...S.remove, values: [id, userId] })).rowCount ?? 0) > 0;
  }

  async targets(userId: number, paperId: number): Promise<Webhook[]> {
    return (await this.#pool.query<WebhookRow>({ ...S.targets, values: [userId, paperId] })).rows.map(
      toWebhook,
    );
  }

  async enqueue(rows: NewDelivery[]): Promise<number> {
    if (rows.length === 0) return 0;
    return inTransaction(this.#pool, async (c) => {
      let n = 0;
      for (const r of rows)
        n +=
          (
            await c.query({
              ...S.enqueue,
              values: [r.id, r.webhookId, r.eventId, r.eventType, r.payload, r.at],
            })
          ).rowCount ?? 0;
      return n;
    });
  }

  async claim(holder: string, now: string, leaseUntil: string, limit: number): Promise<ClaimedDelivery[]> {
    const r = await this.#pool.query<ClaimedRow>({ ...S.claimPg, values: [holder, leaseUntil, now, limit] });
    return r.rows.map(toClaimed);
  }

  async holders(now: string): Promise<string[]> {
    return (await this.#pool.query<{ claimed_by: string }>({ ...S.holders, values: [now] })).rows.map(
      (r) => r.claimed_by,
    );
  }

  async release(holder: string): Promise<number> {
    return (await this.#pool.query({ ...S.release, values: [holder] })).rowCount ?? 0;
  }

  async record(o: AttemptOutcome): Promise<string | null> {
    return inTransaction(this.#pool, async (c) => {
      // The webhook's row first: two attempts of one webhook settle one after the other, and the
      // drop below (which touches its other deliveries) never waits on a delivery the other holds.
      if (o.webhook === 'ok') await c.query({ ...S.hookOk, values: [o.webhookId] });
      else await c.query({ ...S.hookFailed, values: [o.webhookId, o.at] });
      await c.query({
        ...S.attempt,
        values: [o.deliveryId, o.webhookId, o.attempt, o.at, o.statusCode, o.error, o.durationMs],
      });
      await c.query({ ...S.settle, values: settleValues(o) });
      let disabled: string | null = null;
      if (o.webhook === 'failed' && o.failingBefore && o.failingReason) {
        const r = await c.query({
          ...S.disableStale,
          values: [o.webhookId, o.at, o.failingReason, o.failingBefore],
        });
        if ((r.rowCount ?? 0) > 0) disabled = o.failingReason;
      } else if (typeof o.webhook === 'object') {
        const r = await c.query({ ...S.disable, values: [o.webhookId, o.at, o.webhook.disable] });
        if ((r.rowCount ?? 0) > 0) disabled = o.webhook.disable;
      }
      if (disabled) await c.query({ ...S.drop, values: [o.webhookId] });
      return disabled;
    });
  }

  async attempts(webhookId: number, limit: number): Promise<Attempt[]> {
    return (await this.#pool.query<AttemptRow>({ ...S.attempts, values: [webhookId, limit] })).rows.map(
      toAttempt,
    );
  }

  async deliveries(webhookId: number, limit: number): Promise<Delivery[]> {
    return (await this.#pool.query<DeliveryRow>({ ...S.deliveries, values: [webhookId, limit] })).rows.map(
      toDelivery,
    );
  }

  async pending(): Promise<number> {
    return Number((await this.#pool.query<{ n: string }>(S.pending)).rows[0]!.n);
  }

  async health(limit = 50): Promise<WebhookHealth> {
    const [queued, failing] = await Promise.all([
      this.pending(),
      this.#pool.query<FailingRow>({ ...S.failing, values: [limit] }),
    ]);
    return { queued, failing: failing.rows.map(toFailing) };
  }
}
