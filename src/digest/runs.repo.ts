/**
 * Digest runs: one row per planning-and-sending run, its counts, and runs interrupted by a gone
 * holder. One class per dialect (runs.sqlite.repo.ts, runs.pg.repo.ts), shared statements.
 */
import { iso } from '../db/statements.ts';
import type { DigestRun, DigestRunCounts, DigestRunStatus } from './types.ts';

export type RunEnd = { status: Exclude<DigestRunStatus, 'running'>; message: string; at: number };

export interface DigestRuns {
  startRun(slot: string, trigger: DigestRun['trigger'], holder: string, now: number): Promise<number>;
  updateRun(id: number, counts: DigestRunCounts, finished?: RunEnd): Promise<void>;
  /** Runs still marked running whose holder is gone become interrupted. */
  interruptRuns(holders: (holder: string) => boolean, now: number): Promise<number>;
  recentRuns(limit: number): Promise<DigestRun[]>;
}

/** The statements of both dialects, `$n` placeholders (SQLite prepares them through sqliteText). */
export const RUN_SQL = {
  start: `INSERT INTO digest_runs (slot, started_by, holder, started_at, status) VALUES ($1, $2, $3, $4, 'running')
    RETURNING id`,
  update: `UPDATE digest_runs SET planned = $1, skipped_empty = $2, sent = $3, failed = $4, expired = $5,
      status = coalesce($6, status), message = coalesce($7, message), finished_at = coalesce($8, finished_at)
    WHERE id = $9`,
  running: "SELECT id, holder FROM digest_runs WHERE status = 'running'",
  interrupt: `UPDATE digest_runs SET status = 'interrupted', finished_at = $1,
      message = 'the sending process stopped before the run finished'
    WHERE id = $2 AND status = 'running'`,
  recent: 'SELECT * FROM digest_runs ORDER BY id DESC LIMIT $1',
};

/** updateRun's parameters, in RUN_SQL.update's order. */
export const updateParams = (id: number, counts: DigestRunCounts, finished?: RunEnd) =>
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
  ] as const;

/** The id RUN_SQL.start returned (an INSERT … RETURNING always returns its row). */
export function startedId(row: { id: number | string } | undefined): number {
  if (!row) throw new Error('digest_runs: INSERT … RETURNING id returned no row');
  return Number(row.id);
}

export interface RunRow {
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

export const toRun = (r: RunRow): DigestRun => ({
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
});
