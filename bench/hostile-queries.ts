/**
 * The searches issue 12's attacker sent (one-letter prefixes, OR-ed and AND-ed), then broad
 * queries the query language still allows. Sent by bench/search-hostile.bench.ts and
 * test/search/hostile-search.slow.test.ts.
 */
const LETTERS = [...'abcdefghijklmnopqrstuvwxyz'];

export const HOSTILE_QUERIES = [
  LETTERS.map((c) => `${c}*`).join(' OR '),
  [...LETTERS, ...'0123456789'].map((c) => `${c}*`).join(' OR '),
  'a* e* i* o* s* t* n* r* l* c*',
  'author:a* OR author:b* OR author:c* a*',
  'con* OR pre* OR dis* OR tra*',
  'sta* OR ana* OR sys* OR met*',
  'con* pre* dis* tra*',
  'author:smi* OR author:wan* OR author:che* OR author:joh*',
];
