/**
 * The one tsquery operand rule (search.pg.repo.ts and feed.pg.repo.ts build their tsquery SQL
 * from it). User text only ever travels as a bind parameter holding one quoted operand.
 *
 * Inside quotes tsquery syntax (& | ! <-> : * parentheses) is plain text; the text still goes
 * through the config's parser, so a multi-word operand becomes a phrase (`'a' <-> 'b'`, stop words
 * counted in the distance), exactly like phraseto_tsquery (checked by fuzzing both with quotes,
 * backslashes and every operator character). That lets one form carry every kind:
 *   word / phrase   'text'            (several words are a phrase, as in FTS5's quoted strings)
 *   prefix          'text':*
 *   field filter    weight label on the operand, 'text':A or 'text':*A; the search vector stores
 *                   title A, authors B, abstract C, categories D (migrations/postgres/001).
 *   negation        !!(term)
 * Categories are indexed with the `simple` config (no stemming), everything else with `paperboy`
 * (migrations/postgres/019: Porter stemming, no stop words, as FTS5's `porter unicode61`).
 *
 * Quoting: backslash escapes, a quote is doubled. '<' and '>' become spaces, as in the indexed
 * text (migrations/postgres/001), so `<script>` is a word, not a tag.
 */
export function quoteOperand(text: string): string {
  return `'${text.replace(/[<>]/g, ' ').replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}
