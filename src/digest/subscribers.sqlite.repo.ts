/** DigestSubscribers on SQLite (see subscribers.repo.ts): the shared statements, prepared once. */
import type { DatabaseSync } from 'node:sqlite';
import { changes, iso, sqliteText, sqliteTransaction } from '../db/statements.ts';
import {
  countsByStatus,
  type DigestSubscribers,
  preferenceParams,
  reopens,
  requestParams,
  SUBSCRIBER_SQL,
  type SubscriberRow,
  toSubscriber,
} from './subscribers.repo.ts';
import type { Preferences, Subscriber, SubscriberStatus } from './types.ts';

/** The prepared statements, one typed member each: a misspelt name fails to compile. */
function statements(db: DatabaseSync) {
  const p = (sql: string) => db.prepare(sqliteText(sql));
  const q = SUBSCRIBER_SQL;
  return {
    byEmail: p(q.byEmail),
    byId: p(q.byId),
    insert: p(q.insert),
    resubscribe: p(q.resubscribe),
    confirm: p(q.confirm),
    setPreferences: p(q.setPreferences),
    unsubscribe: p(q.unsubscribe),
    setStatus: p(q.setStatus),
    softBounce: p(q.softBounce),
    deleteExpired: p(q.deleteExpired),
    revertExpired: p(q.revertExpired),
    confirmedAfter: p(q.confirmedAfter),
    countByStatus: p(q.countByStatus),
  };
}

export class SqliteDigestSubscribers implements DigestSubscribers {
  readonly #db: DatabaseSync;
  readonly #s: ReturnType<typeof statements>;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#s = statements(db);
  }

  async subscriberByEmail(email: string): Promise<Subscriber | null> {
    const r = this.#s.byEmail.get(email) as SubscriberRow | undefined;
    return r ? toSubscriber(r) : null;
  }

  async subscriber(id: number): Promise<Subscriber | null> {
    const r = this.#s.byId.get(id) as SubscriberRow | undefined;
    return r ? toSubscriber(r) : null;
  }

  async requestSubscription(
    email: string,
    prefs: Preferences,
    now: number,
    confirmExpiresAt: number,
  ): Promise<{ subscriber: Subscriber; before: SubscriberStatus | null }> {
    const before = await this.subscriberByEmail(email);
    const values = requestParams(prefs, now, confirmExpiresAt);
    if (!before) this.#s.insert.run(...values, email);
    else if (reopens(before.status)) this.#s.resubscribe.run(...values, before.id);
    const subscriber = await this.subscriberByEmail(email);
    if (!subscriber) throw new Error(`subscriber ${email} vanished while subscribing`);
    return { subscriber, before: before?.status ?? null };
  }

  async confirm(id: number, now: number): Promise<boolean> {
    return changes(this.#s.confirm.run(iso(now), id, now)) > 0;
  }

  async setPreferences(id: number, prefs: Preferences, now: number): Promise<boolean> {
    return changes(this.#s.setPreferences.run(...preferenceParams(id, prefs, now))) > 0;
  }

  async unsubscribe(id: number, now: number): Promise<boolean> {
    return changes(this.#s.unsubscribe.run(iso(now), id)) > 0;
  }

  async setStatus(id: number, status: 'bounced' | 'complained', now: number): Promise<void> {
    this.#s.setStatus.run(status, iso(now), id);
  }

  async softBounce(id: number, limit: number, now: number): Promise<SubscriberStatus | null> {
    const r = this.#s.softBounce.get(iso(now), limit, id) as { status: SubscriberStatus } | undefined;
    return r?.status ?? null;
  }

  async expirePending(now: number): Promise<number> {
    return sqliteTransaction(
      this.#db,
      () => changes(this.#s.deleteExpired.run(now)) + changes(this.#s.revertExpired.run(iso(now), now)),
    );
  }

  async confirmedAfter(afterId: number, limit: number): Promise<Subscriber[]> {
    return (this.#s.confirmedAfter.all(afterId, limit) as unknown as SubscriberRow[]).map(toSubscriber);
  }

  async countByStatus(): Promise<Record<string, number>> {
    return countsByStatus(this.#s.countByStatus.all() as { status: string; n: number }[]);
  }
}
