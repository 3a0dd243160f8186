/** DigestRuns on PostgreSQL (see runs.repo.ts): the shared statements as they are. */
import type pg from 'pg';
import { iso } from '../db/statements.ts';
import {
  type DigestRuns,
  RUN_SQL,
  type RunEnd,
  type RunRow,
  startedId,
  toRun,
  updateParams,
} from './runs.repo.ts';
import type { DigestRun, DigestRunCounts } from './types.ts';

export class PgDigestRuns implements DigestRuns {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async startRun(slot: string, trigger: DigestRun['trigger'], holder: string, now: number): Promise<number> {
    const res = await this.#pool.query<{ id: string }>(RUN_SQL.start, [slot, trigger, holder, iso(now)]);
    return startedId(res.rows[0]);
  }

  async updateRun(id: number, counts: DigestRunCounts, finished?: RunEnd): Promise<void> {
    await this.#pool.query(RUN_SQL.update, [...updateParams(id, counts, finished)]);
  }

  async interruptRuns(holders: (holder: string) => boolean, now: number): Promise<number> {
    const running = await this.#pool.query<{ id: string; holder: string }>(RUN_SQL.running);
    let n = 0;
    for (const r of running.rows)
      if (holders(r.holder))
        n += (await this.#pool.query(RUN_SQL.interrupt, [iso(now), Number(r.id)])).rowCount ?? 0;
    return n;
  }

  async recentRuns(limit: number): Promise<DigestRun[]> {
    return (await this.#pool.query<RunRow>(RUN_SQL.recent, [limit])).rows.map(toRun);
  }
}
