/** IngestRunRepository on SQLite: one row per run, counts refreshed as pages commit. */
import type { DatabaseSync } from 'node:sqlite';
import type {
  IngestCounts,
  IngestIssue,
  IngestRun,
  IngestRunRepository,
  IngestRunStatus,
  IngestRunUpdate,
} from './repository.ts';

interface RunRow {
  id: number;
  source: string;
  params: string;
  status: IngestRunStatus;
  started_at: string;
  finished_at: string | null;
  holder: string;
  resumed: number;
  requests: number;
  seen: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  withdrawn: number;
  featured: number;
  error_count: number;
  errors: string;
  message: string | null;
}

const COUNT_COLUMNS =
  'seen = ?, inserted = ?, updated = ?, unchanged = ?, rejected = ?, withdrawn = ?, featured = ?';

export function countsArgs(c: IngestCounts): number[] {
  return [c.seen, c.inserted, c.updated, c.unchanged, c.rejected, c.withdrawn, c.featured];
}

export function runFromRow(r: RunRow): IngestRun {
  return {
    id: Number(r.id),
    source: r.source,
    params: JSON.parse(r.params) as Record<string, unknown>,
    status: r.status,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    holder: r.holder,
    resumed: Boolean(r.resumed),
    requests: Number(r.requests),
    counts: {
      seen: Number(r.seen),
      inserted: Number(r.inserted),
      updated: Number(r.updated),
      unchanged: Number(r.unchanged),
      rejected: Number(r.rejected),
      withdrawn: Number(r.withdrawn),
      featured: Number(r.featured),
    },
    errorCount: Number(r.error_count),
    errors: JSON.parse(r.errors) as IngestIssue[],
    message: r.message,
  };
}

/** The prepared statements, one typed member each: a misspelt name fails to compile. */
function statements(db: DatabaseSync) {
  const p = (sql: string) => db.prepare(sql);
  return {
    start: p(`INSERT INTO ingest_runs (source, params, status, started_at, holder, resumed)
      VALUES (?, ?, 'running', ?, ?, ?)`),
    progress: p(`UPDATE ingest_runs SET ${COUNT_COLUMNS}, requests = ?, error_count = ?, errors = ?
      WHERE id = ? AND status = 'running'`),
    finish: p(`UPDATE ingest_runs SET ${COUNT_COLUMNS}, requests = ?, error_count = ?, errors = ?, status = ?,
      message = ?, finished_at = ? WHERE id = ?`),
    interrupt: p(`UPDATE ingest_runs SET status = 'interrupted', message = ?, finished_at = ?
      WHERE source = ? AND status = 'running' RETURNING id`),
    recent: p('SELECT * FROM ingest_runs ORDER BY id DESC LIMIT ?'),
    get: p('SELECT * FROM ingest_runs WHERE id = ?'),
  };
}

export class SqliteIngestRunRepository implements IngestRunRepository {
  readonly #s: ReturnType<typeof statements>;

  constructor(db: DatabaseSync) {
    this.#s = statements(db);
  }

  async start(run: { source: string; params: Record<string, unknown>; holder: string; resumed: boolean }) {
    const r = this.#s.start.run(
      run.source,
      JSON.stringify(run.params),
      new Date().toISOString(),
      run.holder,
      run.resumed ? 1 : 0,
    );
    return Number(r.lastInsertRowid);
  }

  async progress(id: number, u: IngestRunUpdate): Promise<void> {
    this.#s.progress.run(...countsArgs(u.counts), u.requests, u.errorCount, JSON.stringify(u.errors), id);
  }

  async finish(
    id: number,
    u: IngestRunUpdate & { status: Exclude<IngestRunStatus, 'running'>; message: string },
  ) {
    this.#s.finish.run(
      ...countsArgs(u.counts),
      u.requests,
      u.errorCount,
      JSON.stringify(u.errors),
      u.status,
      u.message,
      new Date().toISOString(),
      id,
    );
  }

  async interruptStale(source: string, message: string): Promise<number[]> {
    const rows = this.#s.interrupt.all(message, new Date().toISOString(), source) as { id: number }[];
    return rows.map((r) => Number(r.id));
  }

  async recent(limit: number): Promise<IngestRun[]> {
    return (this.#s.recent.all(limit) as unknown as RunRow[]).map(runFromRow);
  }

  async get(id: number): Promise<IngestRun | null> {
    const row = this.#s.get.get(id) as unknown as RunRow | undefined;
    return row ? runFromRow(row) : null;
  }
}
