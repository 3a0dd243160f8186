/**
 * DigestOutbox on PostgreSQL (see outbox.repo.ts): the shared statements as they are. A claim
 * skips rows another claimer has locked (`FOR UPDATE SKIP LOCKED`); id lists are one array
 * parameter; a body is read as bytes by convert_to (the stored UTF-8 as it is).
 */
import type pg from 'pg';
import { inTransaction } from '../db/postgres.ts';
import { iso, num } from '../db/statements.ts';
import {
  type ClaimedBodyRow,
  type ClaimedStateRow,
  claimedBodiesSql,
  claimParams,
  claimSql,
  countsByPeriod,
  type DigestOutbox,
  finishParams,
  latest,
  type OutboxDbRow,
  OUTBOX_SQL as Q,
  retryParams,
  toOutbox,
  withBodies,
} from './outbox.repo.ts';
import type { ClaimedRow, OutboxRow, OutboxStatus } from './types.ts';

const LOCK = ' FOR UPDATE SKIP LOCKED';
const CLAIM = {
  lapsed: claimSql('lapsed', false, LOCK),
  lapsedIn: claimSql('lapsed', true, LOCK),
  due: claimSql('due', false, LOCK),
  dueIn: claimSql('due', true, LOCK),
};
const CLAIMED_BODIES = claimedBodiesSql((c) => `convert_to(${c}, 'UTF8')`, '= ANY($1::bigint[])');
const RENEW_LEASES = `UPDATE digest_outbox SET lease_until = $1
  WHERE status = 'sending' AND lease_holder = $2 AND id = ANY($3::bigint[])`;
const MARK_SENT = `UPDATE digest_outbox SET status = 'sent', sent_at = $1, lease_holder = NULL, lease_until = 0, last_error = NULL
  WHERE id = ANY($2::bigint[]) AND status = 'sending' AND lease_holder = $3
  RETURNING id`;

export class PgDigestOutbox implements DigestOutbox {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async claim(
    holder: string,
    now: number,
    leaseMs: number,
    limit: number,
    period?: string,
  ): Promise<ClaimedRow[]> {
    const [lapsed, due] = period ? [CLAIM.lapsedIn, CLAIM.dueIn] : [CLAIM.lapsed, CLAIM.due];
    const take = async (sql: string, n: number) =>
      (await this.#pool.query<ClaimedStateRow>(sql, claimParams(holder, now, leaseMs, n, period))).rows;
    const rows = await take(lapsed, limit);
    if (rows.length < limit) rows.push(...(await take(due, limit - rows.length)));
    if (rows.length === 0) return [];
    const bodies = await this.#pool.query<ClaimedBodyRow>(CLAIMED_BODIES, [rows.map((r) => Number(r.id))]);
    return withBodies(rows, bodies.rows);
  }

  async releaseClaimsOfGone(isGone: (holder: string) => boolean, now: number): Promise<number> {
    const holders = await this.#pool.query<{ lease_holder: string }>(Q.claimHolders, [now]);
    let n = 0;
    for (const { lease_holder: holder } of holders.rows)
      if (isGone(holder)) n += (await this.#pool.query(Q.releaseHolder, [now, holder])).rowCount ?? 0;
    return n;
  }

  async renewLeases(ids: number[], holder: string, until: number): Promise<void> {
    if (ids.length === 0) return;
    await this.#pool.query(RENEW_LEASES, [until, holder, ids]);
  }

  async markSent(id: number, holder: string, now: number): Promise<boolean> {
    return (await this.markSentMany([{ id, at: now }], holder))[0] === true;
  }

  async markSentMany(rows: readonly { id: number; at: number }[], holder: string): Promise<boolean[]> {
    if (rows.length === 0) return [];
    const done = await this.#pool.query<{ id: string }>(MARK_SENT, [
      iso(latest(rows)),
      rows.map((r) => r.id),
      holder,
    ]);
    const ours = new Set(done.rows.map((r) => Number(r.id)));
    return rows.map((r) => ours.has(r.id));
  }

  async retryLater(
    id: number,
    holder: string,
    nextAttemptAt: number,
    error: string,
    refund: boolean,
  ): Promise<boolean> {
    const res = await this.#pool.query(Q.retryLater, [
      ...retryParams(id, holder, nextAttemptAt, error, refund),
    ]);
    return (res.rowCount ?? 0) > 0;
  }

  async finish(
    id: number,
    holder: string,
    status: 'failed' | 'expired' | 'skipped',
    error: string,
  ): Promise<boolean> {
    return inTransaction(this.#pool, async (c) => {
      const n = (await c.query(Q.finish, [...finishParams(id, holder, status, error)])).rowCount ?? 0;
      await c.query(Q.freePapers, [id, status]);
      return n > 0;
    });
  }

  async expireOverdue(now: number): Promise<number> {
    return inTransaction(this.#pool, async (c) => {
      await c.query(Q.freeOverduePapers, [now]);
      return (await c.query(Q.expireOverdue, [now])).rowCount ?? 0;
    });
  }

  async nextDue(period?: string): Promise<number | null> {
    const res = period
      ? await this.#pool.query<{ t: string | null }>(Q.nextDueIn, [period])
      : await this.#pool.query<{ t: string | null }>(Q.nextDue);
    return num(res.rows[0]?.t ?? null);
  }

  async outbox(id: number): Promise<OutboxRow | null> {
    const r = (await this.#pool.query<OutboxDbRow>(Q.byId, [id])).rows[0];
    return r ? toOutbox(r) : null;
  }

  async outboxFor(subscriberId: number): Promise<OutboxRow[]> {
    return (await this.#pool.query<OutboxDbRow>(Q.bySubscriber, [subscriberId])).rows.map(toOutbox);
  }

  async outboxByMessageId(messageId: string): Promise<OutboxRow | null> {
    const r = (await this.#pool.query<OutboxDbRow>(Q.byMessageId, [messageId])).rows[0];
    return r ? toOutbox(r) : null;
  }

  async periodCounts(
    limitPeriods: number,
  ): Promise<{ period: string; counts: Partial<Record<OutboxStatus, number>> }[]> {
    const res = await this.#pool.query<{ period: string; status: OutboxStatus; n: string }>(Q.periodCounts, [
      limitPeriods,
    ]);
    return countsByPeriod(res.rows);
  }
}
