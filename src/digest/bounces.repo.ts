/**
 * Bounces and the suppression list (hashed addresses that must not be mailed), read again at send
 * time. One class per dialect (bounces.sqlite.repo.ts, bounces.pg.repo.ts); the statements are
 * shared except the batch check's lists (a JSON array on SQLite, an array parameter on PostgreSQL).
 */
import type { BounceKind, SubscriberStatus, SuppressionReason } from './types.ts';

export interface Sendable {
  status: SubscriberStatus | null;
  suppressed: SuppressionReason | null;
}

export interface Bounce {
  kind: BounceKind;
  statusCode: string | null;
  detail: string | null;
  at: string;
}

export interface DigestBounces {
  logBounce(
    subscriberId: number | null,
    kind: BounceKind,
    statusCode: string | null,
    detail: string,
    now: number,
  ): Promise<void>;
  bounces(subscriberId: number): Promise<Bounce[]>;
  suppress(emailHash: string, reason: SuppressionReason, now: number): Promise<void>;
  /**
   * The send-time re-check in one read: the subscriber's status now (null: gone) and whether
   * their address is suppressed.
   */
  sendable(subscriberId: number, emailHash: string): Promise<Sendable>;
  /**
   * `sendable` for a claimed batch in two reads (ids, then address hashes): the sender checks a
   * batch when it claims it, moments before sending, and per row only when that check has gone stale.
   */
  sendableMany(subs: readonly { id: number; emailHash: string }[]): Promise<Map<number, Sendable>>;
  suppression(emailHash: string): Promise<SuppressionReason | null>;
  /** Lifts an `erased` suppression (the person subscribed again and confirmed); others stay. */
  liftErasure(emailHash: string): Promise<void>;
}

/** The statements of both dialects, `$n` placeholders (SQLite prepares them through sqliteText). */
export const BOUNCE_SQL = {
  log: 'INSERT INTO digest_bounces (subscriber_id, kind, status_code, detail, at) VALUES ($1, $2, $3, $4, $5)',
  list: 'SELECT kind, status_code, detail, at FROM digest_bounces WHERE subscriber_id = $1 ORDER BY id',
  // A bounce or complaint outranks an erase request: a later erase must not soften it.
  suppress: `INSERT INTO digest_suppressions (email_hash, reason, created_at) VALUES ($1, $2, $3)
    ON CONFLICT (email_hash) DO UPDATE SET reason = excluded.reason
    WHERE digest_suppressions.reason = 'erased'`,
  sendable: `SELECT status, (SELECT reason FROM digest_suppressions WHERE email_hash = $1) AS suppressed
    FROM subscribers WHERE id = $2`,
  suppression: 'SELECT reason FROM digest_suppressions WHERE email_hash = $1',
  liftErasure: "DELETE FROM digest_suppressions WHERE email_hash = $1 AND reason = 'erased'",
};

/** logBounce's parameters, in BOUNCE_SQL.log's order (the detail cut to what the table keeps). */
export const bounceParams = (
  subscriberId: number | null,
  kind: BounceKind,
  statusCode: string | null,
  detail: string,
  at: string,
) => [subscriberId, kind, statusCode, detail.slice(0, 1000), at] as const;

export interface BounceRow {
  kind: BounceKind;
  status_code: string | null;
  detail: string | null;
  at: string;
}

export const toBounce = (r: BounceRow): Bounce => ({
  kind: r.kind,
  statusCode: r.status_code,
  detail: r.detail,
  at: r.at,
});

/** The distinct address hashes of a batch, as sendableMany's second read takes them. */
export const distinctHashes = (subs: readonly { emailHash: string }[]) => [
  ...new Set(subs.map((s) => s.emailHash)),
];

/** sendableMany's answer from its two reads, one entry per asked subscriber. */
export function sendableMap(
  subs: readonly { id: number; emailHash: string }[],
  statuses: readonly { id: number | string; status: SubscriberStatus }[],
  suppressions: readonly { email_hash: string; reason: SuppressionReason }[],
): Map<number, Sendable> {
  const byId = new Map(statuses.map((r) => [Number(r.id), r.status]));
  const byHash = new Map(suppressions.map((r) => [r.email_hash, r.reason]));
  const out = new Map<number, Sendable>();
  for (const s of subs)
    out.set(s.id, { status: byId.get(s.id) ?? null, suppressed: byHash.get(s.emailHash) ?? null });
  return out;
}
