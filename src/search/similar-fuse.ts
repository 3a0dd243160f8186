/**
 * "Similar papers" from three kinds of evidence, fused (issue 17 item 5): the paper's vector
 * neighbours, a keyword "more like this" (an OR of the paper's rarest title/abstract words, ranked
 * by the keyword index's own relevance: BM25 on SQLite, ts_rank_cd on PostgreSQL), and shared
 * authors and categories. Vectors alone put a neural-architecture-search paper first for a
 * multimodal-learning one: the built-in model knows a corpus's common words well and its rare
 * words (method names, datasets) not at all, and the rare words are what make two papers the same
 * topic. Used where lists are computed (similar-setup.ts) and by `similarPapers` (service.ts).
 *
 * Bounded cost per paper: one vector search of VECTOR_POOL, one OR query of at most MLT_TERMS
 * words each in at most MLT_MAX_DF papers (so at most MLT_TERMS × MLT_MAX_DF postings, whatever
 * the library's size), one cosine per keyword candidate, one read of ≤ 250 cards.
 */
import { tokenize } from './embedder/builtin.ts';
import { NEVER_RARE } from './query/stopwords.ts';
import type { HitInfo, ScoredId, SearchRepository } from './search.repo.ts';
import type { VectorIndex } from './vectors/index.ts';

/**
 * The weights of the fused score (each evidence is in [0, 1]), chosen on the real-vocab bench
 * (`npm run bench -- real-vocab`, similar-papers precision@5 over a grid of vector 0–2, keyword
 * 0–2, author 0–1, category 0–4; the numbers are in the commit that set them). Same categories
 * weigh most: among candidates that already share rare words or meaning, the judged-similar
 * papers are those of the same field (category alone on the candidates: 0.59, keyword alone 0.40,
 * vector alone 0.09, fused 0.805). The keyword score orders within a field; the vector cosine
 * only breaks ties (0.005: 0.805; 0: 0.80; 0.02: 0.79; 0.1: 0.78 — the built-in model, trained on
 * the library, knows little of a new field's words); authors changed nothing on the bench (0 to
 * 1) and keep a small weight, as a shared author is a real hint in a real library.
 */
const W_VECTOR = 0.005;
const W_KEYWORD = 0.5;
const W_AUTHOR = 0.1;
const W_CATEGORY = 1;
/** Vector neighbours looked at: twice what a list keeps (similar.ts STORED_IDS). */
const VECTOR_POOL = 50;
/** "More like this" hits looked at: 200 found more of the judged papers than 50 or 100 (bench). */
const KEYWORD_POOL = 200;
/** Words in the "more like this" query (20 beat 8 and 12, as well as 30: bench). */
const MLT_TERMS = 20;
/**
 * A word in more papers than this is not "rare" here: it describes a field rather than a topic,
 * and its postings would make the cost. A count, not a share, because the cost is in postings: at
 * most MLT_TERMS × 500 = 10,000 rows for the index to score. Measured on the generated 1M corpus
 * (SQLite, 60 random papers): the query 4.0 ms mean (p99 10.5), reading the candidates' cards
 * 2.1 ms; with a 0.2% share instead (2,000 at 1M) it took 124 ms. On the 20k real-vocab mix a cap
 * of 500 (2.5%) scores 0.81 (0.2%: 0.80; 0.1%: 0.77; 0.05%: 0.76).
 */
const MLT_MAX_DF = 500;
/** Changes when the fusion changes, so stored lists computed the old way are recomputed. */
export const FUSION_VERSION = 'fused1';

export const fusedModel = (vectorModel: string) => `${vectorModel}+${FUSION_VERSION}`;

/**
 * How rare words are: `idfOf` gives a word's idf (ln N/df, a share, so the sample's size cancels)
 * from the embedder, null when it does not know the word; `papers` is the library's size.
 */
export interface Rarity {
  idfOf(word: string): number | null;
  papers: number;
}

/**
 * The words of the "more like this" query: the paper's words in at most `maxDf` papers, best
 * first by tf·idf (as Lucene's MoreLikeThis picks them; the title counts twice, as in paperText),
 * at most `max`. A word the embedder never counted (fewer than 2 papers in its sample, or beyond
 * its vocabulary cap) is ranked as just rare enough. Without idf (another embedder) longer words
 * stand in for rarer ones, as titleNeighbours (service.ts) does.
 */
export function moreLikeThisTerms(
  paper: { title: string; abstract: string },
  rarity: Rarity | null,
  max = MLT_TERMS,
  maxDf = MLT_MAX_DF,
): string[] {
  // Term frequency as the embedder counts it (paperText: the title twice).
  const tf = new Map<string, number>();
  for (const w of [...tokenize(paper.title), ...tokenize(paper.title), ...tokenize(paper.abstract)])
    if (w.length >= 3 && !NEVER_RARE.has(w)) tf.set(w, (tf.get(w) ?? 0) + 1);
  const papers = Math.max(1, rarity?.papers ?? 1);
  const minIdf = Math.log(papers / maxDf);
  const scored = [...tf].flatMap(([w, n]) => {
    const weight = 1 + Math.log(n);
    if (!rarity) return [{ w, key: weight * w.length }];
    const idf = rarity.idfOf(w);
    // Unknown to the embedder: in fewer than 2 papers of its sample (or beyond its vocabulary
    // cap), so rare; ranked as just rare enough, since a word of this paper alone matches nothing.
    if (idf === null) return [{ w, key: weight * minIdf }];
    return idf >= minIdf ? [{ w, key: weight * idf }] : [];
  });
  return scored
    .sort((a, b) => b.key - a.key || (a.w < b.w ? -1 : 1))
    .slice(0, max)
    .map((s) => s.w);
}

