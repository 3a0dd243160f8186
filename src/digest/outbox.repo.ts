/**
 * The outbox: claims, sends and the later states of a planned digest. Its guarantees live here:
 * the unique (subscriber_id, period) key makes planning idempotent across re-runs and concurrent
 * schedulers (planning.repo.ts); a claim is one conditional UPDATE (SQLite serialises writers;
 * PostgreSQL skips rows another claimer has locked), and every later transition names the lease
 * holder, so a sender whose lease lapsed cannot overwrite the next holder's result.
 */
import { iso, num, placeholders, type SqlRunner } from '../db/sql.ts';
import type { ClaimedRow, OutboxRow, OutboxStatus } from './types.ts';

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
const OUTBOX_STATE = STATE_COLUMNS.join(', ');
const OUTBOX_SELECT = `SELECT ${STATE_COLUMNS.map((c) => `o.${c}`).join(', ')}, b.subject, b.text_body, b.html_body
  FROM digest_outbox o JOIN digest_bodies b ON b.outbox_id = o.id`;

interface OutboxDbRow {
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

function toOutbox(r: OutboxDbRow): OutboxRow {
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

export class DigestOutbox {
  readonly #db: SqlRunner;

  constructor(db: SqlRunner) {
    this.#db = db;
  }

  /**
   * Leases up to `limit` rows that are due: sending with a lapsed lease (their sender died), then
   * pending and past their retry time, earliest first. Each claim counts as an attempt. Each kind
   * is one conditional UPDATE over its own index range (SQLite serialises writers; PostgreSQL
   * skips rows another claimer has locked), so a claim costs the same at the end of a big run as
   * at its start.
   */
  async claim(
    holder: string,
    now: number,
    leaseMs: number,
    limit: number,
    period?: string,
  ): Promise<ClaimedRow[]> {
    const skipLocked = this.#db.dialect === 'postgres' ? ' FOR UPDATE SKIP LOCKED' : '';
    const byPeriod = period ? ' AND period = ?' : '';
    const take = (due: string, order: string, n: number) =>
      this.#db.all<Omit<OutboxDbRow, 'subject' | 'text_body' | 'html_body'>>(
        // No second `due` check outside the subquery: SQLite runs the statement under its write
        // lock, and PostgreSQL's FOR UPDATE re-checks a row's latest version before locking it.
        // (Repeated outside, it made SQLite walk the whole due index once per claim.)
        `UPDATE digest_outbox SET status = 'sending', lease_holder = ?, lease_until = ?, attempts = attempts + 1
         WHERE id IN (SELECT id FROM digest_outbox WHERE ${due}${byPeriod} ORDER BY ${order} LIMIT ?${skipLocked})
         RETURNING ${OUTBOX_STATE}`,
        [holder, now + leaseMs, now, ...(period ? [period] : []), n],
      );
    const rows = await take("status = 'sending' AND lease_until <= ?", 'lease_until', limit);
    if (rows.length < limit)
      rows.push(
        ...(await take(
          "status = 'pending' AND next_attempt_at <= ?",
          'next_attempt_at',
          limit - rows.length,
        )),
      );
    if (rows.length === 0) return [];
    // The bodies as bytes: SQLite's BLOB cast and PostgreSQL's convert_to hand over the stored
    // UTF-8 as it is (the one other place the dialects differ).
    const bytes = (c: string) =>
      this.#db.dialect === 'postgres' ? `convert_to(${c}, 'UTF8')` : `CAST(${c} AS BLOB)`;
    const bodies = new Map(
      (
        await this.#db.all<{
          outbox_id: number | string;
          subject: string;
          text: Uint8Array;
          html: Uint8Array;
          email: string;
        }>(
          `SELECT b.outbox_id, b.subject, ${bytes('b.text_body')} AS text, ${bytes('b.html_body')} AS html, s.email
           FROM digest_bodies b JOIN digest_outbox o ON o.id = b.outbox_id JOIN subscribers s ON s.id = o.subscriber_id
           WHERE b.outbox_id IN (${placeholders(rows.length)})`,
          rows.map((r) => Number(r.id)),
        )
      ).map((b) => [Number(b.outbox_id), b]),
    );
    const buffer = (u: Uint8Array) =>
      Buffer.isBuffer(u) ? u : Buffer.from(u.buffer, u.byteOffset, u.byteLength);
    // A row without its body was erased in between; it is gone, not ours to send.
    return rows
      .flatMap((r) => {
        const b = bodies.get(Number(r.id));
        if (!b) return [];
        const row = toOutbox({ ...r, subject: b.subject, text_body: '', html_body: '' });
        return [{ ...row, text: buffer(b.text), html: buffer(b.html), email: b.email }];
      })
      .sort((a, b) => a.id - b.id);
  }

