/**
 * Storage the search module needs beyond PaperRepository: the full query language on the
 * keyword index (OR groups, field terms, date ranges, sort orders), filter checks for vector
 * candidates, the trained embedder and the paper vectors. One implementation per dialect
 * (search.sqlite.repo.ts, search.pg.repo.ts); the same tests run against both.
 */
import type { DateRange, SortOrder } from './query/ast.ts';

export interface PlanTerm {
  text: string;
  kind: 'word' | 'prefix' | 'phrase';
  field?: 'title' | 'authors' | 'categories';
  /** A phrase the user quoted (query/ast.ts TermNode.quoted). */
  quoted?: true;
}

/** A keyword query as storage runs it: AND of OR-groups, minus `not`, within `dates`. */
export interface KeywordPlan {
  groups: PlanTerm[][];
  not: PlanTerm[];
  dates: DateRange;
  sort: SortOrder;
}

export interface ScoredId {
  paperId: number;
  /** Higher is better (relevance), or the sort key's rank order. */
  score: number;
}

/** What a result list shows and highlights. */
export interface HitInfo {
  paperId: number;
  arxivId: string;
  title: string;
  abstract: string;
  authorsText: string;
  categories: string;
  submittedAt: string;
  votes: number;
}

export interface ModelInfo {
  version: string;
  kind: 'builtin' | 'transformers';
  dimensions: number;
}

export interface VectorRow {
  paperId: number;
  seq: number;
  vector: Int8Array;
}

export interface PendingPaper {
  id: number;
  title: string;
  abstract: string;
  contentHash: string;
}

/** Per-call limits of a keyword task (keyword-pool.ts). */
export interface SearchOptions {
  /** Wall-clock budget; PostgreSQL cancels the statement past it (SQLite: the pool does). */
  budgetMs?: number;
  /**
   * Fewer than `limit` rows will do when there are at least this many and they are the exact
   * head of the ranking (SQLite answers from its top lists instead of scoring every match,
   * db/toplists.ts); ignored where that costs nothing extra.
   */
  atLeast?: number;
}

export interface SearchRepository {
  /**
   * Papers matching the plan, best first by its sort, at most `limit`. With no text groups the
   * filters alone select (newest first). Ranking by relevance looks at a bounded pool of the
   * best CANDIDATE_POOL matches when dates or votes need the papers table (see the repos).
   */
  keyword(plan: KeywordPlan, limit: number, options?: SearchOptions): Promise<ScoredId[]>;
  /**
   * Per term, the ids of the papers holding it when at most `cap` do, else null (the term is
   * common). Bounded work at any library size: a rare term's posting list is short, and a common
   * one is read only up to `cap + 1` entries (search/relaxed.ts ranks partial matches with it).
   */
  postings(terms: PlanTerm[], cap: number, options?: SearchOptions): Promise<(number[] | null)[]>;
  /** Those of `ids` that satisfy the plan's filters (terms on authors/categories, dates). */
  satisfying(ids: number[], plan: KeywordPlan, options?: SearchOptions): Promise<Set<number>>;
  hits(ids: number[]): Promise<HitInfo[]>;
  paperIdOf(arxivId: string): Promise<number | null>;
  /** Newest paper ids first, for sort:date over vector hits. */
  submittedAt(ids: number[]): Promise<Map<number, string>>;

  activeModel(): Promise<ModelInfo | null>;
  modelBytes(version: string): Promise<Uint8Array | null>;
  /** Stores the model and makes it the active one. */
  saveModel(info: ModelInfo, bytes: Uint8Array | null): Promise<void>;
  upsertVectors(
    model: string,
    rows: { paperId: number; contentHash: string; vector: Int8Array }[],
  ): Promise<void>;
  vectorsAfter(model: string, seq: number, limit: number): Promise<VectorRow[]>;
  vectorCount(model: string): Promise<number>;
  /** Removes vectors of every other model (after a new model is fully written). */
  dropVectorsExcept(model: string): Promise<number>;
  /** Papers with id > afterId that have no up-to-date vector for `model`, in id order. */
  pendingPapers(model: string, afterId: number, limit: number): Promise<PendingPaper[]>;
  maxPaperId(): Promise<number>;
  /** Title and abstract of the papers with these ids (training samples). */
  texts(ids: number[]): Promise<{ title: string; abstract: string }[]>;
}

/** Papers looked at when relevance ranking must be combined with the papers table. */
export const CANDIDATE_POOL = 5000;

/** SQL LIKE pattern for a category filter value (`cs.cv` exact, `cs` the whole archive). */
export function categoryPatterns(value: string): string[] {
  return value.includes('.') ? [`% ${value} %`] : [`% ${value} %`, `% ${value}.%`];
}

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