/** The "more like this" query: one OR group of the terms, ranked by the index's relevance. */
export function moreLikeThis(
  repo: Pick<SearchRepository, 'keyword'>,
  terms: string[],
  n: number,
): Promise<ScoredId[]> {
  const group = terms.map((text) => ({ text, kind: 'word' as const }));
  return repo.keyword({ groups: [group], not: [], dates: {}, sort: 'relevance' }, n);
}

export interface FuseDeps {
  /** Cards (authors, categories) of these papers. */
  hits(ids: number[]): Promise<HitInfo[]>;
  /** The OR query of `terms`, best first, at most `n` (on SQLite: in the worker thread). */
  keyword(terms: string[], n: number): Promise<ScoredId[]>;
  index: VectorIndex;
  /** The embedder's idf of a word, when it has one (the built-in one does). */
  idfOf: ((word: string) => number | null) | null;
  /** Overrides MLT_TERMS, MLT_MAX_DF, VECTOR_POOL, KEYWORD_POOL (the bench's grid). */
  terms?: { max?: number; maxDf?: number; vectorPool?: number; keywordPool?: number };
}

/** One candidate's evidence, each in [0, 1] (cosine clipped at 0; keyword score over the best one's). */
export interface Evidence {
  id: number;
  vector: number;
  keyword: number;
  author: number;
  category: number;
}

const WEIGHTS = { vector: W_VECTOR, keyword: W_KEYWORD, author: W_AUTHOR, category: W_CATEGORY };

/**
 * The evidence for each candidate (vector and keyword neighbours, never the paper itself), or null
 * when the paper has no vector in `index` (then the caller falls back to title words).
 */
async function similarEvidence(deps: FuseDeps, paperId: number): Promise<Evidence[] | null> {
  const own = deps.index.vectorOf(paperId);
  if (!own) return null;
  const [self] = await deps.hits([paperId]);
  if (!self) return null;
  const v = Float32Array.from(own, (x) => x / 127);
  const cos = new Map(
    deps.index.search(v, (deps.terms?.vectorPool ?? VECTOR_POOL) + 1).map((h) => [h.paperId, h.score]),
  );
  const rarity = deps.idfOf && { idfOf: deps.idfOf, papers: deps.index.size };
  const terms = moreLikeThisTerms(self, rarity, deps.terms?.max, deps.terms?.maxDf);
  const kw = terms.length ? await deps.keyword(terms, (deps.terms?.keywordPool ?? KEYWORD_POOL) + 1) : [];
  const kwTop = Math.max(0, ...kw.filter((h) => h.paperId !== paperId).map((h) => h.score));
  const kwScore = new Map(kw.map((h) => [h.paperId, kwTop > 0 ? h.score / kwTop : 0]));
  const missing = kw.map((h) => h.paperId).filter((id) => !cos.has(id));
  for (const h of deps.index.scoreIds(v, missing)) cos.set(h.paperId, h.score);
  cos.delete(paperId);
  kwScore.delete(paperId);
  const ids = [...new Set([...cos.keys(), ...kwScore.keys()])];
  const cards = new Map((await deps.hits(ids)).map((h) => [h.paperId, h]));
  const mine = { authors: authorsOf(self.authorsText), cats: catsOf(self.categories) };
  return ids.map((id) => {
    const c = cards.get(id);
    return {
      id,
      vector: Math.max(0, cos.get(id) ?? 0),
      keyword: Math.max(0, kwScore.get(id) ?? 0),
      author: c ? overlap(mine.authors, authorsOf(c.authorsText)) : 0,
      category: c ? jaccard(mine.cats, catsOf(c.categories)) : 0,
    };
  });
}

/** The n best candidates by the weighted sum of their evidence, best first. */
export function rankFused(evidence: Evidence[], n: number, w = WEIGHTS): number[] {
  return evidence
    .map((e) => ({
      id: e.id,
      s: w.vector * e.vector + w.keyword * e.keyword + w.author * e.author + w.category * e.category,
    }))
    .sort((a, b) => b.s - a.s || a.id - b.id)
    .slice(0, n)
    .map((x) => x.id);
}

/** The paper's similar papers, most similar first, or null without a vector (see similarEvidence). */
export async function fusedNeighbours(deps: FuseDeps, paperId: number, n: number): Promise<number[] | null> {
  const evidence = await similarEvidence(deps, paperId);
  return evidence && rankFused(evidence, n);
}

/** Author names, lower-cased ("A, B and C"). */
export function authorsOf(text: string): Set<string> {
  return new Set(
    text
      .split(/,|\band\b/)
      .map((a) => a.trim().toLowerCase().replace(/\s+/g, ' '))
      .filter(Boolean),
  );
}

const catsOf = (text: string) => new Set(text.split(/\s+/).filter(Boolean));

/** Shared authors over the smaller list's size: one shared author of two is a strong hint. */
function overlap(a: Set<string>, b: Set<string>): number {
  if (!a.size || !b.size) return 0;
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  return shared / Math.min(a.size, b.size);
}

function jaccard(a: Set<string>, b: Set<string>): number {
  let shared = 0;
  for (const x of a) if (b.has(x)) shared++;
  const union = a.size + b.size - shared;
  return union ? shared / union : 0;
}
