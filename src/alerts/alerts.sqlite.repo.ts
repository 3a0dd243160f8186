/** AlertRepository on SQLite: statements prepared once; `record` is one synchronous transaction. */
import type { DatabaseSync } from 'node:sqlite';
import { changes, sqliteText, sqliteTransaction } from '../db/statements.ts';
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
import { WEBHOOK_SQL } from './webhook.repo.ts';
import { eventDelivery } from './webhook-body.ts';

const inIds = (column: string) => `${column} IN (SELECT value FROM json_each($1))`;

function statements(db: DatabaseSync) {
  const p = (sql: string) => db.prepare(sqliteText(sql));
  return {
    insert: p(SQL.insert),
    byKey: p(SQL.byKey),
    list: p(SQL.list),
    setPaused: p(SQL.setPaused),
    setDelivery: p(SQL.setDelivery),
    remove: p(SQL.remove),
    pending: p(SQL.pending),
    follows: p(SQL.follows),
    // run()'s changes and lastInsertRowid instead of RETURNING: SQLite answers an upsert's
    // RETURNING through a temporary table, three times the cost per event (1.8M events in one
    // harvest in bench/alerts.bench.ts: 47–73 µs each against 15–25).
    insertEvent: p(SQL.insertEvent.replace(/\s*RETURNING id\s*$/, '')),
    fired: p(SQL.fired),
    events: p(SQL.events),
    eventsVia: p(SQL.eventsVia),
    eventsSince: p(SQL.eventsSince),
    statsAlerts: p(SQL.statsAlerts),
    statsEvents: p(SQL.statsEvents),
    statsPending: p(SQL.statsPending),
    statsMail: p(SQL.statsMail),
    changedPapers: p(changedPapersSql(inIds('p.id'))),
    watchers: p(watchersSql(inIds)),
    mailDue: p(SQL.mailDue),
    claimMail: p(SQL.claimMail),
    unmailed: p(SQL.unmailed),
    markMailed: p('UPDATE alert_events SET mailed_at = ?2 WHERE id IN (SELECT value FROM json_each(?1))'),
    consume: p('DELETE FROM alert_changes WHERE id IN (SELECT value FROM json_each(?1))'),
    hookTargets: p(WEBHOOK_SQL.targets),
    enqueue: p(WEBHOOK_SQL.enqueue),
  };
}

