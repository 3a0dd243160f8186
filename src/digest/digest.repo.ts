/**
 * All digest SQL, one statement per operation for both dialects (see src/db/sql.ts). The outbox's
 * guarantees live here: the unique (subscriber_id, period) key makes planning idempotent across
 * re-runs and concurrent schedulers; a claim is one conditional UPDATE (SQLite serialises writers;
 * PostgreSQL skips rows another claimer has locked), and every later transition names the lease
 * holder, so a sender whose lease lapsed cannot overwrite the next holder's result.
 */
import type { Param, SqlRunner, Statement } from '../db/sql.ts';
import type {
  BounceKind,
  CandidatePaper,
  ClaimedRow,
  Consent,
  DigestRun,
  DigestRunCounts,
  DigestRunStatus,
  OutboxRow,
  OutboxStatus,
  PlannedDigest,
  Preferences,
  Subscriber,
  SubscriberStatus,
  SuppressionReason,
} from './types.ts';

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

const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

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

interface RunDbRow {
  id: number | string;
  slot: string;
  started_by: 'scheduler' | 'cli';
  holder: string;
  started_at: string;
  finished_at: string | null;
  status: DigestRunStatus;
  planned: number;
  skipped_empty: number;
  sent: number;
  failed: number;
  expired: number;
  message: string | null;
}

const iso = (ms: number) => new Date(ms).toISOString();
const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

export class DigestRepository {
  readonly #db: SqlRunner;

  constructor(db: SqlRunner) {
    this.#db = db;
  }

  get dialect() {
    return this.#db.dialect;
  }

  // ── subscribers ──────────────────────────────────────────────────────────

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

  // ── consent, suppression, rate limits, secrets ───────────────────────────

