/**
 * The outbox: claims, sends and the later states of a planned digest. Its guarantees live here:
 * the unique (subscriber_id, period) key makes planning idempotent across re-runs and concurrent
 * schedulers (planning.repo.ts); a claim is one conditional UPDATE (SQLite serialises writers;
 * PostgreSQL skips rows another claimer has locked), and every later transition names the lease
 * holder, so a sender whose lease lapsed cannot overwrite the next holder's result.
 *
 * One class per dialect (outbox.sqlite.repo.ts, outbox.pg.repo.ts). The statements here are
 * shared; each class has its own text where the engines differ: the claim's row lock (`FOR UPDATE
 * SKIP LOCKED` on PostgreSQL), reading a body as bytes, and id lists (a JSON array through
 * json_each on SQLite, an array parameter on PostgreSQL).
 */
import { num } from '../db/statements.ts';
import type { ClaimedRow, OutboxRow, OutboxStatus } from './types.ts';

export interface DigestOutbox {
  /**
   * Leases up to `limit` rows that are due: sending with a lapsed lease (their sender died), then
   * pending and past their retry time, earliest first. Each claim counts as an attempt. Each kind
   * is one conditional UPDATE over its own index range, so a claim costs the same at the end of a
   * big run as at its start.
   */
  claim(holder: string, now: number, leaseMs: number, limit: number, period?: string): Promise<ClaimedRow[]>;
  /**
   * Lets the leases of senders that are provably gone (`isGone`, src/shared/holder.ts) lapse now, so the
   * next claim takes their rows at once instead of after `digestLeaseMs`. Returns how many rows.
   * Few rows are ever in `sending` (a few batches per live sender), read through the status index.
   */
  releaseClaimsOfGone(isGone: (holder: string) => boolean, now: number): Promise<number>;
  renewLeases(ids: number[], holder: string, until: number): Promise<void>;
  /** sending → sent; false when the lease was lost meanwhile (another sender owns the row now). */
  markSent(id: number, holder: string, now: number): Promise<boolean>;
  /**
   * markSent for several rows in one statement (one commit instead of one per message: the
   * commit, not the update, is what costs), `sent_at` the latest of their times. Per row: still
   * ours and now sent?
   */
  markSentMany(rows: readonly { id: number; at: number }[], holder: string): Promise<boolean[]>;
  /** sending → pending for a retry at `nextAttemptAt`; `refund` un-counts the attempt (server outage). */
  retryLater(
    id: number,
    holder: string,
    nextAttemptAt: number,
    error: string,
    refund: boolean,
  ): Promise<boolean>;
  /**
   * sending → failed | expired | skipped. A digest that never went out frees its papers, so they
   * can be offered again in the next one.
   */
  finish(
    id: number,
    holder: string,
    status: 'failed' | 'expired' | 'skipped',
    error: string,
  ): Promise<boolean>;
  /** Digests past the end of their period that nobody is sending: expired, papers freed. */
  expireOverdue(now: number): Promise<number>;
  /** When the earliest unsent row becomes claimable (null: none left). */
  nextDue(period?: string): Promise<number | null>;
  outbox(id: number): Promise<OutboxRow | null>;
  outboxFor(subscriberId: number): Promise<OutboxRow[]>;
  outboxByMessageId(messageId: string): Promise<OutboxRow | null>;
  /** Row counts per period and status, newest periods first. */
  periodCounts(
    limitPeriods: number,
  ): Promise<{ period: string; counts: Partial<Record<OutboxStatus, number>> }[]>;
}

// The row's state; its body (subject, text, html) lives in digest_bodies, written once at planning,
// so the frequent state changes rewrite a short record (see migration 009).
const STATE_COLUMNS = [
  'id',
  'subscriber_id',
  'period',
  'status',
  'run_id',
  'message_id',
  'papers',
  'attempts',
  'next_attempt_at',
  'lease_holder',
  'lease_until',
  'expires_at',
  'created_at',
  'sent_at',
  'last_error',
];
const OUTBOX_SELECT = `SELECT ${STATE_COLUMNS.map((c) => `o.${c}`).join(', ')}, b.subject, b.text_body, b.html_body
  FROM digest_outbox o JOIN digest_bodies b ON b.outbox_id = o.id`;

