/** WebhookRepository on SQLite: statements prepared once; writes of one call are one transaction. */
import type { DatabaseSync } from 'node:sqlite';
import { changes, sqliteText, sqliteTransaction } from '../db/statements.ts';
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
  WEBHOOK_SQL as SQL,
  settleValues,
  toAttempt,
  toClaimed,
  toDelivery,
  toFailing,
  toWebhook,
  type Webhook,
  type WebhookHealth,
  type WebhookRepository,
  type WebhookRow,
} from './webhook.repo.ts';

function statements(db: DatabaseSync) {
  const p = (sql: string) => db.prepare(sqliteText(sql));
  return {
    add: p(SQL.add),
    get: p(SQL.get),
    byUser: p(SQL.byUser),
    remove: p(SQL.remove),
    targets: p(SQL.targets),
    enqueue: p(SQL.enqueue),
    claim: p(SQL.claimSqlite),
    anyDue: p(SQL.anyDue),
    claimed: p(SQL.claimed),
    holders: p(SQL.holders),
    release: p(SQL.release),
    attempt: p(SQL.attempt),
    settle: p(SQL.settle),
    hookOk: p(SQL.hookOk),
    hookFailed: p(SQL.hookFailed),
    disable: p(SQL.disable),
    disableStale: p(SQL.disableStale),
    drop: p(SQL.drop),
    attempts: p(SQL.attempts),
    deliveries: p(SQL.deliveries),
    pending: p(SQL.pending),
    failing: p(SQL.failing),
  };
}

export class SqliteWebhookRepository implements WebhookRepository {
  readonly #db: DatabaseSync;
  readonly #s: ReturnType<typeof statements>;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#s = statements(db);
  }

  async add(w: { userId: number; collectionId: number | null; url: string; secret: string; at: string }) {
    return toWebhook(
      this.#s.add.get(w.userId, w.collectionId, w.url, w.secret, w.at) as unknown as WebhookRow,
    );
  }

  async get(id: number): Promise<Webhook | null> {
    const r = this.#s.get.get(id) as unknown as WebhookRow | undefined;
    return r ? toWebhook(r) : null;
  }

  async byUser(userId: number): Promise<Webhook[]> {
    return (this.#s.byUser.all(userId) as unknown as WebhookRow[]).map(toWebhook);
  }

  async remove(id: number, userId: number): Promise<boolean> {
    return changes(this.#s.remove.run(id, userId)) > 0;
  }

  async targets(userId: number, paperId: number): Promise<Webhook[]> {
    return (this.#s.targets.all(userId, paperId) as unknown as WebhookRow[]).map(toWebhook);
  }

  async enqueue(rows: NewDelivery[]): Promise<number> {
    if (rows.length === 0) return 0;
    return sqliteTransaction(this.#db, () => {
      let n = 0;
      for (const r of rows)
        n += changes(this.#s.enqueue.run(r.id, r.webhookId, r.eventId, r.eventType, r.payload, r.at));
      return n;
    });
  }

  async claim(holder: string, now: string, leaseUntil: string, limit: number): Promise<ClaimedDelivery[]> {
    // The serving process polls every second: BEGIN IMMEDIATE each time would contend with
    // every other writer of the file (an import, a second server) for nothing.
    if (this.#s.anyDue.get(now) === undefined) return [];
    return sqliteTransaction(this.#db, () => {
      this.#s.claim.run(holder, leaseUntil, now, limit);
      return (this.#s.claimed.all(holder, leaseUntil) as unknown as ClaimedRow[]).map(toClaimed);
    });
  }

  async holders(now: string): Promise<string[]> {
    return (this.#s.holders.all(now) as { claimed_by: string }[]).map((r) => r.claimed_by);
  }

  async release(holder: string): Promise<number> {
    return changes(this.#s.release.run(holder));
  }

  async record(o: AttemptOutcome): Promise<string | null> {
    return sqliteTransaction(this.#db, () => {
      // Same order as webhook.pg.repo.ts (there it avoids a deadlock; here one writer at a time).
      if (o.webhook === 'ok') this.#s.hookOk.run(o.webhookId);
      else this.#s.hookFailed.run(o.webhookId, o.at);
      this.#s.attempt.run(o.deliveryId, o.webhookId, o.attempt, o.at, o.statusCode, o.error, o.durationMs);
      this.#s.settle.run(...settleValues(o));
      let disabled: string | null = null;
      if (o.webhook === 'failed' && o.failingBefore && o.failingReason) {
        if (changes(this.#s.disableStale.run(o.webhookId, o.at, o.failingReason, o.failingBefore)) > 0)
          disabled = o.failingReason;
      } else if (typeof o.webhook === 'object') {
        if (changes(this.#s.disable.run(o.webhookId, o.at, o.webhook.disable)) > 0)
          disabled = o.webhook.disable;
      }
      if (disabled) this.#s.drop.run(o.webhookId);
      return disabled;
    });
  }

  async attempts(webhookId: number, limit: number): Promise<Attempt[]> {
    return (this.#s.attempts.all(webhookId, limit) as unknown as AttemptRow[]).map(toAttempt);
  }

  async deliveries(webhookId: number, limit: number): Promise<Delivery[]> {
    return (this.#s.deliveries.all(webhookId, limit) as unknown as DeliveryRow[]).map(toDelivery);
  }

  async pending(): Promise<number> {
    return Number((this.#s.pending.get() as { n: number }).n);
  }

  async health(limit = 50): Promise<WebhookHealth> {
    return {
      queued: await this.pending(),
      failing: (this.#s.failing.all(limit) as unknown as FailingRow[]).map(toFailing),
    };
  }
}