  /**
   * Lets the leases of senders that are provably gone (`isGone`, jobs/holder.ts) lapse now, so the
   * next claim takes their rows at once instead of after `digestLeaseMs`. Returns how many rows.
   * Few rows are ever in `sending` (a few batches per live sender), read through the status index.
   */
  async releaseClaimsOfGone(isGone: (holder: string) => boolean, now: number): Promise<number> {
    const holders = await this.#db.all<{ lease_holder: string }>(
      `SELECT DISTINCT lease_holder FROM digest_outbox
       WHERE status = 'sending' AND lease_until > ? AND lease_holder IS NOT NULL`,
      [now],
    );
    let n = 0;
    for (const { lease_holder: holder } of holders) {
      if (!isGone(holder)) continue;
      n += await this.#db.run(
        `UPDATE digest_outbox SET lease_until = ? WHERE status = 'sending' AND lease_holder = ? AND lease_until > ?`,
        [now, holder, now],
      );
    }
    return n;
  }

  async renewLeases(ids: number[], holder: string, until: number): Promise<void> {
    if (ids.length === 0) return;
    await this.#db.run(
      `UPDATE digest_outbox SET lease_until = ? WHERE status = 'sending' AND lease_holder = ? AND id IN (${placeholders(ids.length)})`,
      [until, holder, ...ids],
    );
  }

  /** sending → sent; false when the lease was lost meanwhile (another sender owns the row now). */
  async markSent(id: number, holder: string, now: number): Promise<boolean> {
    return (await this.markSentMany([{ id, at: now }], holder))[0]!;
  }

  /**
   * markSent for several rows in one statement (one commit instead of one per message: the
   * commit, not the update, is what costs), `sent_at` the latest of their times. Per row: still
   * ours and now sent?
   */
  async markSentMany(rows: readonly { id: number; at: number }[], holder: string): Promise<boolean[]> {
    if (rows.length === 0) return [];
    const at = Math.max(...rows.map((r) => r.at));
    const done = await this.#db.all<{ id: number | string }>(
      `UPDATE digest_outbox SET status = 'sent', sent_at = ?, lease_holder = NULL, lease_until = 0, last_error = NULL
       WHERE id IN (${placeholders(rows.length)}) AND status = 'sending' AND lease_holder = ?
       RETURNING id`,
      [iso(at), ...rows.map((r) => r.id), holder],
    );
    const ours = new Set(done.map((r) => Number(r.id)));
    return rows.map((r) => ours.has(r.id));
  }

  /** sending → pending for a retry at `nextAttemptAt`; `refund` un-counts the attempt (server outage). */
  async retryLater(
    id: number,
    holder: string,
    nextAttemptAt: number,
    error: string,
    refund: boolean,
  ): Promise<boolean> {
    const n = await this.#db.run(
      `UPDATE digest_outbox SET status = 'pending', next_attempt_at = ?, lease_holder = NULL, lease_until = 0,
         last_error = ?, attempts = attempts - ?
       WHERE id = ? AND status = 'sending' AND lease_holder = ?`,
      [nextAttemptAt, error.slice(0, 500), refund ? 1 : 0, id, holder],
    );
    return n > 0;
  }

  /**
   * sending → failed | expired | skipped. A digest that never went out frees its papers, so they
   * can be offered again in the next one.
   */
  async finish(
    id: number,
    holder: string,
    status: 'failed' | 'expired' | 'skipped',
    error: string,
  ): Promise<boolean> {
    const [n] = await this.#db.batch([
      [
        `UPDATE digest_outbox SET status = ?, lease_holder = NULL, lease_until = 0, last_error = ?
         WHERE id = ? AND status = 'sending' AND lease_holder = ?`,
        [status, error.slice(0, 500), id, holder],
      ],
      [
        `DELETE FROM digest_items WHERE (subscriber_id, period) IN
           (SELECT subscriber_id, period FROM digest_outbox WHERE id = ? AND status = ? AND lease_holder IS NULL)`,
        [id, status],
      ],
    ]);
    return (n ?? 0) > 0;
  }

  /** Digests past the end of their period that nobody is sending: expired, papers freed. */
  async expireOverdue(now: number): Promise<number> {
    const [, n] = await this.#db.batch([
      [
        `DELETE FROM digest_items WHERE (subscriber_id, period) IN
           (SELECT subscriber_id, period FROM digest_outbox WHERE expires_at <= ?
              AND (status = 'pending' OR (status = 'sending' AND lease_until <= ?)))`,
        [now, now],
      ],
      [
        `UPDATE digest_outbox SET status = 'expired', lease_holder = NULL, lease_until = 0,
           last_error = coalesce(last_error, 'period ended before it could be sent')
         WHERE expires_at <= ? AND (status = 'pending' OR (status = 'sending' AND lease_until <= ?))`,
        [now, now],
      ],
    ]);
    return n ?? 0;
  }

  /** When the earliest unsent row becomes claimable (null: none left). */
  async nextDue(period?: string): Promise<number | null> {
    const rows = await this.#db.all<{ t: number | string | null }>(
      `SELECT min(CASE WHEN status = 'pending' THEN next_attempt_at ELSE lease_until END) AS t
       FROM digest_outbox WHERE status IN ('pending', 'sending')${period ? ' AND period = ?' : ''}`,
      period ? [period] : [],
    );
    return num(rows[0]?.t ?? null);
  }

  async outbox(id: number): Promise<OutboxRow | null> {
    const rows = await this.#db.all<OutboxDbRow>(`${OUTBOX_SELECT} WHERE o.id = ?`, [id]);
    return rows[0] ? toOutbox(rows[0]) : null;
  }

  async outboxFor(subscriberId: number): Promise<OutboxRow[]> {
    const rows = await this.#db.all<OutboxDbRow>(`${OUTBOX_SELECT} WHERE o.subscriber_id = ? ORDER BY o.id`, [
      subscriberId,
    ]);
    return rows.map(toOutbox);
  }

  async outboxByMessageId(messageId: string): Promise<OutboxRow | null> {
    const rows = await this.#db.all<OutboxDbRow>(`${OUTBOX_SELECT} WHERE o.message_id = ?`, [messageId]);
    return rows[0] ? toOutbox(rows[0]) : null;
  }

  /** Row counts per period and status, newest periods first. */
  async periodCounts(
    limitPeriods: number,
  ): Promise<{ period: string; counts: Partial<Record<OutboxStatus, number>> }[]> {
    const rows = await this.#db.all<{ period: string; status: OutboxStatus; n: number | string }>(
      `SELECT period, status, count(*) AS n FROM digest_outbox
       WHERE period IN (SELECT DISTINCT period FROM digest_outbox ORDER BY period DESC LIMIT ?)
       GROUP BY period, status ORDER BY period DESC`,
      [limitPeriods],
    );
    const out = new Map<string, Partial<Record<OutboxStatus, number>>>();
    for (const r of rows) {
      const c = out.get(r.period) ?? {};
      c[r.status] = Number(r.n);
      out.set(r.period, c);
    }
    return [...out].map(([period, counts]) => ({ period, counts }));
  }
}
