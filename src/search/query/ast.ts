/**
 * The parsed form of a search box query. Positions are UTF-16 offsets into the input so errors
 * and highlights can point at the exact text.
 */

export type SortOrder = 'relevance' | 'date' | 'votes';

/** A bare word, `prefix*` or `"exact phrase"`, optionally limited to a field. */
export interface TermNode {
  type: 'term';
  kind: 'word' | 'prefix' | 'phrase';
  /** Lower-cased words joined by single spaces. */
  text: string;
  field?: 'title' | 'authors';
  /**
   * A phrase the user quoted: a request for those words in that order. Words glued by
   * punctuation ("zero-shot", "doesn't") are phrases too, but nobody asked for them exactly.
   */
  quoted?: true;
  negated: boolean;
  start: number;
  end: number;
}

/** `a OR b OR "c d"`: at least one of the alternatives. */
interface OrNode {
  type: 'or';
  terms: TermNode[];
  start: number;
  end: number;
}

export type Clause = TermNode | OrNode;

export interface DateRange {
  /** Inclusive, YYYY-MM-DD. */
  from?: string;
  /** Exclusive, YYYY-MM-DD. */
  to?: string;
}

export interface Query {
  /** Text clauses, ANDed (title: and author: terms are clauses on their field). */
  clauses: Clause[];
  /** Category filters: AND of OR-groups (`cat:cs.CV OR cat:cs.LG` is one group). */
  categories: string[][];
  /** Categories a paper must not have (`-cat:`). */
  excludedCategories: string[];
  dates: DateRange;
  sort: SortOrder;
}

/** What went wrong and where: `position` is an offset into the input (0-based). */
export class QueryError extends Error {
  override name = 'QueryError';
  readonly position: number;
  constructor(message: string, position: number) {
    super(message);
    this.position = position;
  }
}

/** Positive text terms of a clause list, for embedding and highlighting. */
export function positiveTerms(query: Query): TermNode[] {
  return query.clauses.flatMap((c) => (c.type === 'or' ? c.terms : c.negated ? [] : [c]));
}
