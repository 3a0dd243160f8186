/** IngestRunRepository on PostgreSQL; same rows and semantics as runs.sqlite.repo.ts. */
import type pg from 'pg';
import { named } from '../db/statements.ts';
import type { IngestRun, IngestRunRepository, IngestRunStatus, IngestRunUpdate } from './repository.ts';
import { countsArgs, runFromRow } from './runs.sqlite.repo.ts';

type RunRow = Parameters<typeof runFromRow>[0];

/** `seen = $1, …, featured = $7`, then requests, error_count, errors: ten parameters. */
const UPDATE_COLUMNS = `seen = $1, inserted = $2, updated = $3, unchanged = $4, rejected = $5, withdrawn = $6,
  featured = $7, requests = $8, error_count = $9, errors = $10`;

/**
 * The row's columns by name rather than `*`: a named statement keeps its result shape, and a
 * column added by a later migration would make PostgreSQL refuse the cached plan
 * ("cached plan must not change result type") on connections that prepared it before.
 */
const RUN_COLUMNS = `id, source, params, status, started_at, finished_at, holder, resumed, requests, seen,
  inserted, updated, unchanged, rejected, withdrawn, featured, error_count, errors, message`;

const S = named('ingestRuns', {
  start: `INSERT INTO ingest_runs (source, params, status, started_at, holder, resumed)
      VALUES ($1, $2, 'running', $3, $4, $5) RETURNING id`,
  progress: `UPDATE ingest_runs SET ${UPDATE_COLUMNS} WHERE id = $11 AND status = 'running'`,
  finish: `UPDATE ingest_runs SET ${UPDATE_COLUMNS}, status = $11, message = $12, finished_at = $13 WHERE id = $14`,
  interruptStale: `UPDATE ingest_runs SET status = 'interrupted', message = $1, finished_at = $2
      WHERE source = $3 AND status = 'running' RETURNING id`,
  recent: `SELECT ${RUN_COLUMNS} FROM ingest_runs ORDER BY id DESC LIMIT $1`,
  get: `SELECT ${RUN_COLUMNS} FROM ingest_runs WHERE id = $1`,
});

const updateArgs = (u: IngestRunUpdate) => [
  ...countsArgs(u.counts),
  u.requests,
  u.errorCount,
  JSON.stringify(u.errors),
];

export class PgIngestRunRepository implements IngestRunRepository {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async start(run: { source: string; params: Record<string, unknown>; holder: string; resumed: boolean }) {
    const res = await this.#pool.query<{ id: string }>({
      ...S.start,
      values: [run.source, JSON.stringify(run.params), new Date().toISOString(), run.holder, run.resumed],
    });
    return Number(res.rows[0]!.id);
  }

  async progress(id: number, u: IngestRunUpdate): Promise<void> {
    await this.#pool.query({ ...S.progress, values: [...updateArgs(u), id] });
  }

  async finish(
    id: number,
    u: IngestRunUpdate & { status: Exclude<IngestRunStatus, 'running'>; message: string },
  ) {
    await this.#pool.query({
      ...S.finish,
      values: [...updateArgs(u), u.status, u.message, new Date().toISOString(), id],
    });
  }

  async interruptStale(source: string, message: string): Promise<number[]> {
    const res = await this.#pool.query<{ id: string }>({
      ...S.interruptStale,
      values: [message, new Date().toISOString(), source],
    });
    return res.rows.map((r) => Number(r.id)).sort((a, b) => a - b);
  }

  async recent(limit: number): Promise<IngestRun[]> {
    const res = await this.#pool.query<RunRow>({ ...S.recent, values: [limit] });
    return res.rows.map(runFromRow);
  }

  async get(id: number): Promise<IngestRun | null> {
    const res = await this.#pool.query<RunRow>({ ...S.get, values: [id] });
    return res.rows[0] ? runFromRow(res.rows[0]) : null;
  }
}