/**
 * A claim of one kind of due row: `lapsed` (sending, lease over; oldest lease first) or `due`
 * (pending, retry time reached; earliest first). $1 holder, $2 lease end, $3 now, $4 how many,
 * $5 the period when `byPeriod`. `lock` is PostgreSQL's row lock clause ('' on SQLite).
 */
export function claimSql(kind: 'lapsed' | 'due', byPeriod: boolean, lock: string): string {
  const [due, order] =
    kind === 'lapsed'
      ? ["status = 'sending' AND lease_until <= $3", 'lease_until']
      : ["status = 'pending' AND next_attempt_at <= $3", 'next_attempt_at'];
  // No second `due` check outside the subquery: SQLite runs the statement under its write lock,
  // and PostgreSQL's FOR UPDATE re-checks a row's latest version before locking it. (Repeated
  // outside, it made SQLite walk the whole due index once per claim.)
  return `UPDATE digest_outbox SET status = 'sending', lease_holder = $1, lease_until = $2, attempts = attempts + 1
    WHERE id IN (SELECT id FROM digest_outbox WHERE ${due}${byPeriod ? ' AND period = $5' : ''}
      ORDER BY ${order} LIMIT $4${lock})
    RETURNING ${STATE_COLUMNS.join(', ')}`;
}

/** A claim's parameters, in claimSql's order. */
export const claimParams = (holder: string, now: number, leaseMs: number, n: number, period?: string) =>
  period ? [holder, now + leaseMs, now, n, period] : [holder, now + leaseMs, now, n];

/** The bodies of claimed rows, read as bytes (`bytes` wraps a column in the dialect's cast). */
export const claimedBodiesSql = (bytes: (column: string) => string, idList: string) =>
  `SELECT b.outbox_id, b.subject, ${bytes('b.text_body')} AS text, ${bytes('b.html_body')} AS html, s.email
  FROM digest_bodies b JOIN digest_outbox o ON o.id = b.outbox_id JOIN subscribers s ON s.id = o.subscriber_id
  WHERE b.outbox_id ${idList}`;

/** The statements of both dialects, `$n` placeholders (SQLite prepares them through sqliteText). */
export const OUTBOX_SQL = {
  claimHolders: `SELECT DISTINCT lease_holder FROM digest_outbox
    WHERE status = 'sending' AND lease_until > $1 AND lease_holder IS NOT NULL`,
  releaseHolder: `UPDATE digest_outbox SET lease_until = $1
    WHERE status = 'sending' AND lease_holder = $2 AND lease_until > $1`,
  retryLater: `UPDATE digest_outbox SET status = 'pending', next_attempt_at = $1, lease_holder = NULL, lease_until = 0,
      last_error = $2, attempts = attempts - $3
    WHERE id = $4 AND status = 'sending' AND lease_holder = $5`,
  // finish, in one transaction: the row's new state, then (if it is ours and now final) its papers.
  finish: `UPDATE digest_outbox SET status = $1, lease_holder = NULL, lease_until = 0, last_error = $2
    WHERE id = $3 AND status = 'sending' AND lease_holder = $4`,
  freePapers: `DELETE FROM digest_items WHERE (subscriber_id, period) IN
    (SELECT subscriber_id, period FROM digest_outbox WHERE id = $1 AND status = $2 AND lease_holder IS NULL)`,
  // expireOverdue, in one transaction: the papers first, then the rows.
  freeOverduePapers: `DELETE FROM digest_items WHERE (subscriber_id, period) IN
    (SELECT subscriber_id, period FROM digest_outbox WHERE expires_at <= $1
      AND (status = 'pending' OR (status = 'sending' AND lease_until <= $1)))`,
  expireOverdue: `UPDATE digest_outbox SET status = 'expired', lease_holder = NULL, lease_until = 0,
      last_error = coalesce(last_error, 'period ended before it could be sent')
    WHERE expires_at <= $1 AND (status = 'pending' OR (status = 'sending' AND lease_until <= $1))`,
  nextDue: `SELECT min(CASE WHEN status = 'pending' THEN next_attempt_at ELSE lease_until END) AS t
    FROM digest_outbox WHERE status IN ('pending', 'sending')`,
  nextDueIn: `SELECT min(CASE WHEN status = 'pending' THEN next_attempt_at ELSE lease_until END) AS t
    FROM digest_outbox WHERE status IN ('pending', 'sending') AND period = $1`,
  byId: `${OUTBOX_SELECT} WHERE o.id = $1`,
  bySubscriber: `${OUTBOX_SELECT} WHERE o.subscriber_id = $1 ORDER BY o.id`,
  byMessageId: `${OUTBOX_SELECT} WHERE o.message_id = $1`,
  periodCounts: `SELECT period, status, count(*) AS n FROM digest_outbox
    WHERE period IN (SELECT DISTINCT period FROM digest_outbox ORDER BY period DESC LIMIT $1)
    GROUP BY period, status ORDER BY period DESC`,
};

