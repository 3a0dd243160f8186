/**
 * Subscribers: the subscribe → confirm → unsubscribe life cycle, preferences, soft-bounce counting
 * and the confirmed list the planner pages through.
 */
import { iso, num, type Param, type SqlRunner } from '../db/sql.ts';
import type { Preferences, Subscriber, SubscriberStatus } from './types.ts';

const SUBSCRIBER_COLUMNS = `id, email, status, frequency, weekday, paper_count, interests, user_id, created_at,
  confirmed_at, unsubscribed_at, confirm_expires_at, soft_bounces, last_digest_at`;

interface SubscriberRow {
  id: number | string;
  email: string;
  status: SubscriberStatus;
  frequency: 'daily' | 'weekly';
  weekday: number;
  paper_count: number;
  interests: string;
  user_id: number | string | null;
  created_at: string;
  confirmed_at: string | null;
  unsubscribed_at: string | null;
  confirm_expires_at: number | string | null;
  soft_bounces: number;
  last_digest_at: number | string | null;
}

function toSubscriber(r: SubscriberRow): Subscriber {
  return {
    id: Number(r.id),
    email: r.email,
    status: r.status,
    frequency: r.frequency,
    weekday: Number(r.weekday),
    paperCount: Number(r.paper_count),
    interests: JSON.parse(r.interests),
    userId: num(r.user_id),
    createdAt: r.created_at,
    confirmedAt: r.confirmed_at,
    unsubscribedAt: r.unsubscribed_at,
    confirmExpiresAt: num(r.confirm_expires_at),
    softBounces: Number(r.soft_bounces),
    lastDigestAt: num(r.last_digest_at),
  };
}

export class DigestSubscribers {
  readonly #db: SqlRunner;

  constructor(db: SqlRunner) {
    this.#db = db;
  }

