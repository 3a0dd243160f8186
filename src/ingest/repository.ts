/**
 * Ingest's own storage: saved cursors of long jobs and the record of every run. The dialect
 * classes (cursors.*.repo.ts, runs.*.repo.ts) are built by the composition root, src/app/.
 */

export interface CursorRepository {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

export type IngestRunStatus = 'running' | 'ok' | 'partial' | 'failed' | 'interrupted';

export interface IngestCounts {
  /** Entries read from upstream (accepted + rejected). */
  seen: number;
  inserted: number;
  updated: number;
  unchanged: number;
  /** Entries refused by the parsers (and duplicates dropped within a page). */
  rejected: number;
  withdrawn: number;
  featured: number;
}

export interface IngestIssue {
  where: string;
  reason: string;
}

export interface IngestRun {
  id: number;
  source: string;
  /** What was asked: since/until/categories/ids…, as given to the runner. */
  params: Record<string, unknown>;
  status: IngestRunStatus;
  startedAt: string;
  finishedAt: string | null;
  /** `host:pid:nonce` of the process that ran it. */
  holder: string;
  /** Continued a harvest a previous run left unfinished (its counts include that part). */
  resumed: boolean;
  requests: number;
  counts: IngestCounts;
  /** Total issues; only the first few are kept in `errors`. */
  errorCount: number;
  errors: IngestIssue[];
  /** One line an operator reads first: how it ended and why. */
  message: string | null;
}

export interface IngestRunUpdate {
  counts: IngestCounts;
  requests: number;
  errorCount: number;
  errors: IngestIssue[];
}

/** The record of every ingest run (shown at /admin/ingest). */
export interface IngestRunRepository {
  start(run: {
    source: string;
    params: Record<string, unknown>;
    holder: string;
    resumed: boolean;
  }): Promise<number>;
  progress(id: number, update: IngestRunUpdate): Promise<void>;
  finish(
    id: number,
    update: IngestRunUpdate & { status: Exclude<IngestRunStatus, 'running'>; message: string },
  ): Promise<void>;
  /**
   * Runs of `source` still marked running (their process died: the caller holds the source's
   * lease) become `interrupted` with `message`. Returns their ids.
   */
  interruptStale(source: string, message: string): Promise<number[]>;
  /** Newest first. */
  recent(limit: number): Promise<IngestRun[]>;
  get(id: number): Promise<IngestRun | null>;
}