export class SqliteAlertRepository implements AlertRepository {
  readonly #db: DatabaseSync;
  readonly #s: ReturnType<typeof statements>;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#s = statements(db);
  }

  async create(a: NewAlert, now: string): Promise<Alert> {
    this.#s.insert.run(
      a.userId,
      a.kind,
      a.target,
      a.paperId ?? null,
      a.threshold ?? null,
      deliveryText(a.delivery),
      now,
    );
    return toAlert(this.#s.byKey.get(a.userId, a.kind, a.target) as unknown as AlertRow);
  }

  async list(userId: number): Promise<Alert[]> {
    return (this.#s.list.all(userId) as unknown as AlertRow[]).map(toAlert);
  }

  async update(
    userId: number,
    id: number,
    change: { paused?: boolean; delivery?: Delivery[] },
  ): Promise<boolean> {
    return sqliteTransaction(this.#db, () => {
      let n = 0;
      if (change.paused !== undefined)
        n += Number(this.#s.setPaused.run(userId, id, change.paused ? 1 : 0).changes);
      if (change.delivery !== undefined)
        n += Number(this.#s.setDelivery.run(userId, id, deliveryText(change.delivery)).changes);
      return n > 0;
    });
  }

  async remove(userId: number, id: number): Promise<boolean> {
    return Number(this.#s.remove.run(userId, id).changes) > 0;
  }

  async pendingChanges(limit: number): Promise<AlertChange[]> {
    const rows = this.#s.pending.all(limit) as {
      id: number;
      paper_id: number;
      kind: AlertChange['kind'];
      version: number;
    }[];
    return rows.map((r) => ({ id: r.id, paperId: r.paper_id, kind: r.kind, version: r.version }));
  }

  async changedPapers(paperIds: number[]): Promise<ChangedPaper[]> {
    if (paperIds.length === 0) return [];
    return (this.#s.changedPapers.all(JSON.stringify(paperIds)) as unknown as ChangedPaperRow[]).map(
      toChangedPaper,
    );
  }

  async followAlerts(): Promise<Alert[]> {
    return (this.#s.follows.all() as unknown as AlertRow[]).map(toAlert);
  }

  async watchers(paperIds: number[]): Promise<Watcher[]> {
    if (paperIds.length === 0) return [];
    return (this.#s.watchers.all(JSON.stringify(paperIds)) as unknown as WatcherRow[]).map(toWatcher);
  }

  async record(events: EventInput[], changeIds: number[], now: string): Promise<Recorded> {
    return sqliteTransaction(this.#db, () => {
      const fired = new Map<number, string>();
      let deliveries = 0;
      const ids = events.map((e) => {
        const done = this.#s.insertEvent.run(
          e.alertId,
          e.userId,
          e.paperId,
          e.type,
          e.key,
          e.reason,
          now,
          settledAt(e, now),
        );
        if (Number(done.changes) === 0) return null; // already recorded (the unique key)
        const r = { id: Number(done.lastInsertRowid) };
        fired.set(e.alertId, e.reason);
        if (e.webhook) {
          // In this transaction, not after it: a crash between the two would lose the delivery.
          for (const w of this.#s.hookTargets.all(e.userId, e.paperId) as { id: number }[]) {
            const d = eventDelivery(w.id, r.id, { ...e, webhook: e.webhook }, now);
            deliveries += changes(
              this.#s.enqueue.run(d.id, d.webhookId, d.eventId, d.eventType, d.payload, d.at),
            );
          }
        }
        return r.id;
      });
      // Once per alert, with its last event's reason: SQLite rewrites the whole row per UPDATE.
      for (const [alertId, reason] of fired) this.#s.fired.run(alertId, now, reason);
      if (changeIds.length > 0) this.#s.consume.run(JSON.stringify(changeIds));
      return { ids, deliveries };
    });
  }

  async events(userId: number, limit: number, via?: Delivery): Promise<StoredEvent[]> {
    const rows = via ? this.#s.eventsVia.all(userId, limit, `%,${via},%`) : this.#s.events.all(userId, limit);
    return (rows as unknown as EventRow[]).map(toEvent);
  }

  async stats(): Promise<AlertStats> {
    const alerts = this.#s.statsAlerts.all() as { kind: AlertKind; total: number; paused: number }[];
    const events = this.#s.statsEvents.all() as { type: AlertEventType; total: number }[];
    return {
      alerts: alerts.map((r) => ({ kind: r.kind, total: Number(r.total), paused: Number(r.paused) })),
      events: events.map((r) => ({ type: r.type, total: Number(r.total) })),
      pendingChanges: Number((this.#s.statsPending.get() as { n: number }).n),
      pendingMail: Number((this.#s.statsMail.get() as { n: number }).n),
    };
  }

  async mailDue(hourAgo: string, limit: number): Promise<number[]> {
    return (this.#s.mailDue.all(hourAgo, limit) as { user_id: number }[]).map((r) => r.user_id);
  }

  async claimMail(userId: number, now: string, hourAgo: string): Promise<boolean> {
    return Number(this.#s.claimMail.run(userId, now, hourAgo).changes) > 0;
  }

  async unmailed(userId: number, limit: number): Promise<StoredEvent[]> {
    return (this.#s.unmailed.all(userId, limit) as unknown as EventRow[]).map(toEvent);
  }

  async markMailed(eventIds: number[], now: string): Promise<void> {
    if (eventIds.length > 0) this.#s.markMailed.run(JSON.stringify(eventIds), now);
  }

  async eventsSince(userId: number, since: string, via: Delivery, limit: number): Promise<StoredEvent[]> {
    return (this.#s.eventsSince.all(userId, since, `%,${via},%`, limit) as unknown as EventRow[]).map(
      toEvent,
    );
  }
}
