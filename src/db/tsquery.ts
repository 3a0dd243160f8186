/**
 * KeywordQuery → PostgreSQL tsquery, as SQL text plus bind parameters. User text only ever travels
 * as a parameter: the SQL is built from fixed fragments and `$n` placeholders.
 *
 * Each term becomes `to_tsquery(config, $n)` where `$n` is the term's text as one quoted tsquery
 * operand. Inside quotes tsquery syntax (& | ! <-> : * parentheses) is plain text; the text still
 * goes through the config's parser, so a multi-word operand becomes a phrase (`'a' <-> 'b'`,
 * stop words counted in the distance), exactly like phraseto_tsquery. That lets one form carry
 * every term kind:
 *   word / phrase   'text'            (several words are a phrase, as in FTS5's quoted strings)
 *   prefix          'text':*
 *   field filter    weight label on the operand, 'text':A or 'text':*A; the search vector stores
 *                   title A, authors B, abstract C, categories D (migrations/postgres/001).
 *   negation        !!(term)
 * Terms are ANDed. Categories are indexed with the `simple` config (no stemming), so a
 * categories-field term is parsed with `simple` too; everything else with `english`.
 *
 * Difference from SQLite FTS5: `english` drops stop words, so a term that is only stop words
 * ("the") matches nothing here and is ignored inside a larger query.
 */
import type { KeywordQuery, KeywordTerm } from './store.ts';

const WEIGHT: Record<NonNullable<KeywordTerm['field']>, string> = {
  title: 'A',
  authors: 'B',
  abstract: 'C',
  categories: 'D',
};

export interface TsQuerySql {
  /** The whole query (positive terms AND NOT negated ones). */
  full: string;
  /** Positive terms only. `numnode(positive) = 0` means every positive term was stop words. */
  positive: string;
  /** Like `full`, with unfielded positive terms restricted to the title: the best candidates. */
  titleOnly: string;
  params: string[];
}

/**
 * Quoting inside a tsquery operand: backslash escapes, a quote is doubled. '<' and '>' become
 * spaces, as in the indexed text (migrations/postgres/001), so `<script>` is a word, not a tag.
 */
export function quoteOperand(text: string): string {
  return `'${text.replace(/[<>]/g, ' ').replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

function operand(t: KeywordTerm, field: KeywordTerm['field']): string {
  const labels = (t.kind === 'prefix' ? '*' : '') + (field ? WEIGHT[field] : '');
  return quoteOperand(t.text) + (labels ? `:${labels}` : '');
}

/** Null when no positive term is left (a tsquery of only negations would match everything). */
export function toTsQuery(query: KeywordQuery): TsQuerySql | null {
  const terms = query.terms.filter((t) => t.text.trim() !== '');
  if (!terms.some((t) => !t.negated)) return null;
  const params: string[] = [];
  const call = (t: KeywordTerm, field: KeywordTerm['field']) => {
    params.push(operand(t, field));
    const config = field === 'categories' ? 'simple' : 'english';
    return `to_tsquery('${config}'::regconfig, $${params.length})`;
  };
  const positives = terms.filter((t) => !t.negated);
  const negatives = terms.filter((t) => t.negated).map((t) => `(!!${call(t, t.field)})`);
  const positive = positives.map((t) => call(t, t.field));
  const inTitle = positives.map((t) => call(t, t.field ?? 'title'));
  const and = (parts: string[]) => `(${parts.join(' && ')})`;
  return {
    full: and([...positive, ...negatives]),
    positive: and(positive),
    titleOnly: and([...inTitle, ...negatives]),
    params,
  };
}
