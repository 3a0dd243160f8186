/**
 * DigestOutbox on SQLite (see outbox.repo.ts): the shared statements, prepared once. SQLite
 * serialises writers, so a claim needs no row lock; id lists go in as one JSON array through
 * json_each, and a body is read as bytes by a BLOB cast (the stored UTF-8 as it is).
 */
import type { DatabaseSync } from 'node:sqlite';
import { changes, iso, num, sqliteText, sqliteTransaction } from '../db/statements.ts';
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
  OUTBOX_SQL,
  type OutboxDbRow,
  retryParams,
  toOutbox,
  withBodies,
} from './outbox.repo.ts';
import type { ClaimedRow, OutboxRow, OutboxStatus } from './types.ts';

const IDS = 'IN (SELECT value FROM json_each(?))';

/** The prepared statements, one typed member each: a misspelt name fails to compile. */
function statements(db: DatabaseSync) {
  const p = (sql: string) => db.prepare(sqliteText(sql));
  const q = OUTBOX_SQL;
  return {
    claimLapsed: p(claimSql('lapsed', false, '')),
    claimLapsedIn: p(claimSql('lapsed', true, '')),
    claimDue: p(claimSql('due', false, '')),
    claimDueIn: p(claimSql('due', true, '')),
    claimedBodies: p(claimedBodiesSql((c) => `CAST(${c} AS BLOB)`, IDS)),
    claimHolders: p(q.claimHolders),
    releaseHolder: p(q.releaseHolder),
    renewLeases: p(
      // `+status`: look the ids up by primary key rather than walk every 'sending' row's index entry.
      `UPDATE digest_outbox SET lease_until = ?1 WHERE +status = 'sending' AND lease_holder = ?2 AND id IN (SELECT value FROM json_each(?3))`,
    ),
    markSent:
      p(`UPDATE digest_outbox SET status = 'sent', sent_at = ?1, lease_holder = NULL, lease_until = 0, last_error = NULL
      WHERE id IN (SELECT value FROM json_each(?2)) AND +status = 'sending' AND lease_holder = ?3
      RETURNING id`),
    retryLater: p(q.retryLater),
    finish: p(q.finish),
    freePapers: p(q.freePapers),
    freeOverduePapers: p(q.freeOverduePapers),
    expireOverdue: p(q.expireOverdue),
    nextDue: p(q.nextDue),
    nextDueIn: p(q.nextDueIn),
    byId: p(q.byId),
    bySubscriber: p(q.bySubscriber),
    byMessageId: p(q.byMessageId),
    periodCounts: p(q.periodCounts),
  };
}

export class SqliteDigestOutbox implements DigestOutbox {
  readonly #db: DatabaseSync;
  readonly #s: ReturnType<typeof statements>;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#s = statements(db);
  }

  async claim(
    holder: string,
    now: number,
    leaseMs: number,
    limit: number,
    period?: string,
  ): Promise<ClaimedRow[]> {
    const s = this.#s;
    const [lapsed, due] = period ? [s.claimLapsedIn, s.claimDueIn] : [s.claimLapsed, s.claimDue];
    const rows = lapsed.all(
      ...claimParams(holder, now, leaseMs, limit, period),
    ) as unknown as ClaimedStateRow[];
    if (rows.length < limit)
      rows.push(
        ...(due.all(
          ...claimParams(holder, now, leaseMs, limit - rows.length, period),
        ) as unknown as ClaimedStateRow[]),
      );
    if (rows.length === 0) return [];
    const bodies = s.claimedBodies.all(JSON.stringify(rows.map((r) => Number(r.id))));
    return withBodies(rows, bodies as unknown as ClaimedBodyRow[]);
  }

  async releaseClaimsOfGone(isGone: (holder: string) => boolean, now: number): Promise<number> {
    let n = 0;
    for (const { lease_holder: holder } of this.#s.claimHolders.all(now) as { lease_holder: string }[])
      if (isGone(holder)) n += changes(this.#s.releaseHolder.run(now, holder));
    return n;
  }

  async renewLeases(ids: number[], holder: string, until: number): Promise<void> {
    if (ids.length === 0) return;
    this.#s.renewLeases.run(until, holder, JSON.stringify(ids));
  }

  async markSent(id: number, holder: string, now: number): Promise<boolean> {
    return (await this.markSentMany([{ id, at: now }], holder))[0] === true;
  }

  async markSentMany(rows: readonly { id: number; at: number }[], holder: string): Promise<boolean[]> {
    if (rows.length === 0) return [];
    const done = this.#s.markSent.all(iso(latest(rows)), JSON.stringify(rows.map((r) => r.id)), holder) as {
      id: number;
    }[];
    const ours = new Set(done.map((r) => r.id));
    return rows.map((r) => ours.has(r.id));
  }

  async retryLater(
    id: number,
    holder: string,
    nextAttemptAt: number,
    error: string,
    refund: boolean,
  ): Promise<boolean> {
    return changes(this.#s.retryLater.run(...retryParams(id, holder, nextAttemptAt, error, refund))) > 0;
  }

  async finish(
    id: number,
    holder: string,
    status: 'failed' | 'expired' | 'skipped',
    error: string,
  ): Promise<boolean> {
    return sqliteTransaction(this.#db, () => {
      const n = changes(this.#s.finish.run(...finishParams(id, holder, status, error)));
      this.#s.freePapers.run(id, status);
      return n > 0;
    });
  }

  async expireOverdue(now: number): Promise<number> {
    return sqliteTransaction(this.#db, () => {
      this.#s.freeOverduePapers.run(now);
      return changes(this.#s.expireOverdue.run(now));
    });
  }

  async nextDue(period?: string): Promise<number | null> {
    const r = (period ? this.#s.nextDueIn.get(period) : this.#s.nextDue.get()) as
      | { t: number | null }
      | undefined;
    return num(r?.t ?? null);
  }

  async outbox(id: number): Promise<OutboxRow | null> {
    const r = this.#s.byId.get(id) as OutboxDbRow | undefined;
    return r ? toOutbox(r) : null;
  }

  async outboxFor(subscriberId: number): Promise<OutboxRow[]> {
    return (this.#s.bySubscriber.all(subscriberId) as unknown as OutboxDbRow[]).map(toOutbox);
  }

  async outboxByMessageId(messageId: string): Promise<OutboxRow | null> {
    const r = this.#s.byMessageId.get(messageId) as OutboxDbRow | undefined;
    return r ? toOutbox(r) : null;
  }

  async periodCounts(
    limitPeriods: number,
  ): Promise<{ period: string; counts: Partial<Record<OutboxStatus, number>> }[]> {
    return countsByPeriod(
      this.#s.periodCounts.all(limitPeriods) as { period: string; status: OutboxStatus; n: number }[],
    );
  }
}
