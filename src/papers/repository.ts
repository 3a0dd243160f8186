/**
 * The papers table as the domain sees it: the repository interface every dialect implements
 * (papers.sqlite.repo.ts, papers.pg.repo.ts; built by the composition root, src/app/) and its types.
 */
import type { Paper, PaperInput, UpsertOutcome } from './paper.ts';
import type { PreparedPaper } from './prepared.ts';

/** A saved position of a long job (import file offset, harvest resumption point). */
export interface Cursor {
  key: string;
  value: string;
}

export interface FeaturedInput {
  arxivId: string;
  /** YYYY-MM-DD, the day it entered the feed. */
  day: string;
  source: 'submission' | 'import' | 'rule';
  submittedBy: string | null;
  /** Upvotes carried over from an imported daily-papers list; kept apart from local votes. */
  importedUpvotes: number;
  /** When it was featured (ISO); now when absent. The demo dates its featurings within their day. */
  at?: string;
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