  async addConsent(subscriberId: number, c: Consent): Promise<void> {
    await this.#db.run(
      `INSERT INTO subscriber_consents (subscriber_id, action, at, form, ip_hash, settings, text_version)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      [subscriberId, c.action, c.at, c.form, c.ipHash, JSON.stringify(c.settings), c.textVersion],
    );
  }

  async consents(subscriberId: number): Promise<Consent[]> {
    const rows = await this.#db.all<{
      action: Consent['action'];
      at: string;
      form: string;
      ip_hash: string | null;
      settings: string;
      text_version: string;
    }>(
      'SELECT action, at, form, ip_hash, settings, text_version FROM subscriber_consents WHERE subscriber_id = ? ORDER BY id',
      [subscriberId],
    );
    return rows.map((r) => ({
      action: r.action,
      at: r.at,
      form: r.form,
      ipHash: r.ip_hash,
      settings: JSON.parse(r.settings),
      textVersion: r.text_version,
    }));
  }

  async suppress(emailHash: string, reason: SuppressionReason, now: number): Promise<void> {
    // A bounce or complaint outranks an erase request: a later erase must not soften it.
    await this.#db.run(
      `INSERT INTO digest_suppressions (email_hash, reason, created_at) VALUES (?, ?, ?)
       ON CONFLICT (email_hash) DO UPDATE SET reason = excluded.reason
       WHERE digest_suppressions.reason = 'erased'`,
      [emailHash, reason, iso(now)],
    );
  }

  /**
   * The send-time re-check in one read: the subscriber's status now (null: gone) and whether
   * their address is suppressed.
   */
  async sendable(
    subscriberId: number,
    emailHash: string,
  ): Promise<{ status: SubscriberStatus | null; suppressed: SuppressionReason | null }> {
    const rows = await this.#db.all<{ status: SubscriberStatus; suppressed: SuppressionReason | null }>(
      `SELECT status, (SELECT reason FROM digest_suppressions WHERE email_hash = ?) AS suppressed
       FROM subscribers WHERE id = ?`,
      [emailHash, subscriberId],
    );
    return { status: rows[0]?.status ?? null, suppressed: rows[0]?.suppressed ?? null };
  }

  /**
   * `sendable` for a claimed batch in two reads (ids and address hashes as placeholders): the
   * sender checks a batch when it claims it, moments before sending, and per row only when
   * that check has gone stale.
   */
  async sendableMany(
    subs: readonly { id: number; emailHash: string }[],
  ): Promise<Map<number, { status: SubscriberStatus | null; suppressed: SuppressionReason | null }>> {
    const out = new Map<number, { status: SubscriberStatus | null; suppressed: SuppressionReason | null }>();
    if (subs.length === 0) return out;
    const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');
    const status = await this.#db.all<{ id: number | string; status: SubscriberStatus }>(
      `SELECT id, status FROM subscribers WHERE id IN (${marks(subs.length)})`,
      subs.map((s) => s.id),
    );
    const hashes = [...new Set(subs.map((s) => s.emailHash))];
    const supp = await this.#db.all<{ email_hash: string; reason: SuppressionReason }>(
      `SELECT email_hash, reason FROM digest_suppressions WHERE email_hash IN (${marks(hashes.length)})`,
      hashes,
    );
    const byId = new Map(status.map((r) => [Number(r.id), r.status]));
    const byHash = new Map(supp.map((r) => [r.email_hash, r.reason]));
    for (const s of subs)
      out.set(s.id, { status: byId.get(s.id) ?? null, suppressed: byHash.get(s.emailHash) ?? null });
    return out;
  }

  async suppression(emailHash: string): Promise<SuppressionReason | null> {
    const rows = await this.#db.all<{ reason: SuppressionReason }>(
      'SELECT reason FROM digest_suppressions WHERE email_hash = ?',
      [emailHash],
    );
    return rows[0]?.reason ?? null;
  }

  /** Lifts an `erased` suppression (the person subscribed again and confirmed); others stay. */
  async liftErasure(emailHash: string): Promise<void> {
    await this.#db.run("DELETE FROM digest_suppressions WHERE email_hash = ? AND reason = 'erased'", [
      emailHash,
    ]);
  }

  /** Fixed-window counter: the count within the current window after this hit. */
  async rateHit(key: string, windowMs: number, now: number): Promise<number> {
    const rows = await this.#db.all<{ count: number }>(
      `INSERT INTO digest_rate (key, window_start, count) VALUES (?, ?, 1)
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN digest_rate.window_start <= ? THEN 1 ELSE digest_rate.count + 1 END,
         window_start = CASE WHEN digest_rate.window_start <= ? THEN excluded.window_start ELSE digest_rate.window_start END
       RETURNING count`,
      [key, now, now - windowMs, now - windowMs],
    );
    return Number(rows[0]?.count ?? 1);
  }

  /** The stored secret `name`, storing `candidate` first when there is none (first writer wins). */
  async secret(name: string, candidate: string): Promise<string> {
    await this.#db.run(
      'INSERT INTO digest_secrets (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING',
      [name, candidate, new Date().toISOString()],
    );
    const rows = await this.#db.all<{ value: string }>('SELECT value FROM digest_secrets WHERE name = ?', [
      name,
    ]);
    return rows[0]!.value;
  }

  // ── papers, read for composing ───────────────────────────────────────────

  /**
   * Papers first submitted in [from, to) (ISO), newest first: the composer's candidates. Read here
   * in one query of the columns it needs, rather than one PaperRepository.get() per paper,
   * because a weekly window over a busy archive holds thousands of papers.
   */
  async candidatePapers(from: string, to: string, limit: number): Promise<CandidatePaper[]> {
    const rows = await this.#db.all<{
      arxiv_id: string;
      title: string;
      abstract: string;
      authors_text: string;
      categories: string;
      submitted_at: string;
    }>(
      `SELECT arxiv_id, title, abstract, authors_text, categories, submitted_at FROM papers
       WHERE submitted_at >= ? AND submitted_at < ? AND withdrawn_at IS NULL
       ORDER BY submitted_at DESC, id DESC LIMIT ?`,
      [from, to, limit],
    );
    return rows.map((r) => ({
      arxivId: r.arxiv_id,
      title: r.title,
      abstract: r.abstract,
      authors: r.authors_text ? r.authors_text.split(', ') : [],
      categories: r.categories.split(' ').filter(Boolean),
      submittedAt: r.submitted_at,
    }));
  }

  // ── outbox ───────────────────────────────────────────────────────────────

  /** arXiv ids already sent (or planned) to each subscriber. */
  async sentPapers(subscriberIds: number[]): Promise<Map<number, Set<string>>> {
    const out = new Map<number, Set<string>>(subscriberIds.map((id) => [id, new Set<string>()]));
    for (let i = 0; i < subscriberIds.length; i += 500) {
      const ids = subscriberIds.slice(i, i + 500);
      const rows = await this.#db.all<{ subscriber_id: number | string; arxiv_id: string }>(
        `SELECT subscriber_id, arxiv_id FROM digest_items WHERE subscriber_id IN (${placeholders(ids.length)})`,
        ids,
      );
      for (const r of rows) out.get(Number(r.subscriber_id))?.add(r.arxiv_id);
    }
    return out;
  }

  /** Subscribers of `pairs` that already have an outbox row for their period. */
  async existingFor(pairs: { id: number; period: string }[]): Promise<Set<number>> {
    const out = new Set<number>();
    for (let i = 0; i < pairs.length; i += 400) {
      const chunk = pairs.slice(i, i + 400);
      const rows = await this.#db.all<{ subscriber_id: number | string }>(
        `SELECT subscriber_id FROM digest_outbox WHERE ${chunk.map(() => '(subscriber_id = ? AND period = ?)').join(' OR ')}`,
        chunk.flatMap((p) => [p.id, p.period]),
      );
      for (const r of rows) out.add(Number(r.subscriber_id));
    }
    return out;
  }

  /**
   * Records composed digests: a row per (subscriber, period) unless one exists (another run or
   * instance got there first), their papers, and the subscriber's last-digest slot — all in one
   * transaction, so a crash never leaves a digest without its papers. Returns rows inserted.
   */
  async plan(digests: PlannedDigest[], now: number): Promise<number> {
    if (digests.length === 0) return 0;
    const statements: Statement[] = [];
    for (const d of digests) {
      statements.push([
        `INSERT INTO digest_outbox (subscriber_id, period, status, run_id, message_id, papers,
           next_attempt_at, expires_at, created_at)
         VALUES (?, ?, 'pending', ?, ?, ?, ?, ?, ?) ON CONFLICT (subscriber_id, period) DO NOTHING`,
        [
          d.subscriberId,
          d.period,
          d.runId,
          d.messageId,
          JSON.stringify(d.papers),
          now,
          d.expiresAt,
          iso(now),
        ],
      ]);
      // The row of this (subscriber, period), ours or the one another run got in first (whose body
      // it already has: composing is deterministic, and both are written in one transaction).
      statements.push([
        `INSERT INTO digest_bodies (outbox_id, subject, text_body, html_body)
         SELECT id, ?, ?, ? FROM digest_outbox WHERE subscriber_id = ? AND period = ?
         ON CONFLICT (outbox_id) DO NOTHING`,
        [d.subject, d.text, d.html, d.subscriberId, d.period],
      ]);
      if (d.papers.length > 0) {
        statements.push([
          `INSERT INTO digest_items (subscriber_id, arxiv_id, period) VALUES ${d.papers.map(() => '(?, ?, ?)').join(', ')}
           ON CONFLICT (subscriber_id, arxiv_id) DO NOTHING`,
          d.papers.flatMap((p) => [d.subscriberId, p, d.period]),
        ]);
      }
      statements.push([
        'UPDATE subscribers SET last_digest_at = ? WHERE id = ? AND (last_digest_at IS NULL OR last_digest_at < ?)',
        [d.slot, d.subscriberId, d.slot],
      ]);
    }
    const changes = await this.#db.batch(statements);
    let inserted = 0;
    let i = 0;
    for (const d of digests) {
      inserted += changes[i]!;
      i += d.papers.length > 0 ? 4 : 3;
    }
    return inserted;
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

  // ── runs ─────────────────────────────────────────────────────────────────

  async startRun(slot: string, trigger: DigestRun['trigger'], holder: string, now: number): Promise<number> {
    const rows = await this.#db.all<{ id: number | string }>(
      `INSERT INTO digest_runs (slot, started_by, holder, started_at, status) VALUES (?, ?, ?, ?, 'running') RETURNING id`,
      [slot, trigger, holder, iso(now)],
    );
    return Number(rows[0]!.id);
  }

  async updateRun(
    id: number,
    counts: DigestRunCounts,
    finished?: { status: Exclude<DigestRunStatus, 'running'>; message: string; at: number },
  ): Promise<void> {
    await this.#db.run(
      `UPDATE digest_runs SET planned = ?, skipped_empty = ?, sent = ?, failed = ?, expired = ?,
         status = coalesce(?, status), message = coalesce(?, message), finished_at = coalesce(?, finished_at)
       WHERE id = ?`,
      [
        counts.planned,
        counts.skippedEmpty,
        counts.sent,
        counts.failed,
        counts.expired,
        finished?.status ?? null,
        finished?.message ?? null,
        finished ? iso(finished.at) : null,
        id,
      ],
    );
  }

  /** Runs still marked running whose holder is gone become interrupted. */
  async interruptRuns(holders: (holder: string) => boolean, now: number): Promise<number> {
    const running = await this.#db.all<{ id: number | string; holder: string }>(
      "SELECT id, holder FROM digest_runs WHERE status = 'running'",
    );
    let n = 0;
    for (const r of running) {
      if (!holders(r.holder)) continue;
      n += await this.#db.run(
        "UPDATE digest_runs SET status = 'interrupted', finished_at = ?, message = 'the sending process stopped before the run finished' WHERE id = ? AND status = 'running'",
        [iso(now), Number(r.id)],
      );
    }
    return n;
  }

  async recentRuns(limit: number): Promise<DigestRun[]> {
    const rows = await this.#db.all<RunDbRow>('SELECT * FROM digest_runs ORDER BY id DESC LIMIT ?', [limit]);
    return rows.map((r) => ({
      id: Number(r.id),
      slot: r.slot,
      trigger: r.started_by,
      holder: r.holder,
      startedAt: r.started_at,
      finishedAt: r.finished_at,
      status: r.status,
      planned: Number(r.planned),
      skippedEmpty: Number(r.skipped_empty),
      sent: Number(r.sent),
      failed: Number(r.failed),
      expired: Number(r.expired),
      message: r.message,
    }));
  }

  // ── bounces, export, erase ───────────────────────────────────────────────

  async logBounce(
    subscriberId: number | null,
    kind: BounceKind,
    statusCode: string | null,
    detail: string,
    now: number,
  ): Promise<void> {
    await this.#db.run(
      'INSERT INTO digest_bounces (subscriber_id, kind, status_code, detail, at) VALUES (?, ?, ?, ?, ?)',
      [subscriberId, kind, statusCode, detail.slice(0, 1000), iso(now)],
    );
  }

  async bounces(
    subscriberId: number,
  ): Promise<{ kind: BounceKind; statusCode: string | null; detail: string | null; at: string }[]> {
    const rows = await this.#db.all<{
      kind: BounceKind;
      status_code: string | null;
      detail: string | null;
      at: string;
    }>('SELECT kind, status_code, detail, at FROM digest_bounces WHERE subscriber_id = ? ORDER BY id', [
      subscriberId,
    ]);
    return rows.map((r) => ({ kind: r.kind, statusCode: r.status_code, detail: r.detail, at: r.at }));
  }

  async sentPaperList(subscriberId: number): Promise<{ arxivId: string; period: string }[]> {
    const rows = await this.#db.all<{ arxiv_id: string; period: string }>(
      'SELECT arxiv_id, period FROM digest_items WHERE subscriber_id = ? ORDER BY period, arxiv_id',
      [subscriberId],
    );
    return rows.map((r) => ({ arxivId: r.arxiv_id, period: r.period }));
  }

  /** Deletes everything about a subscriber and keeps only a keyed hash of the address. */
  async erase(subscriberId: number, emailHash: string, now: number): Promise<void> {
    await this.#db.batch([
      [
        `INSERT INTO digest_suppressions (email_hash, reason, created_at) VALUES (?, 'erased', ?)
         ON CONFLICT (email_hash) DO NOTHING`,
        [emailHash, iso(now)],
      ],
      ['DELETE FROM digest_bounces WHERE subscriber_id = ?', [subscriberId]],
      ['DELETE FROM digest_items WHERE subscriber_id = ?', [subscriberId]],
      [
        'DELETE FROM digest_bodies WHERE outbox_id IN (SELECT id FROM digest_outbox WHERE subscriber_id = ?)',
        [subscriberId],
      ],
      ['DELETE FROM digest_outbox WHERE subscriber_id = ?', [subscriberId]],
      ['DELETE FROM subscriber_consents WHERE subscriber_id = ?', [subscriberId]],
      ['DELETE FROM subscribers WHERE id = ?', [subscriberId]],
    ]);
  }
}
