/**
 * Keyword search entry point. Turns the user's text into a KeywordQuery (words, "phrases",
 * prefix*, -exclusions) and asks the store. The full query language (author:, cat:, year:, OR…)
 * grows in search/query/; this stays the simple path used by the CLI and the first web page.
 */
import type { KeywordHit, KeywordQuery, KeywordTerm, Store } from '../db/store.ts';

/** Words are letters/digits runs; anything else separates them (as the FTS tokenizers do). */
const WORD = /[\p{L}\p{N}]+/gu;
const MAX_TERMS = 32;

export function toKeywordQuery(input: string): KeywordQuery {
  const terms: KeywordTerm[] = [];
  const re = /(-?)"([^"]*)"?|(\S+)/g;
  for (const m of input.slice(0, 1000).matchAll(re)) {
    if (terms.length >= MAX_TERMS) break;
    if (m[2] !== undefined) {
      const words = m[2].match(WORD);
      if (words)
        terms.push({
          text: words.join(' ').toLowerCase(),
          kind: words.length > 1 ? 'phrase' : 'word',
          negated: m[1] === '-',
        });
      continue;
    }
    let raw = m[3] ?? '';
    const negated = raw.startsWith('-') && raw.length > 1;
    if (negated) raw = raw.slice(1);
    const prefix = raw.endsWith('*');
    const words = raw.match(WORD);
    if (!words) continue;
    // "state-of-the-art" is one token run to the user: search it as a phrase, like the tokenizer sees it.
    if (words.length > 1) terms.push({ text: words.join(' ').toLowerCase(), kind: 'phrase', negated });
    else terms.push({ text: words[0]!.toLowerCase(), kind: prefix ? 'prefix' : 'word', negated });
  }
  return { terms };
}

export async function keywordSearch(store: Store, q: string, limit = 10): Promise<KeywordHit[]> {
  const query = toKeywordQuery(q);
  if (!query.terms.some((t) => !t.negated)) return [];
  return store.papers.keywordSearch(query, Math.max(1, Math.min(limit, 1000)));
}
