/** DigestBounces on SQLite (see bounces.repo.ts): the shared statements, prepared once. */
import type { DatabaseSync } from 'node:sqlite';
import { iso, sqliteText } from '../db/statements.ts';
import {
  BOUNCE_SQL,
  type Bounce,
  type BounceRow,
  bounceParams,
  type DigestBounces,
  distinctHashes,
  type Sendable,
  sendableMap,
  toBounce,
} from './bounces.repo.ts';
import type { BounceKind, SubscriberStatus, SuppressionReason } from './types.ts';

/** The prepared statements, one typed member each: a misspelt name fails to compile. */
function statements(db: DatabaseSync) {
  const p = (sql: string) => db.prepare(sqliteText(sql));
  return {
    log: p(BOUNCE_SQL.log),
    list: p(BOUNCE_SQL.list),
    suppress: p(BOUNCE_SQL.suppress),
    sendable: p(BOUNCE_SQL.sendable),
    suppression: p(BOUNCE_SQL.suppression),
    liftErasure: p(BOUNCE_SQL.liftErasure),
    // A batch's ids and hashes as one JSON array each: one statement for any batch size.
    statuses: p('SELECT id, status FROM subscribers WHERE id IN (SELECT value FROM json_each(?))'),
    suppressions: p(
      'SELECT email_hash, reason FROM digest_suppressions WHERE email_hash IN (SELECT value FROM json_each(?))',
    ),
  };
}

export class SqliteDigestBounces implements DigestBounces {
  readonly #s: ReturnType<typeof statements>;

  constructor(db: DatabaseSync) {
    this.#s = statements(db);
  }

  async logBounce(
    subscriberId: number | null,
    kind: BounceKind,
    statusCode: string | null,
    detail: string,
    now: number,
  ): Promise<void> {
    this.#s.log.run(...bounceParams(subscriberId, kind, statusCode, detail, iso(now)));
  }

  async bounces(subscriberId: number): Promise<Bounce[]> {
    return (this.#s.list.all(subscriberId) as unknown as BounceRow[]).map(toBounce);
  }

  async suppress(emailHash: string, reason: SuppressionReason, now: number): Promise<void> {
    this.#s.suppress.run(emailHash, reason, iso(now));
  }

  async sendable(subscriberId: number, emailHash: string): Promise<Sendable> {
    const r = this.#s.sendable.get(emailHash, subscriberId) as Sendable | undefined;
    return { status: r?.status ?? null, suppressed: r?.suppressed ?? null };
  }

  async sendableMany(subs: readonly { id: number; emailHash: string }[]): Promise<Map<number, Sendable>> {
    if (subs.length === 0) return new Map();
    const statuses = this.#s.statuses.all(JSON.stringify(subs.map((s) => s.id))) as {
      id: number;
      status: SubscriberStatus;
    }[];
    const suppressions = this.#s.suppressions.all(JSON.stringify(distinctHashes(subs))) as {
      email_hash: string;
      reason: SuppressionReason;
    }[];
    return sendableMap(subs, statuses, suppressions);
  }

  async suppression(emailHash: string): Promise<SuppressionReason | null> {
    const r = this.#s.suppression.get(emailHash) as { reason: SuppressionReason } | undefined;
    return r?.reason ?? null;
  }

  async liftErasure(emailHash: string): Promise<void> {
    this.#s.liftErasure.run(emailHash);
  }
}
