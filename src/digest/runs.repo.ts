/** Digest runs: one row per planning-and-sending run, its counts, and runs interrupted by a gone holder. */
import { iso, type SqlRunner } from '../db/sql.ts';
import type { DigestRun, DigestRunCounts, DigestRunStatus } from './types.ts';

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

export class DigestRuns {
  readonly #db: SqlRunner;

  constructor(db: SqlRunner) {
    this.#db = db;
  }

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
}
