/** DigestSubscribers on PostgreSQL (see subscribers.repo.ts): the shared statements as they are. */
import type pg from 'pg';
import { inTransaction } from '../db/postgres.ts';
import { iso } from '../db/statements.ts';
import {
  countsByStatus,
  type DigestSubscribers,
  preferenceParams,
  SUBSCRIBER_SQL as Q,
  reopens,
  requestParams,
  type SubscriberRow,
  toSubscriber,
} from './subscribers.repo.ts';
import type { Preferences, Subscriber, SubscriberStatus } from './types.ts';

export class PgDigestSubscribers implements DigestSubscribers {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async subscriberByEmail(email: string): Promise<Subscriber | null> {
    const r = (await this.#pool.query<SubscriberRow>(Q.byEmail, [email])).rows[0];
    return r ? toSubscriber(r) : null;
  }

  async subscriber(id: number): Promise<Subscriber | null> {
    const r = (await this.#pool.query<SubscriberRow>(Q.byId, [id])).rows[0];
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
    if (!before) await this.#pool.query(Q.insert, [...values, email]);
    else if (reopens(before.status)) await this.#pool.query(Q.resubscribe, [...values, before.id]);
    const subscriber = await this.subscriberByEmail(email);
    if (!subscriber) throw new Error(`subscriber ${email} vanished while subscribing`);
    return { subscriber, before: before?.status ?? null };
  }

  async confirm(id: number, now: number): Promise<boolean> {
    return ((await this.#pool.query(Q.confirm, [iso(now), id, now])).rowCount ?? 0) > 0;
  }

  async setPreferences(id: number, prefs: Preferences, now: number): Promise<boolean> {
    return (
      ((await this.#pool.query(Q.setPreferences, [...preferenceParams(id, prefs, now)])).rowCount ?? 0) > 0
    );
  }

  async unsubscribe(id: number, now: number): Promise<boolean> {
    return ((await this.#pool.query(Q.unsubscribe, [iso(now), id])).rowCount ?? 0) > 0;
  }

  async setStatus(id: number, status: 'bounced' | 'complained', now: number): Promise<void> {
    await this.#pool.query(Q.setStatus, [status, iso(now), id]);
  }

  async softBounce(id: number, limit: number, now: number): Promise<SubscriberStatus | null> {
    const res = await this.#pool.query<{ status: SubscriberStatus }>(Q.softBounce, [iso(now), limit, id]);
    return res.rows[0]?.status ?? null;
  }

  async expirePending(now: number): Promise<number> {
    return inTransaction(this.#pool, async (c) => {
      const deleted = (await c.query(Q.deleteExpired, [now])).rowCount ?? 0;
      return deleted + ((await c.query(Q.revertExpired, [iso(now), now])).rowCount ?? 0);
    });
  }

  async confirmedAfter(afterId: number, limit: number): Promise<Subscriber[]> {
    return (await this.#pool.query<SubscriberRow>(Q.confirmedAfter, [afterId, limit])).rows.map(toSubscriber);
  }

  async countByStatus(): Promise<Record<string, number>> {
    return countsByStatus((await this.#pool.query<{ status: string; n: string }>(Q.countByStatus)).rows);
  }
}
