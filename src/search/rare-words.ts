/**
 * Meaning for rare and unseen query words (issue 17 item 2). The built-in embedder
 * (embedder/builtin.ts) only knows words in at least 2 papers of its training sample and within
 * its vocabulary cap, so a method name or a coined term typed into the box counts for nothing —
 * and a query of such words only has no vector at all. Yet those words identify papers. So each
 * such word is given the meaning of the papers that hold it: the centroid of the vectors of its
 * best keyword matches (its "keyword neighbours"), folded into the query vector. Known words that
 * are rare get the same help, so a rare query word weighs more than a common one.
 *
 * Query time only: paper vectors do not change, so no reindex is needed. Cost: at most
 * RARE_MAX_WORDS single-word keyword lookups of RARE_NEIGHBOURS rows (rare words: short
 * posting lists; at 1M generated papers 0.2–0.4 ms a word on SQLite) and as many vector reads.
 */
import { tokenize } from './embedder/builtin.ts';
import { normalize } from './embedder/embedder.ts';
import { NEVER_RARE } from './query/stopwords.ts';
import type { ScoredId } from './search.repo.ts';
import type { VectorIndex } from './vectors/index.ts';

/** Papers whose vectors make a rare word's meaning: its best keyword matches. */
const RARE_NEIGHBOURS = 5;
/** Rare words looked up per query (the rarest first): bounds the cost of a long query. */
const RARE_MAX_WORDS = 4;
/**
 * A known word counts as rare when in at most RARE_MIN_DF papers, or this share of them (0: the
 * count alone). Unknown words always do (unless stop words). Only the words the model barely
 * knows: a word it knows well already has its meaning, and folding in the papers that hold it
 * would pull a query towards its own spelling and away from papers that use a synonym (bench
 * search-quality at 20k, synonym recall@10 of the vector side: 0.561 before, 0.535 with known
 * words up to a 0.001 share, 0.561 with this rule).
 */
const RARE_MAX_DF_SHARE = 0;
const RARE_MIN_DF = 5;
/**
 * Weight of each rare word's centroid against the query's own (unit) vector. These values were
 * chosen on the real-vocab set (20k mix; vector-only recall@5, title / paraphrase / question):
 * before, 0.24 / 0.06 / 0.13; weight 2, 5 neighbours, 4 words, df ≤ 5: 0.95 / 0.78 / 0.84
 * (weight 1: 0.92 / 0.71 / 0.78; weight 4, 10 neighbours, share 0.001: 0.92 / 0.78 / 0.76;
 * 2 words: 0.97 / 0.73 / 0.73; 8 words: 0.95 / 0.75 / 0.82; known words up to a 0.001 share
 * too: 0.97 / 0.77 / 0.84 but synonym recall fell, see above). Once unknown inflections took
 * their known form's idf (builtin.ts `idf`): 0.93 / 0.80 / 0.80.
 */
const RARE_WEIGHT = 2;

/** Overrides of the constants above (the bench's grid). */
export interface RareOptions {
  neighbours?: number;
  maxWords?: number;
  maxDfShare?: number;
  weight?: number;
}

/**
 * The query's rare words, rarest first (unknown ones first of all), at most RARE_MAX_WORDS;
 * `papers` is the library's size.
 */
export function rareWords(
  text: string,
  idfOf: (word: string) => number | null,
  papers: number,
  o: RareOptions = {},
): string[] {
  const n = Math.max(1, papers);
  const minIdf = Math.log(n / Math.max(RARE_MIN_DF, (o.maxDfShare ?? RARE_MAX_DF_SHARE) * n));
  const seen = new Set<string>();
  const out: { w: string; key: number }[] = [];
  for (const w of tokenize(text)) {
    if (seen.has(w) || w.length < 3 || NEVER_RARE.has(w)) continue;
    seen.add(w);
    const idf = idfOf(w);
    if (idf === null) out.push({ w, key: Number.POSITIVE_INFINITY });
    else if (idf >= minIdf) out.push({ w, key: idf });
  }
  return out
    .sort((a, b) => b.key - a.key)
    .slice(0, o.maxWords ?? RARE_MAX_WORDS)
    .map((x) => x.w);
}

/**
 * The query vector with each rare word's keyword neighbours folded in (see above). `lookup` is a
 * one-word keyword search, best first. Returns `vector` itself when nothing is added.
 */
export async function withRareWords(
  vector: Float32Array,
  text: string,
  idfOf: (word: string) => number | null,
  index: VectorIndex,
  lookup: (word: string, limit: number) => Promise<ScoredId[]>,
  o: RareOptions = {},
): Promise<Float32Array> {
  const words = rareWords(text, idfOf, index.size, o);
  if (words.length === 0) return vector;
  const weight = o.weight ?? RARE_WEIGHT;
  const found = await Promise.all(words.map((w) => lookup(w, o.neighbours ?? RARE_NEIGHBOURS)));
  const out = Float32Array.from(vector);
  let added = false;
  for (const hits of found) {
    const c = new Float32Array(index.dimensions);
    let n = 0;
    for (const h of hits) {
      const v = index.vectorOf(h.paperId);
      if (!v) continue;
      for (let j = 0; j < c.length; j++) c[j]! += v[j]!;
      n++;
    }
    if (n === 0) continue;
    normalize(c);
    for (let j = 0; j < c.length; j++) out[j]! += weight * c[j]!;
    added = true;
  }
  return added ? normalize(out) : vector;
}
