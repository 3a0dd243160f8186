/** AlertRepository on PostgreSQL; same semantics as alerts.sqlite.repo.ts, named statements. */
import type pg from 'pg';
import { inTransaction } from '../db/postgres.ts';
import { named } from '../db/statements.ts';
import {
  type AlertRow,
  type ChangedPaperRow,
  changedPapersSql,
  deliveryText,
  type EventRow,
  SQL,
  toAlert,
  toChangedPaper,
  toEvent,
  toWatcher,
  type WatcherRow,
  watchersSql,
} from './alerts.sql.ts';
import type { AlertEventType } from './events.ts';
import type {
  Alert,
  AlertChange,
  AlertKind,
  AlertRepository,
  AlertStats,
  ChangedPaper,
  Delivery,
  EventInput,
  NewAlert,
  Recorded,
  StoredEvent,
  Watcher,
} from './types.ts';
import { settledAt } from './types.ts';
import { eventDelivery } from './webhook-body.ts';

/** Events per INSERT: seven arrays of this many stay well inside one message. */
const RECORD_BATCH = 10_000;

const anyIds = (column: string) => `${column} = ANY($1::bigint[])`;

const S = named('alerts', {
  ...SQL,
  changedPapers: changedPapersSql(anyIds('p.id')),
  watchers: watchersSql(anyIds),
  markMailed: 'UPDATE alert_events SET mailed_at = $2 WHERE id = ANY($1::bigint[])',
  insertEvents: `INSERT INTO alert_events (alert_id, user_id, paper_id, type, key, reason, created_at, mailed_at)
    SELECT u.a, u.u, u.p, u.t, u.k, u.r, $7::text, u.m
    FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::int[], $6::text[], $8::text[])
      AS u(a, u, p, t, k, r, m)
    ON CONFLICT (alert_id, paper_id, type, key) DO NOTHING RETURNING id, alert_id, paper_id, type, key`,
  firedMany: `UPDATE alerts a SET last_fired_at = $2, last_reason = u.reason
    FROM unnest($1::bigint[], $3::text[]) AS u(id, reason) WHERE a.id = u.id`,
  consume: 'DELETE FROM alert_changes WHERE id = ANY($1::bigint[])',
  // Each new webhook-bound event's target webhooks (webhook.repo.ts targets, for many events at once).
  hookTargets: `SELECT u.ord, w.id FROM unnest($1::int[], $2::bigint[], $3::bigint[]) AS u(ord, user_id, paper_id)
    JOIN webhooks w ON w.user_id = u.user_id AND w.disabled_at IS NULL
      AND (w.collection_id IS NULL OR EXISTS (SELECT 1 FROM collection_papers cp
        WHERE cp.collection_id = w.collection_id AND cp.paper_id = u.paper_id))
    ORDER BY u.ord, w.id`,
  enqueueMany: `INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_type, payload, next_attempt_at, created_at)
    SELECT u.*, $6::text, $6::text FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::text[]) AS u
    ON CONFLICT (webhook_id, event_id) DO NOTHING`,
});

