/** KeywordQuery → FTS5 MATCH expression. Every term is a quoted string, so no user text is syntax. */

/**
 * A keyword query as storage understands it: ANDed terms, each a word, prefix or phrase,
 * optionally negated or limited to one field. The search module builds it from user syntax; each
 * repository turns it into its dialect (FTS5 MATCH, tsquery), so user text never reaches SQL.
 */
interface KeywordTerm {
  text: string;
  kind: 'word' | 'prefix' | 'phrase';
  negated: boolean;
  field?: 'title' | 'abstract' | 'authors' | 'categories';
}
export interface KeywordQuery {
  terms: KeywordTerm[];
}

/** bm25 column weights (title, abstract, authors, categories): the title outranks the abstract. */
export const BM25_WEIGHTS = '10.0, 1.0, 3.0, 0.0';

/** An FTS5 string: user text inside it is never query syntax. The one FTS5 quoting rule. */
export const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;

function term(t: KeywordTerm): string {
  const body = t.kind === 'prefix' ? `${quote(t.text)} *` : quote(t.text);
  return t.field ? `${t.field} : ${body}` : body;
}

/** Returns null when nothing positive is left to match (FTS5 cannot evaluate a bare NOT). */
export function toFts5(query: KeywordQuery): string | null {
  const positive = query.terms.filter((t) => !t.negated).map(term);
  if (positive.length === 0) return null;
  const negative = query.terms.filter((t) => t.negated).map(term);
  const base = positive.join(' AND ');
  return negative.length ? `(${base}) NOT (${negative.join(' OR ')})` : base;
}
