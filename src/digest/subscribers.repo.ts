/**
 * Subscribers: the subscribe → confirm → unsubscribe life cycle, preferences, soft-bounce counting
 * and the confirmed list the planner pages through. One class per dialect
 * (subscribers.sqlite.repo.ts, subscribers.pg.repo.ts) over the shared statements below.
 */
import { iso, num } from '../db/statements.ts';
import type { Preferences, Subscriber, SubscriberStatus } from './types.ts';

export interface DigestSubscribers {
  subscriberByEmail(email: string): Promise<Subscriber | null>;
  subscriber(id: number): Promise<Subscriber | null>;
  /**
   * A subscribe request: a new address becomes pending; a pending or unsubscribed one becomes
   * pending again with the new settings and a fresh 7-day window; confirmed, bounced and
   * complained addresses are left alone. Returns the row and its status before the request.
   */
  requestSubscription(
    email: string,
    prefs: Preferences,
    now: number,
    confirmExpiresAt: number,
  ): Promise<{ subscriber: Subscriber; before: SubscriberStatus | null }>;
  /** pending → confirmed while the confirmation window is open. */
  confirm(id: number, now: number): Promise<boolean>;
  setPreferences(id: number, prefs: Preferences, now: number): Promise<boolean>;
  /** Takes effect for every digest not yet handed to SMTP: the sender re-reads status per message. */
  unsubscribe(id: number, now: number): Promise<boolean>;
  setStatus(id: number, status: 'bounced' | 'complained', now: number): Promise<void>;
  /** Counts a soft bounce; at `limit` the address is marked bounced. Returns the new status. */
  softBounce(id: number, limit: number, now: number): Promise<SubscriberStatus | null>;
  /**
   * Unconfirmed subscriptions past their window: never-confirmed rows are deleted; a re-subscribe
   * of a former subscriber falls back to unsubscribed. Returns rows changed.
   */
  expirePending(now: number): Promise<number>;
  /** Confirmed subscribers in id order, a page at a time. */
  confirmedAfter(afterId: number, limit: number): Promise<Subscriber[]>;
  countByStatus(): Promise<Record<string, number>>;
}

/**
 * `user_id` as read: the account the subscription belongs to. The column is set when an account
 * holder subscribed from their account page; otherwise the account whose verified address this is
 * (both proved control of the same mailbox), found through users' unique email index. The digest
 * is personal for that account (issue 14 item 6, plan.ts).
 */
const COLUMNS = `id, email, status, frequency, weekday, paper_count, interests,
  COALESCE(user_id, (SELECT u.id FROM users u WHERE u.email = subscribers.email AND u.email_verified_at IS NOT NULL)) AS user_id,
  created_at, confirmed_at, unsubscribed_at, confirm_expires_at, soft_bounces, last_digest_at`;

/** The statements of both dialects, `$n` placeholders (SQLite prepares them through sqliteText). */
export const SUBSCRIBER_SQL = {
  byEmail: `SELECT ${COLUMNS} FROM subscribers WHERE email = $1`,
  byId: `SELECT ${COLUMNS} FROM subscribers WHERE id = $1`,
  // $1–$6: requestParams.
  insert: `INSERT INTO subscribers (frequency, weekday, paper_count, interests, updated_at, confirm_expires_at,
      email, status, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $5) ON CONFLICT (email) DO NOTHING`,
  resubscribe: `UPDATE subscribers SET frequency = $1, weekday = $2, paper_count = $3, interests = $4,
      updated_at = $5, confirm_expires_at = $6, status = 'pending'
    WHERE id = $7 AND status IN ('pending', 'unsubscribed')`,
  confirm: `UPDATE subscribers SET status = 'confirmed', confirmed_at = $1, updated_at = $1,
      confirm_expires_at = NULL, unsubscribed_at = NULL, soft_bounces = 0
    WHERE id = $2 AND status = 'pending' AND confirm_expires_at > $3`,
  setPreferences:
    'UPDATE subscribers SET frequency = $1, weekday = $2, paper_count = $3, interests = $4, updated_at = $5 WHERE id = $6',
  unsubscribe: `UPDATE subscribers SET status = 'unsubscribed', unsubscribed_at = $1, updated_at = $1,
      confirm_expires_at = NULL
    WHERE id = $2 AND status IN ('pending', 'confirmed')`,
  setStatus: 'UPDATE subscribers SET status = $1, updated_at = $2 WHERE id = $3',
  softBounce: `UPDATE subscribers SET soft_bounces = soft_bounces + 1, updated_at = $1,
      status = CASE WHEN soft_bounces + 1 >= $2 AND status IN ('confirmed', 'pending') THEN 'bounced' ELSE status END
    WHERE id = $3 RETURNING status`,
  // expirePending, in one transaction: first the never-confirmed rows, then the re-subscribes.
  deleteExpired:
    "DELETE FROM subscribers WHERE status = 'pending' AND confirm_expires_at <= $1 AND confirmed_at IS NULL",
  revertExpired: `UPDATE subscribers SET status = 'unsubscribed', confirm_expires_at = NULL, updated_at = $1
    WHERE status = 'pending' AND confirm_expires_at <= $2`,
  confirmedAfter: `SELECT ${COLUMNS} FROM subscribers WHERE status = 'confirmed' AND id > $1 ORDER BY id LIMIT $2`,
  countByStatus: 'SELECT status, count(*) AS n FROM subscribers GROUP BY status',
};

/** A subscribe request's settings, as $1–$6 of SUBSCRIBER_SQL.insert and .resubscribe. */
export const requestParams = (prefs: Preferences, now: number, confirmExpiresAt: number) =>
  [
    prefs.frequency,
    prefs.weekday,
    prefs.paperCount,
    JSON.stringify(prefs.interests),
    iso(now),
    confirmExpiresAt,
  ] as const;

/** setPreferences' parameters, in SUBSCRIBER_SQL.setPreferences' order. */
export const preferenceParams = (id: number, prefs: Preferences, now: number) =>
  [prefs.frequency, prefs.weekday, prefs.paperCount, JSON.stringify(prefs.interests), iso(now), id] as const;

/** Whether a subscribe request reopens an existing row (see requestSubscription). */
export const reopens = (status: SubscriberStatus) => status === 'pending' || status === 'unsubscribed';

export interface SubscriberRow {
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

export function toSubscriber(r: SubscriberRow): Subscriber {
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

export const countsByStatus = (rows: { status: string; n: number | string }[]): Record<string, number> =>
  Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
