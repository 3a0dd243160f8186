/**
 * KeywordQuery → PostgreSQL tsquery, as SQL text plus bind parameters. User text only ever travels
 * as a parameter: the SQL is built from fixed fragments and `$n` placeholders.
 *
 * Each term becomes `to_tsquery(config, $n)` where `$n` is the term's text as one quoted tsquery
 * operand. Inside quotes tsquery syntax (& | ! <-> : * parentheses) is plain text; the text still
 * goes through the config's parser, so a multi-word operand becomes a phrase (`'a' <-> 'b'`,
 * stop words counted in the distance), exactly like phraseto_tsquery (checked by fuzzing both
 * with quotes, backslashes and every operator character). That lets one form carry every kind:
 *   word / phrase   'text'            (several words are a phrase, as in FTS5's quoted strings)
 *   prefix          'text':*
 *   field filter    weight label on the operand, 'text':A or 'text':*A; the search vector stores
 *                   title A, authors B, abstract C, categories D (migrations/postgres/001).
 *   negation        !!(term)
 * Terms are ANDed. Categories are indexed with the `simple` config (no stemming), so a
 * categories-field term is parsed with `simple` too; everything else with `english`.
 *
 * `loose` is the positive terms without weights or word positions (a phrase becomes its words
 * ANDed). GIN answers that exactly from the index, without re-reading each row's tsvector (which
 * weights and phrases force), so it picks candidates cheaply; `full` then decides on those few
 * rows (papers.pg.repo.ts).
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
  /** Positive terms with no weights and no positions: matches a superset of `full`. */
  loose: string;
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
  const param = (value: string) => {
    params.push(value);
    return `$${params.length}`;
  };
  const config = (t: KeywordTerm) =>
    t.field === 'categories' ? `'simple'::regconfig` : `'english'::regconfig`;
  const exact = (t: KeywordTerm) => `to_tsquery(${config(t)}, ${param(operand(t, t.field))})`;
  // A prefix needs to_tsquery's `:*`; every other term loosens to its plain words.
  const loose = (t: KeywordTerm) =>
    t.kind === 'prefix'
      ? `to_tsquery(${config(t)}, ${param(operand(t, undefined))})`
      : `plainto_tsquery(${config(t)}, ${param(t.text.replace(/[<>]/g, ' '))})`;
  const positives = terms.filter((t) => !t.negated);
  const positive = positives.map(exact);
  const negatives = terms.filter((t) => t.negated).map((t) => `(!!${exact(t)})`);
  const and = (parts: string[]) => `(${parts.join(' && ')})`;
  return {
    full: and([...positive, ...negatives]),
    positive: and(positive),
    loose: and(positives.map(loose)),
    params,
  };
}
