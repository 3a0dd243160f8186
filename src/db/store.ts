/**
 * The one storage interface every database implements (SQLite embedded default, PostgreSQL for
 * scale-out). Services depend on this, never on a driver; the contract suite in
 * test/contract/ runs the same tests against every implementation.
 */
import type { DigestRepository } from '../digest/digest.repo.ts';
import type { FeedRepository } from '../feed/feed.ts';
import type { Paper, PaperInput, UpsertOutcome } from '../papers/paper.ts';
import type { PreparedPaper } from '../papers/prepared.ts';
import type { FirstRunRepository } from '../setup/first-run.repo.ts';
import type { CommunityRepository, UserRepository } from '../users/types.ts';

export type Dialect = 'sqlite' | 'postgres';

/** A saved position of a long job (import file offset, harvest resumption point). */
export interface Cursor {
  key: string;
  value: string;
}

/**
 * A keyword query as storage understands it: ANDed terms, each a word, prefix or phrase,
 * optionally negated or limited to one field. The search module builds it from user syntax; each
 * repository turns it into its dialect (FTS5 MATCH, tsquery), so user text never reaches SQL.
 */
export interface KeywordTerm {
  text: string;
  kind: 'word' | 'prefix' | 'phrase';
  negated: boolean;
  field?: 'title' | 'abstract' | 'authors' | 'categories';
}
export interface KeywordQuery {
  terms: KeywordTerm[];
}

export interface FeaturedInput {
  arxivId: string;
  /** YYYY-MM-DD, the day it entered the feed. */
  day: string;
  source: 'submission' | 'import' | 'rule';
  submittedBy: string | null;
  /** Upvotes carried over from an imported daily-papers list; kept apart from local votes. */
  importedUpvotes: number;
}

export interface Featured extends FeaturedInput {
  paperId: number;
  createdAt: string;
}

export interface BulkWriteOptions {
  /**
   * Write this batch's keyword-index entries without merging them into the existing index yet
   * (SQLite: FTS5 automerge off inside the transaction); finishBulkLoad() merges once at the end.
   */
  deferMerge?: boolean;
}

export interface PaperRepository {
  /**
   * Idempotent upsert through the version rules: a newer version replaces the record, the same
   * version with changed metadata updates it, an older version never overwrites. When `cursor` is
   * given it is saved in the same transaction, so a crash never separates data from position; a
   * function is called with the batch's outcomes (inside the transaction) to build it, so the
   * cursor can carry running counts that stay exact across crashes.
   */
  upsertMany(
    papers: PaperInput[],
    cursor?: Cursor | ((outcomes: UpsertOutcome[]) => Cursor),
  ): Promise<UpsertOutcome[]>;
  /** Same as upsertMany for records already flattened by preparePaper() (the bulk import path). */
  upsertPrepared(
    papers: PreparedPaper[],
    cursor?: Cursor | ((outcomes: UpsertOutcome[]) => Cursor),
    options?: BulkWriteOptions,
  ): Promise<UpsertOutcome[]>;
  /**
   * Ends a bulk load of `batches` upsertPrepared calls made with `deferMerge`: merges the keyword
   * index they left in pieces. Safe to call again (a crash during it loses nothing).
   */
  finishBulkLoad(batches: number, onStep?: (step: number) => void): Promise<void>;
  get(arxivId: string): Promise<Paper | null>;
  /** Newest first by v1 submission date. */
  latest(limit: number, offset: number): Promise<Paper[]>;
  count(): Promise<number>;
  feature(input: FeaturedInput): Promise<'inserted' | 'exists'>;
  featuredOn(day: string): Promise<Featured[]>;
  /**
   * One harvested page in one transaction: papers upserted through the version rules, upstream
   * deletions marked, featurings recorded, then the cursor. Everything in a batch is idempotent,
   * so a page replayed after a crash changes nothing twice (see src/ingest/runner.ts).
   */
  ingestBatch(
    batch: IngestBatch,
    cursor?: Cursor | ((result: IngestBatchResult) => Cursor),
  ): Promise<IngestBatchResult>;
}

/** An upstream deletion (OAI-PMH `status="deleted"`). */
export interface WithdrawnInput {
  arxivId: string;
  /** YYYY-MM-DD, the record's datestamp. */
  day: string;
}

export interface IngestBatch {
  papers: PaperInput[];
  /** More papers, already flattened by preparePaper() (a parse worker did it off this thread). */
  prepared?: PreparedPaper[];
  /**
   * Marks known papers withdrawn (sets `withdrawn_at` once; unknown ids are ignored). Papers are
   * never removed: votes, comments and featurings point at them.
   */
  withdrawn?: WithdrawnInput[];
  /**
   * Applied after the papers, so they may name papers of this batch. An `import` featuring that
   * already exists takes the higher imported upvote count (upvotes grow during the day); other
   * existing rows are left alone. Ids not in the database are skipped (counted as not featured).
   */
  featured?: FeaturedInput[];
}

export interface IngestBatchResult {
  /** One per paper, in input order: `papers`, then `prepared`. */
  outcomes: UpsertOutcome[];
  /** Papers newly marked withdrawn. */
  withdrawn: number;
  /** Featured rows newly inserted. */
  featured: number;
}

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

export interface Lease {
  name: string;
  holder: string | null;
  /** Epoch ms; the lease is free once this has passed. */
  leaseUntil: number;
  /** The last schedule slot (ISO instant) a holder finished, so a slot runs once across instances. */
  lastSlot: string | null;
}

/**
 * Named leases in the database, so one process at a time runs a job or harvests a source even
 * when several share the database. Time is passed in (epoch ms), so tests control the clock.
 */
export interface LeaseRepository {
  /**
   * Takes the lease when it is free (expired), already ours, or held by `replaceHolder` (a holder
   * known to be dead); with `slot`, only when that slot has not been finished. Atomic.
   */
  acquire(
    name: string,
    holder: string,
    now: number,
    ttlMs: number,
    options?: { slot?: string; replaceHolder?: string },
  ): Promise<boolean>;
  /** Extends our lease; false when it is no longer ours. */
  renew(name: string, holder: string, now: number, ttlMs: number): Promise<boolean>;
  /** Frees our lease; with `finishedSlot`, records that slot as done. */
  release(name: string, holder: string, finishedSlot?: string): Promise<void>;
  get(name: string): Promise<Lease | null>;
}

export interface Store {
  readonly dialect: Dialect;
  readonly papers: PaperRepository;
  readonly cursors: CursorRepository;
  readonly ingestRuns: IngestRunRepository;
  readonly leases: LeaseRepository;
  /** Subscribers, the digest outbox ledger, bounces (src/digest/digest.repo.ts, one SQL for both dialects). */
  readonly digest: DigestRepository;
  /** Site (issue 4): feed lists, accounts/sessions, votes/submissions/comments. */
  readonly feed: FeedRepository;
  readonly users: UserRepository;
  readonly community: CommunityRepository;
  /** Setup-page settings and demo-data marks (issue 7, src/setup/first-run.repo.ts). */
  readonly firstRun: FirstRunRepository;
  /** Applied migration versions, oldest first. */
  migrations(): Promise<number[]>;
  /**
   * Brings derived keyword-search structures up to date after data changed (SQLite: the top
   * lists of src/db/toplists.ts, rebuilt off the main thread when stale). Returns a one-line
   * summary, or null when nothing needed doing.
   */
  maintainKeywordIndex(): Promise<string | null>;
  /** Runs `fn` when the store closes (helpers that live beside it: the keyword pool's workers). */
  atClose(fn: () => Promise<void>): void;
  close(): Promise<void>;
}
