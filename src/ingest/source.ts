/**
 * The one interface every upstream source implements. A source knows its protocol (URLs, paging,
 * formats); the runner (runner.ts) owns what they share: the saved cursor, the database lease,
 * politeness through the one HTTP client, idempotent commits and the recorded run.
 */
import type { IngestBatch, IngestBatchResult } from '../papers/repository.ts';
import type { HttpResponse } from './http.ts';
import type { ParseIssue } from './parsers/types.ts';
import type { IngestStore } from './store.ts';

export const SOURCE_NAMES = ['oai', 'arxiv-api', 'rss', 'daily-papers'] as const;
export type SourceName = (typeof SOURCE_NAMES)[number];

interface CommitOptions {
  /**
   * The harvest is complete: the saved state becomes the starting point of the next harvest and
   * the running counts are cleared. Until then, counts ride in the cursor so that a run resuming
   * after a crash reports exact totals for the whole harvest.
   */
  done: boolean;
  /** Records read but left out of the batch because merging them changed nothing. */
  unchanged?: number;
}

export interface SourceContext<S> {
  /** GET through the shared client, with this run's retry notes and cancellation. */
  fetch(url: string, headers?: Record<string, string>): Promise<HttpResponse>;
  /** For reads only (merging with stored papers); writes go through `commit`. */
  store: IngestStore;
  /** Clock for "today" and the parsers' future-date check. */
  now(): Date;
  signal: AbortSignal;
  dryRun: boolean;
  /** The state the last committed page saved; null when this source never ran. */
  state: S | null;
  /** A harvest was left unfinished by an earlier run and this run continues it. */
  resumed: boolean;
  /** The source drops the unfinished harvest (e.g. `--since` starts over): its counts go too. */
  startOver(): void;
  /** Records refused by a parser: counted as rejected with the next commit, listed in the run. */
  reject(issues: ParseIssue[]): void;
  /** Something an operator should see that is not a rejected record (a restart, a salvage). */
  note(where: string, reason: string): void;
  /**
   * One page in one transaction with `state`, so a crash never separates data from position.
   * In a dry run nothing is written and the result is null.
   */
  commit(batch: IngestBatch, state: S, options: CommitOptions): Promise<IngestBatchResult | null>;
  /** For the progress bar; `total` null when upstream does not say (OAI at arXiv). */
  progress(done: number, total: number | null, detail: string): void;
}

export interface SourceResult {
  /** Appended to the run's closing message, e.g. "3 pages; feed unchanged (304)". */
  detail: string;
}

export interface Source<S = unknown> {
  readonly name: SourceName;
  /** One saved position per source and list parameters (e.g. per OAI set and format). */
  readonly cursorKey: string;
  /** Recorded with the run: what was asked. */
  readonly params: Record<string, unknown>;
  /** Throws to fail the run; the cursor keeps the last committed page for the next run. */
  run(ctx: SourceContext<S>): Promise<SourceResult>;
}

/** A page-level failure (truncated document, protocol error) after its retries. */
export class SourceError extends Error {
  override name = 'SourceError';
}
