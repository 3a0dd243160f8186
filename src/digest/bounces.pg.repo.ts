/** DigestBounces on PostgreSQL (see bounces.repo.ts): the shared statements as they are. */
import type pg from 'pg';
import { iso } from '../db/statements.ts';
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

export class PgDigestBounces implements DigestBounces {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async logBounce(
    subscriberId: number | null,
    kind: BounceKind,
    statusCode: string | null,
    detail: string,
    now: number,
  ): Promise<void> {
    await this.#pool.query(BOUNCE_SQL.log, [
      ...bounceParams(subscriberId, kind, statusCode, detail, iso(now)),
    ]);
  }

  async bounces(subscriberId: number): Promise<Bounce[]> {
    return (await this.#pool.query<BounceRow>(BOUNCE_SQL.list, [subscriberId])).rows.map(toBounce);
  }

  async suppress(emailHash: string, reason: SuppressionReason, now: number): Promise<void> {
    await this.#pool.query(BOUNCE_SQL.suppress, [emailHash, reason, iso(now)]);
  }

  async sendable(subscriberId: number, emailHash: string): Promise<Sendable> {
    const r = (await this.#pool.query<Sendable>(BOUNCE_SQL.sendable, [emailHash, subscriberId])).rows[0];
    return { status: r?.status ?? null, suppressed: r?.suppressed ?? null };
  }

  async sendableMany(subs: readonly { id: number; emailHash: string }[]): Promise<Map<number, Sendable>> {
    if (subs.length === 0) return new Map();
    const statuses = await this.#pool.query<{ id: string; status: SubscriberStatus }>(
      'SELECT id, status FROM subscribers WHERE id = ANY($1::bigint[])',
      [subs.map((s) => s.id)],
    );
    const suppressions = await this.#pool.query<{ email_hash: string; reason: SuppressionReason }>(
      'SELECT email_hash, reason FROM digest_suppressions WHERE email_hash = ANY($1::text[])',
      [distinctHashes(subs)],
    );
    return sendableMap(subs, statuses.rows, suppressions.rows);
  }

  async suppression(emailHash: string): Promise<SuppressionReason | null> {
    const res = await this.#pool.query<{ reason: SuppressionReason }>(BOUNCE_SQL.suppression, [emailHash]);
    return res.rows[0]?.reason ?? null;
  }

  async liftErasure(emailHash: string): Promise<void> {
    await this.#pool.query(BOUNCE_SQL.liftErasure, [emailHash]);
  }
}
