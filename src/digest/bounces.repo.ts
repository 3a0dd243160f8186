/** Bounces and the suppression list (hashed addresses that must not be mailed), read again at send time. */
import { iso, type SqlRunner } from '../db/sql.ts';
import type { BounceKind, SubscriberStatus, SuppressionReason } from './types.ts';

export class DigestBounces {
  readonly #db: SqlRunner;

  constructor(db: SqlRunner) {
    this.#db = db;
  }

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
}