  async subscriberByEmail(email: string): Promise<Subscriber | null> {
    const rows = await this.#db.all<SubscriberRow>(
      `SELECT ${SUBSCRIBER_COLUMNS} FROM subscribers WHERE email = ?`,
      [email],
    );
    return rows[0] ? toSubscriber(rows[0]) : null;
  }

  async subscriber(id: number): Promise<Subscriber | null> {
    const rows = await this.#db.all<SubscriberRow>(
      `SELECT ${SUBSCRIBER_COLUMNS} FROM subscribers WHERE id = ?`,
      [id],
    );
    return rows[0] ? toSubscriber(rows[0]) : null;
  }

  /**
   * A subscribe request: a new address becomes pending; a pending or unsubscribed one becomes
   * pending again with the new settings and a fresh 7-day window; confirmed, bounced and
   * complained addresses are left alone. Returns the row and its status before the request.
   */
  async requestSubscription(
    email: string,
    prefs: Preferences,
    now: number,
    confirmExpiresAt: number,
  ): Promise<{ subscriber: Subscriber; before: SubscriberStatus | null }> {
    const before = await this.subscriberByEmail(email);
    const values: Param[] = [
      prefs.frequency,
      prefs.weekday,
      prefs.paperCount,
      JSON.stringify(prefs.interests),
      iso(now),
      confirmExpiresAt,
    ];
    if (!before) {
      await this.#db.run(
        `INSERT INTO subscribers (frequency, weekday, paper_count, interests, updated_at, confirm_expires_at, email, status, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', ?) ON CONFLICT (email) DO NOTHING`,
        [...values, email, iso(now)],
      );
    } else if (before.status === 'pending' || before.status === 'unsubscribed') {
      await this.#db.run(
        `UPDATE subscribers SET frequency = ?, weekday = ?, paper_count = ?, interests = ?, updated_at = ?,
           confirm_expires_at = ?, status = 'pending' WHERE id = ? AND status IN ('pending', 'unsubscribed')`,
        [...values, before.id],
      );
    }
    const subscriber = await this.subscriberByEmail(email);
    if (!subscriber) throw new Error(`subscriber ${email} vanished while subscribing`);
    return { subscriber, before: before?.status ?? null };
  }

  /** pending → confirmed while the confirmation window is open. */
  async confirm(id: number, now: number): Promise<boolean> {
    const n = await this.#db.run(
      `UPDATE subscribers SET status = 'confirmed', confirmed_at = ?, updated_at = ?, confirm_expires_at = NULL,
         unsubscribed_at = NULL, soft_bounces = 0
       WHERE id = ? AND status = 'pending' AND confirm_expires_at > ?`,
      [iso(now), iso(now), id, now],
    );
    return n > 0;
  }

  async setPreferences(id: number, prefs: Preferences, now: number): Promise<boolean> {
    const n = await this.#db.run(
      'UPDATE subscribers SET frequency = ?, weekday = ?, paper_count = ?, interests = ?, updated_at = ? WHERE id = ?',
      [prefs.frequency, prefs.weekday, prefs.paperCount, JSON.stringify(prefs.interests), iso(now), id],
    );
    return n > 0;
  }

  /** Takes effect for every digest not yet handed to SMTP: the sender re-reads status per message. */
  async unsubscribe(id: number, now: number): Promise<boolean> {
    const n = await this.#db.run(
      `UPDATE subscribers SET status = 'unsubscribed', unsubscribed_at = ?, updated_at = ?, confirm_expires_at = NULL
       WHERE id = ? AND status IN ('pending', 'confirmed')`,
      [iso(now), iso(now), id],
    );
    return n > 0;
  }

  async setStatus(id: number, status: 'bounced' | 'complained', now: number): Promise<void> {
    await this.#db.run('UPDATE subscribers SET status = ?, updated_at = ? WHERE id = ?', [
      status,
      iso(now),
      id,
    ]);
  }

  /** Counts a soft bounce; at `limit` the address is marked bounced. Returns the new status. */
  async softBounce(id: number, limit: number, now: number): Promise<SubscriberStatus | null> {
    const rows = await this.#db.all<{ status: SubscriberStatus }>(
      `UPDATE subscribers SET soft_bounces = soft_bounces + 1, updated_at = ?,
         status = CASE WHEN soft_bounces + 1 >= ? AND status IN ('confirmed', 'pending') THEN 'bounced' ELSE status END
       WHERE id = ? RETURNING status`,
      [iso(now), limit, id],
    );
    return rows[0]?.status ?? null;
  }

  /**
   * Unconfirmed subscriptions past their window: never-confirmed rows are deleted; a re-subscribe
   * of a former subscriber falls back to unsubscribed. Returns rows changed.
   */
  async expirePending(now: number): Promise<number> {
    const [deleted, reverted] = await this.#db.batch([
      [
        "DELETE FROM subscribers WHERE status = 'pending' AND confirm_expires_at <= ? AND confirmed_at IS NULL",
        [now],
      ],
      [
        `UPDATE subscribers SET status = 'unsubscribed', confirm_expires_at = NULL, updated_at = ?
         WHERE status = 'pending' AND confirm_expires_at <= ?`,
        [iso(now), now],
      ],
    ]);
    return (deleted ?? 0) + (reverted ?? 0);
  }

  /** Confirmed subscribers in id order, a page at a time. */
  async confirmedAfter(afterId: number, limit: number): Promise<Subscriber[]> {
    const rows = await this.#db.all<SubscriberRow>(
      `SELECT ${SUBSCRIBER_COLUMNS} FROM subscribers WHERE status = 'confirmed' AND id > ? ORDER BY id LIMIT ?`,
      [afterId, limit],
    );
    return rows.map(toSubscriber);
  }

  async countByStatus(): Promise<Record<string, number>> {
    const rows = await this.#db.all<{ status: string; n: number | string }>(
      'SELECT status, count(*) AS n FROM subscribers GROUP BY status',
    );
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }
}
