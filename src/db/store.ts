/**
 * The one storage interface every database implements (SQLite embedded default, PostgreSQL for
 * scale-out). Services depend on this, never on a driver; the contract suite in
 * test/contract/ runs the same tests against every implementation.
 */
import type { Paper, PaperInput, UpsertOutcome } from '../papers/paper.ts';

export type Dialect = 'sqlite' | 'postgres';

/** A saved position of a long job (import file offset, harvest resumption point). */
export interface Cursor {
  key: string;
  value: string;
}

export interface KeywordHit {
  arxivId: string;
  title: string;
  /** Higher is better. Comparable only within one result list. */
  score: number;
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

export interface PaperRepository {
  /**
   * Idempotent upsert through the version rules: a newer version replaces the record, the same
   * version with changed metadata updates it, an older version never overwrites. When `cursor` is
   * given it is saved in the same transaction, so a crash never separates data from position; a
   * function is called with the batch's outcomes (inside the transaction) to build it, so the
   * cursor can carry running counts that stay exact across crashes.
   */
  upsertMany(papers: PaperInput[], cursor?: Cursor | ((outcomes: UpsertOutcome[]) => Cursor)): Promise<UpsertOutcome[]>;
  get(arxivId: string): Promise<Paper | null>;
  /** Newest first by v1 submission date. */
  latest(limit: number, offset: number): Promise<Paper[]>;
  count(): Promise<number>;
  /** Best first; title weighted over authors over abstract. Needs at least one positive term. */
  keywordSearch(query: KeywordQuery, limit: number): Promise<KeywordHit[]>;
  feature(input: FeaturedInput): Promise<'inserted' | 'exists'>;
  featuredOn(day: string): Promise<Featured[]>;
}

export interface CursorRepository {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface Store {
  readonly dialect: Dialect;
  readonly papers: PaperRepository;
  readonly cursors: CursorRepository;
  /** Applied migration versions, oldest first. */
  migrations(): Promise<number[]>;
  close(): Promise<void>;
}
