/** DigestRuns on SQLite (see runs.repo.ts): the shared statements, prepared once. */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { changes, iso, sqliteText } from '../db/statements.ts';
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

export class SqliteDigestRuns implements DigestRuns {
  readonly #start: StatementSync;
  readonly #update: StatementSync;
  readonly #running: StatementSync;
  readonly #interrupt: StatementSync;
  readonly #recent: StatementSync;

  constructor(db: DatabaseSync) {
    const p = (sql: string) => db.prepare(sqliteText(sql));
    this.#start = p(RUN_SQL.start);
    this.#update = p(RUN_SQL.update);
    this.#running = p(RUN_SQL.running);
    this.#interrupt = p(RUN_SQL.interrupt);
    this.#recent = p(RUN_SQL.recent);
  }

  async startRun(slot: string, trigger: DigestRun['trigger'], holder: string, now: number): Promise<number> {
    return startedId(this.#start.get(slot, trigger, holder, iso(now)) as { id: number } | undefined);
  }

  async updateRun(id: number, counts: DigestRunCounts, finished?: RunEnd): Promise<void> {
    this.#update.run(...updateParams(id, counts, finished));
  }

  async interruptRuns(holders: (holder: string) => boolean, now: number): Promise<number> {
    let n = 0;
    for (const r of this.#running.all() as { id: number; holder: string }[])
      if (holders(r.holder)) n += changes(this.#interrupt.run(iso(now), r.id));
    return n;
  }

  async recentRuns(limit: number): Promise<DigestRun[]> {
    return (this.#recent.all(limit) as unknown as RunRow[]).map(toRun);
  }
}