export class PgAlertRepository implements AlertRepository {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async create(a: NewAlert, now: string): Promise<Alert> {
    await this.#pool.query({
      ...S.insert,
      values: [
        a.userId,
        a.kind,
        a.target,
        a.paperId ?? null,
        a.threshold ?? null,
        deliveryText(a.delivery),
        now,
      ],
    });
    const r = await this.#pool.query<AlertRow>({ ...S.byKey, values: [a.userId, a.kind, a.target] });
    return toAlert(r.rows[0]!);
  }

  async list(userId: number): Promise<Alert[]> {
    return (await this.#pool.query<AlertRow>({ ...S.list, values: [userId] })).rows.map(toAlert);
  }

  async update(
    userId: number,
    id: number,
    change: { paused?: boolean; delivery?: Delivery[] },
  ): Promise<boolean> {
    return inTransaction(this.#pool, async (c) => {
      let n = 0;
      if (change.paused !== undefined)
        n += (await c.query({ ...S.setPaused, values: [userId, id, change.paused ? 1 : 0] })).rowCount ?? 0;
      if (change.delivery !== undefined)
        n +=
          (await c.query({ ...S.setDelivery, values: [userId, id, deliveryText(change.delivery)] }))
            .rowCount ?? 0;
      return n > 0;
    });
  }

  async remove(userId: number, id: number): Promise<boolean> {
    return ((await this.#pool.query({ ...S.remove, values: [userId, id] })).rowCount ?? 0) > 0;
  }

  async pendingChanges(limit: number): Promise<AlertChange[]> {
    const r = await this.#pool.query<{
      id: string;
      paper_id: string;
      kind: AlertChange['kind'];
      version: number;
    }>({
      ...S.pending,
      values: [limit],
    });
    return r.rows.map((x) => ({
      id: Number(x.id),
      paperId: Number(x.paper_id),
      kind: x.kind,
      version: x.version,
    }));
  }

  async changedPapers(paperIds: number[]): Promise<ChangedPaper[]> {
    if (paperIds.length === 0) return [];
    return (await this.#pool.query<ChangedPaperRow>({ ...S.changedPapers, values: [paperIds] })).rows.map(
      toChangedPaper,
    );
  }

  async followAlerts(): Promise<Alert[]> {
    return (await this.#pool.query<AlertRow>({ ...S.follows })).rows.map(toAlert);
  }

  async watchers(paperIds: number[]): Promise<Watcher[]> {
    if (paperIds.length === 0) return [];
    return (await this.#pool.query<WatcherRow>({ ...S.watchers, values: [paperIds] })).rows.map(toWatcher);
  }

  async record(events: EventInput[], changeIds: number[], now: string): Promise<Recorded> {
    return inTransaction(this.#pool, async (c) => {
      const ids: (number | null)[] = new Array(events.length).fill(null);
      const fired = new Map<number, string>();
      // Whole arrays per statement: a harvest stores hundreds of thousands of events, and one
      // round trip each would be most of the time.
      for (let from = 0; from < events.length; from += RECORD_BATCH) {
        const batch = events.slice(from, from + RECORD_BATCH);
        const r = await c.query<{
          id: string;
          alert_id: string;
          paper_id: string;
          type: string;
          key: number;
        }>({
          ...S.insertEvents,
          values: [
            batch.map((e) => e.alertId),
            batch.map((e) => e.userId),
            batch.map((e) => e.paperId),
            batch.map((e) => e.type),
            batch.map((e) => e.key),
            batch.map((e) => e.reason),
            now,
            batch.map((e) => settledAt(e, now)),
          ],
        });
        const stored = new Map(
          r.rows.map((x) => [`${x.alert_id}|${x.paper_id}|${x.type}|${x.key}`, Number(x.id)]),
        );
        batch.forEach((e, i) => {
          const k = `${e.alertId}|${e.paperId}|${e.type}|${e.key}`;
          const id = stored.get(k);
          if (id === undefined) return;
          stored.delete(k); // a repeat within the batch was not stored twice
          ids[from + i] = id;
          fired.set(e.alertId, e.reason);
        });
      }
      if (fired.size > 0)
        await c.query({ ...S.firedMany, values: [[...fired.keys()], now, [...fired.values()]] });
      if (changeIds.length > 0) await c.query({ ...S.consume, values: [changeIds] });
      // In this transaction, not after it: a crash between the two would lose the deliveries.
      const deliveries = await this.#enqueue(c, events, ids, now);
      return { ids, deliveries };
    });
  }

  /** Queues the deliveries of the new events that carry `webhook`; returns how many. */
  async #enqueue(c: pg.PoolClient, events: EventInput[], ids: (number | null)[], now: string) {
    const hooked = events.flatMap((e, i) => (e.webhook && ids[i] !== null ? [i] : []));
    if (hooked.length === 0) return 0;
    const targets = await c.query<{ ord: number; id: string }>({
      ...S.hookTargets,
      values: [hooked, hooked.map((i) => events[i]!.userId), hooked.map((i) => events[i]!.paperId)],
    });
    const rows = targets.rows.map((t) => {
      const e = events[t.ord]!;
      return eventDelivery(Number(t.id), ids[t.ord]!, { ...e, webhook: e.webhook! }, now);
    });
    let n = 0;
    for (let from = 0; from < rows.length; from += RECORD_BATCH) {
      const batch = rows.slice(from, from + RECORD_BATCH);
      const r = await c.query({
        ...S.enqueueMany,
        values: [
          batch.map((d) => d.id),
          batch.map((d) => d.webhookId),
          batch.map((d) => d.eventId),
          batch.map((d) => d.eventType),
          batch.map((d) => d.payload),
          now,
        ],
      });
      n += r.rowCount ?? 0;
    }
    return n;
  }

  async events(userId: number, limit: number, via?: Delivery): Promise<StoredEvent[]> {
    const q = via
      ? { ...S.eventsVia, values: [userId, limit, `%,${via},%`] }
      : { ...S.events, values: [userId, limit] };
    return (await this.#pool.query<EventRow>(q)).rows.map(toEvent);
  }

  async stats(): Promise<AlertStats> {
    const alerts = await this.#pool.query<{ kind: AlertKind; total: string; paused: string }>({
      ...S.statsAlerts,
    });
    const events = await this.#pool.query<{ type: AlertEventType; total: string }>({ ...S.statsEvents });
    const pending = await this.#pool.query<{ n: string }>({ ...S.statsPending });
    const mail = await this.#pool.query<{ n: string }>({ ...S.statsMail });
    return {
      alerts: alerts.rows.map((r) => ({ kind: r.kind, total: Number(r.total), paused: Number(r.paused) })),
      events: events.rows.map((r) => ({ type: r.type, total: Number(r.total) })),
      pendingChanges: Number(pending.rows[0]!.n),
      pendingMail: Number(mail.rows[0]!.n),
    };
  }

  async mailDue(hourAgo: string, limit: number): Promise<number[]> {
    const r = await this.#pool.query<{ user_id: string }>({ ...S.mailDue, values: [hourAgo, limit] });
    return r.rows.map((x) => Number(x.user_id));
  }

  async claimMail(userId: number, now: string, hourAgo: string): Promise<boolean> {
    return ((await this.#pool.query({ ...S.claimMail, values: [userId, now, hourAgo] })).rowCount ?? 0) > 0;
  }

  async unmailed(userId: number, limit: number): Promise<StoredEvent[]> {
    return (await this.#pool.query<EventRow>({ ...S.unmailed, values: [userId, limit] })).rows.map(toEvent);
  }

  async markMailed(eventIds: number[], now: string): Promise<void> {
    if (eventIds.length > 0) await this.#pool.query({ ...S.markMailed, values: [eventIds, now] });
  }

  async eventsSince(userId: number, since: string, via: Delivery, limit: number): Promise<StoredEvent[]> {
    const q = { ...S.eventsSince, values: [userId, since, `%,${via},%`, limit] };
    return (await this.#pool.query<EventRow>(q)).rows.map(toEvent);
  }
}