/** retryLater's and finish's parameters, in their statements' order (errors cut to what is kept). */
export const retryParams = (
  id: number,
  holder: string,
  nextAttemptAt: number,
  error: string,
  refund: boolean,
) => [nextAttemptAt, error.slice(0, 500), refund ? 1 : 0, id, holder] as const;
export const finishParams = (id: number, holder: string, status: string, error: string) =>
  [status, error.slice(0, 500), id, holder] as const;

/** markSentMany's `sent_at`: the latest of the rows' times. */
export const latest = (rows: readonly { at: number }[]) => Math.max(...rows.map((r) => r.at));

export interface OutboxDbRow {
  id: number | string;
  subscriber_id: number | string;
  period: string;
  status: OutboxStatus;
  run_id: number | string | null;
  message_id: string;
  subject: string;
  text_body: string;
  html_body: string;
  papers: string;
  attempts: number;
  next_attempt_at: number | string;
  lease_holder: string | null;
  lease_until: number | string;
  expires_at: number | string;
  created_at: string;
  sent_at: string | null;
  last_error: string | null;
}

/** A row claimSql returned: the state without the body. */
export type ClaimedStateRow = Omit<OutboxDbRow, 'subject' | 'text_body' | 'html_body'>;

/** A row of claimedBodiesSql. */
export interface ClaimedBodyRow {
  outbox_id: number | string;
  subject: string;
  text: Uint8Array;
  html: Uint8Array;
  email: string;
}

export function toOutbox(r: OutboxDbRow): OutboxRow {
  return {
    id: Number(r.id),
    subscriberId: Number(r.subscriber_id),
    period: r.period,
    status: r.status,
    runId: num(r.run_id),
    messageId: r.message_id,
    subject: r.subject,
    text: r.text_body,
    html: r.html_body,
    papers: JSON.parse(r.papers),
    attempts: Number(r.attempts),
    nextAttemptAt: Number(r.next_attempt_at),
    leaseHolder: r.lease_holder,
    leaseUntil: Number(r.lease_until),
    expiresAt: Number(r.expires_at),
    createdAt: r.created_at,
    sentAt: r.sent_at,
    lastError: r.last_error,
  };
}

const buffer = (u: Uint8Array) =>
  Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);

/**
 * The claimed rows with their bodies (as the stored UTF-8 bytes) and addresses, in id order. A row
 * without its body was erased in between; it is gone, not ours to send.
 */
export function withBodies(
  rows: readonly ClaimedStateRow[],
  bodyRows: readonly ClaimedBodyRow[],
): ClaimedRow[] {
  const bodies = new Map(bodyRows.map((b) => [Number(b.outbox_id), b]));
  return rows
    .flatMap((r) => {
      const b = bodies.get(Number(r.id));
      if (!b) return [];
      const row = toOutbox({ ...r, subject: b.subject, text_body: '', html_body: '' });
      return [{ ...row, text: buffer(b.text), html: buffer(b.html), email: b.email }];
    })
    .sort((a, b) => a.id - b.id);
}

/** Row counts per period and status, from OUTBOX_SQL.periodCounts' rows (already newest first). */
export function countsByPeriod(
  rows: readonly { period: string; status: OutboxStatus; n: number | string }[],
): { period: string; counts: Partial<Record<OutboxStatus, number>> }[] {
  const out = new Map<string, Partial<Record<OutboxStatus, number>>>();
  for (const r of rows) {
    const c = out.get(r.period) ?? {};
    c[r.status] = Number(r.n);
    out.set(r.period, c);
  }
  return [...out].map(([period, counts]) => ({ period, counts }));
}
