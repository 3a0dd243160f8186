/**
 * Alert webhooks' storage (issue 15 item 2, migration 016): webhooks, their delivery queue with
 * claims under a lease, and every attempt. One class per dialect (webhook.sqlite.repo.ts,
 * webhook.pg.repo.ts) over the SQL below, which both run unchanged except the claim (PostgreSQL
 * skips rows another worker is claiming: `FOR UPDATE SKIP LOCKED`).
 */
import type { AlertEventType } from './events.ts';

/** What a delivery carries: an alert event, or the page's "send test event". */
export type DeliveryType = AlertEventType | 'webhook.test';

export interface Webhook {
  id: number;
  userId: number;
  /** Events only about papers in this collection; null: every event of the reader's alerts. */
  collectionId: number | null;
  url: string;
  secret: string;
  createdAt: string;
  disabledAt: string | null;
  disabledReason: string | null;
  /** Failed attempts since the last success, and when that run of failures began. */
  failures: number;
  failingSince: string | null;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'dropped';

export interface Delivery {
  id: string;
  webhookId: number;
  eventId: number | null;
  eventType: DeliveryType;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: string;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
}

export interface NewDelivery {
  id: string;
  webhookId: number;
  eventId: number | null;
  eventType: DeliveryType;
  payload: string;
  at: string;
}

/** A due delivery a worker holds until `lease_until`, with what sending it needs. */
export interface ClaimedDelivery {
  id: string;
  webhookId: number;
  payload: string;
  /** Attempts made before this one. */
  attempts: number;
  url: string;
  secret: string;
}

export interface Attempt {
  deliveryId: string;
  webhookId: number;
  attempt: number;
  at: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/** What one attempt did: the row for the log, the delivery's next state, the webhook's. */
export interface AttemptOutcome extends Attempt {
  holder: string;
  next: { status: 'delivered' } | { status: 'failed' } | { status: 'pending'; at: string };
  /** ok: resets the failure run; failed: extends it; a string: disable the webhook with this reason. */
  webhook: 'ok' | 'failed' | { disable: string };
  /** With 'failed': disable when the run of failures began at or before this instant. */
  failingBefore?: string;
  failingReason?: string;
}

export interface WebhookRepository {
  add(w: {
    userId: number;
    collectionId: number | null;
    url: string;
    secret: string;
    at: string;
  }): Promise<Webhook>;
  get(id: number): Promise<Webhook | null>;
  byUser(userId: number): Promise<Webhook[]>;
  /** Deletes the reader's webhook with its queue and attempts; false when it is not theirs. */
  remove(id: number, userId: number): Promise<boolean>;
  /** The reader's enabled webhooks that take an event about `paperId`. */
  targets(userId: number, paperId: number): Promise<Webhook[]>;
  /** Queues deliveries; a (webhook, event) already queued is skipped. Returns how many were new. */
  enqueue(rows: NewDelivery[]): Promise<number>;
  /** Claims up to `limit` due deliveries of enabled webhooks for `holder` until `leaseUntil`. */
  claim(holder: string, now: string, leaseUntil: string, limit: number): Promise<ClaimedDelivery[]>;
  /** Holders with live claims (to take over those of a holder provably gone). */
  holders(now: string): Promise<string[]>;
  /** Gives up every pending claim of `holder`; returns how many. */
  release(holder: string): Promise<number>;
  /** Records an attempt and applies its outcome, in one transaction; returns the reason when the webhook got disabled. */
  record(o: AttemptOutcome): Promise<string | null>;
  attempts(webhookId: number, limit: number): Promise<Attempt[]>;
  deliveries(webhookId: number, limit: number): Promise<Delivery[]>;
  /** Pending deliveries of enabled webhooks (queue depth). */
  pending(): Promise<number>;
  /** For /admin/alerts: the queue depth and webhooks failing or disabled, most failures first. */
  health(limit?: number): Promise<WebhookHealth>;
}

/** The operator's view of webhooks (the shape /admin/alerts reads through its `WebhookStatus`). */
export interface WebhookHealth {
  /** Deliveries waiting or being retried. */
  queued: number;
  failing: { owner: string; url: string; failures: number; lastError: string | null }[];
}

const COLS = `id, user_id, collection_id, url, secret, created_at, disabled_at, disabled_reason, failures, failing_since`;
const DCOLS = `id, webhook_id, event_id, event_type, status, attempts, next_attempt_at, last_status, last_error, created_at`;
const DUE = `SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
  WHERE d.status = 'pending' AND d.next_attempt_at <= $3 AND (d.lease_until IS NULL OR d.lease_until <= $3)
    AND w.disabled_at IS NULL
  ORDER BY d.next_attempt_at LIMIT $4`;

/** `$n` placeholders; SQLite prepares them through db/statements.ts `sqliteText`. */
export const WEBHOOK_SQL = {
  add: `INSERT INTO webhooks (user_id, collection_id, url, secret, created_at) VALUES ($1, $2, $3, $4, $5)
    RETURNING ${COLS}`,
  get: `SELECT ${COLS} FROM webhooks WHERE id = $1`,
  byUser: `SELECT ${COLS} FROM webhooks WHERE user_id = $1 ORDER BY id`,
  remove: 'DELETE FROM webhooks WHERE id = $1 AND user_id = $2',
  targets: `SELECT ${COLS} FROM webhooks w WHERE w.user_id = $1 AND w.disabled_at IS NULL
    AND (w.collection_id IS NULL OR EXISTS (SELECT 1 FROM collection_papers cp
      WHERE cp.collection_id = w.collection_id AND cp.paper_id = $2))
    ORDER BY w.id`,
  enqueue: `INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_type, payload, next_attempt_at, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (webhook_id, event_id) DO NOTHING`,
  claimSqlite: `UPDATE webhook_deliveries SET claimed_by = $1, lease_until = $2 WHERE id IN (${DUE})`,
  /** Is anything due ($3 as in DUE)? Read without the write lock, so an idle poll never takes it. */
  anyDue: `SELECT 1 FROM webhook_deliveries
    WHERE status = 'pending' AND next_attempt_at <= $1 AND (lease_until IS NULL OR lease_until <= $1) LIMIT 1`,
  claimed: `SELECT d.id, d.webhook_id, d.payload, d.attempts, w.url, w.secret
    FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
    WHERE d.claimed_by = $1 AND d.lease_until = $2 AND d.status = 'pending' ORDER BY d.next_attempt_at`,
  claimPg: `WITH c AS (UPDATE webhook_deliveries SET claimed_by = $1, lease_until = $2
      WHERE id IN (${DUE} FOR UPDATE OF d SKIP LOCKED)
      RETURNING id, webhook_id, payload, attempts)
    SELECT c.id, c.webhook_id, c.payload, c.attempts, w.url, w.secret FROM c JOIN webhooks w ON w.id = c.webhook_id`,
  holders: `SELECT DISTINCT claimed_by FROM webhook_deliveries
    WHERE status = 'pending' AND claimed_by IS NOT NULL AND lease_until > $1`,
  release: `UPDATE webhook_deliveries SET claimed_by = NULL, lease_until = NULL
    WHERE claimed_by = $1 AND status = 'pending'`,
  attempt: `INSERT INTO webhook_attempts (delivery_id, webhook_id, attempt, at, status_code, error, duration_ms)
    VALUES ($1, $2, $3, $4, $5, $6, $7)`,
  settle: `UPDATE webhook_deliveries SET status = $3, attempts = $4, next_attempt_at = $5, last_status = $6,
      last_error = $7, claimed_by = NULL, lease_until = NULL
    WHERE id = $1 AND claimed_by = $2 AND status = 'pending'`,
  hookOk: 'UPDATE webhooks SET failures = 0, failing_since = NULL WHERE id = $1',
  hookFailed: `UPDATE webhooks SET failures = failures + 1, failing_since = COALESCE(failing_since, $2)
    WHERE id = $1`,
  disable: `UPDATE webhooks SET disabled_at = $2, disabled_reason = $3 WHERE id = $1 AND disabled_at IS NULL`,
  disableStale: `UPDATE webhooks SET disabled_at = $2, disabled_reason = $3
    WHERE id = $1 AND disabled_at IS NULL AND failing_since <= $4`,
  drop: `UPDATE webhook_deliveries SET status = 'dropped', claimed_by = NULL, lease_until = NULL
    WHERE webhook_id = $1 AND status = 'pending'`,
  attempts: `SELECT delivery_id, webhook_id, attempt, at, status_code, error, duration_ms FROM webhook_attempts
    WHERE webhook_id = $1 ORDER BY id DESC LIMIT $2`,
  deliveries: `SELECT ${DCOLS} FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY created_at DESC, id LIMIT $2`,
  pending: `SELECT COUNT(*) AS n FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
    WHERE d.status = 'pending' AND w.disabled_at IS NULL`,
  failing: `SELECT u.name AS owner, w.url, w.failures,
      COALESCE('disabled: ' || w.disabled_reason, (SELECT COALESCE(a.error, 'HTTP ' || a.status_code)
        FROM webhook_attempts a WHERE a.webhook_id = w.id ORDER BY a.id DESC LIMIT 1)) AS last_error
    FROM webhooks w JOIN users u ON u.id = w.user_id
    WHERE w.failures > 0 OR w.disabled_at IS NOT NULL
    ORDER BY w.disabled_at IS NULL, w.failures DESC, w.id LIMIT $1`,
} as const;

export interface FailingRow {
  owner: string;
  url: string;
  failures: Id;
  last_error: string | null;
}

export const toFailing = (r: FailingRow) => ({
  owner: r.owner,
  url: r.url,
  failures: Number(r.failures),
  lastError: r.last_error,
});

type Id = number | string;

export interface WebhookRow {
  id: Id;
  user_id: Id;
  collection_id: Id | null;
  url: string;
  secret: string;
  created_at: string;
  disabled_at: string | null;
  disabled_reason: string | null;
  failures: Id;
  failing_since: string | null;
}

export const toWebhook = (r: WebhookRow): Webhook => ({
  id: Number(r.id),
  userId: Number(r.user_id),
  collectionId: r.collection_id === null ? null : Number(r.collection_id),
  url: r.url,
  secret: r.secret,
  createdAt: r.created_at,
  disabledAt: r.disabled_at,
  disabledReason: r.disabled_reason,
  failures: Number(r.failures),
  failingSince: r.failing_since,
});

export interface ClaimedRow {
  id: string;
  webhook_id: Id;
  payload: string;
  attempts: Id;
  url: string;
  secret: string;
}

export const toClaimed = (r: ClaimedRow): ClaimedDelivery => ({
  id: r.id,
  webhookId: Number(r.webhook_id),
  payload: r.payload,
  attempts: Number(r.attempts),
  url: r.url,
  secret: r.secret,
});

export interface AttemptRow {
  delivery_id: string;
  webhook_id: Id;
  attempt: Id;
  at: string;
  status_code: Id | null;
  error: string | null;
  duration_ms: Id;
}

export const toAttempt = (r: AttemptRow): Attempt => ({
  deliveryId: r.delivery_id,
  webhookId: Number(r.webhook_id),
  attempt: Number(r.attempt),
  at: r.at,
  statusCode: r.status_code === null ? null : Number(r.status_code),
  error: r.error,
  durationMs: Number(r.duration_ms),
});

export interface DeliveryRow {
  id: string;
  webhook_id: Id;
  event_id: Id | null;
  event_type: string;
  status: string;
  attempts: Id;
  next_attempt_at: string;
  last_status: Id | null;
  last_error: string | null;
  created_at: string;
}

export const toDelivery = (r: DeliveryRow): Delivery => ({
  id: r.id,
  webhookId: Number(r.webhook_id),
  eventId: r.event_id === null ? null : Number(r.event_id),
  eventType: r.event_type as DeliveryType,
  status: r.status as DeliveryStatus,
  attempts: Number(r.attempts),
  nextAttemptAt: r.next_attempt_at,
  lastStatus: r.last_status === null ? null : Number(r.last_status),
  lastError: r.last_error,
  createdAt: r.created_at,
});

/** The settle statement's values for an outcome: status, attempts, next attempt, last status, last error. */
export function settleValues(o: AttemptOutcome): (string | number | null)[] {
  const nextAt = o.next.status === 'pending' ? o.next.at : o.at;
  return [o.deliveryId, o.holder, o.next.status, o.attempt, nextAt, o.statusCode, o.error];
}
