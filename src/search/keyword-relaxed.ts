/**
 * The keyword side when the query's words together find too few papers (issue 17: one word no
 * paper holds emptied it, so a half-remembered or natural-language query found nothing by
 * keyword). Lucene's minimum-should-match idea with BM25's idf: quoted phrases, prefixes, field
 * terms, OR groups and filters stay required; the plain words (and words glued by punctuation,
 * "zero-shot") become optional, and a paper ranks by the summed rarity of the words it holds, so
 * the paper holding the query's rare words comes first.
 *
 * Bounded at any library size: the common case (every word, enough papers) never gets here and
 * keeps the exact top lists (db/toplists.ts). Here, each word's posting list is read only up to a
 * cap (SearchRepository.postings); words above it are too common to tell papers apart, and only
 * the RARE_TERMS rarest words are OR-ed, so the candidate set is at most RARE_TERMS × cap papers.
 */
import type { KeywordSearcher } from './keyword-pool.ts';
import { isOptional } from './plan.ts';
import type { KeywordPlan, PlanTerm } from './search.repo.ts';

/** Optional words OR-ed for partial matches, rarest first. */
const RARE_TERMS = 6;
/** AND queries tried when every word is common (commonOnly). */
const COMMON_TRIES = 3;
/** Papers ranked among the partial matches (the hybrid side's depth is 100). */
const CANDIDATES = 400;

/**
 * A word held by more papers than this is "common": its posting list is not read in full.
 * 5% of the library (idf ≈ 3), at least 50 papers (tiny libraries) and at most 5,000 (so at 1M
 * papers one fallback reads at most RARE_TERMS × 5,000 ids and ranks as many rows).
 */
function dfCap(papers: number): number {
  return Math.min(5_000, Math.max(50, Math.floor(papers * 0.05)));
}

/** BM25's idf. */
function idf(df: number, n: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

interface PartialMatch {
  paperId: number;
  /** Summed idf of the words it holds (common words at the cap's idf): the fusion's coverage. */
  score: number;
  /** The query's plain words this paper holds (rare ones exactly; common ones if listed). */
  matched: string[];
}

export interface Relaxed {
  /** Best first; never a paper of `exclude`. */
  hits: PartialMatch[];
  /** The plain words counted ("matched 2 of `words.length`"). */
  words: string[];
}

/**
 * Partial matches of `plan` (stop words already dropped, service.ts), or null when nothing can
 * be relaxed (no optional word, or a query of one group).
 */
export async function relaxedKeyword(
  searcher: KeywordSearcher,
  plan: KeywordPlan,
  libraryPapers: number,
  limit: number,
  exclude: ReadonlySet<number>,
): Promise<Relaxed | null> {
  const optional: PlanTerm[] = [];
  const required: PlanTerm[][] = [];
  for (const g of plan.groups) {
    if (g.length === 0) continue;
    if (isOptional(g)) {
      // One letter or digit ("1 kHz", "doesn't") tells papers apart no better than a stop word.
      if (g[0]!.text.length > 1 && !optional.some((t) => t.text === g[0]!.text)) optional.push(g[0]!);
    } else required.push(g);
  }
  if (optional.length === 0 || plan.groups.filter((g) => g.length > 0).length < 2) return null;
  const words = optional.map((t) => t.text);
  const cap = dfCap(libraryPapers);
  const lists = await searcher.postings(optional, cap);
  const df = lists.map((l) => (l === null ? Number.POSITIVE_INFINITY : l.length));
  const present = optional.filter((_, i) => df[i]! > 0);
  const hits: PartialMatch[] = [];
  const seen = new Set(exclude);
  const add = (paperId: number, score: number, matched: string[]) => {
    if (seen.has(paperId)) return;
    seen.add(paperId);
    hits.push({ paperId, score, matched });
  };
  const weight = (i: number) => idf(Math.min(df[i]!, cap), libraryPapers);
  if (present.length === 0) return { hits, words };

  // Every word some paper holds: the query minus the words no paper uses (exact, top lists).
  if (present.length < optional.length) {
    const all = await searcher.keyword({ ...plan, groups: [...required, ...present.map((t) => [t])] }, limit);
    const cover = optional.reduce((sum, _, i) => sum + (df[i]! > 0 ? weight(i) : 0), 0);
    for (const h of all)
      add(
        h.paperId,
        cover,
        present.map((t) => t.text),
      );
  }

  // Some of the rare words: OR-ed after the required parts, scored by the rarity they cover.
  const rare = optional
    .map((t, i) => ({ t, df: df[i]!, ids: lists[i], weight: weight(i) }))
    .filter((r) => r.df > 0 && r.ids !== null)
    .sort((a, b) => a.df - b.df)
    .slice(0, RARE_TERMS);
  if (rare.length === 0) {
    if (hits.length === 0)
      await commonOnly(searcher, plan, required, present, limit, (id, m) =>
        add(id, m.length * idf(cap, libraryPapers), m),
      );
    return { hits, words };
  }
  const found = await searcher.keyword(
    { ...plan, groups: [...required, rare.map((r) => r.t)] },
    Math.max(limit, CANDIDATES),
  );
  const sets = rare.map((r) => ({ word: r.t.text, weight: r.weight, ids: new Set(r.ids) }));
  const scored = found.map((h, order) => {
    const have = sets.filter((s) => s.ids.has(h.paperId));
    return {
      paperId: h.paperId,
      order,
      cover: have.reduce((sum, s) => sum + s.weight, 0),
      matched: have.map((s) => s.word),
    };
  });
  // Coverage first; the repository's own relevance (BM25 / ts_rank) among equal coverage.
  scored.sort((a, b) => b.cover - a.cover || a.order - b.order);
  for (const s of scored) if (hits.length < limit) add(s.paperId, s.cover, s.matched);
  return { hits, words };
}

/**
 * Every word is common (above the cap) and no paper holds them all: AND-ed words from the top
 * lists, dropping one at a time (the shortest first, a proxy for the most common, as
 * service.ts titleNeighbours does), at most COMMON_TRIES times and never below two words: each
 * try is an AND that the top lists answer, so the work stays bounded.
 */
async function commonOnly(
  searcher: KeywordSearcher,
  plan: KeywordPlan,
  required: PlanTerm[][],
  present: PlanTerm[],
  limit: number,
  add: (paperId: number, matched: string[]) => void,
): Promise<void> {
  const byLength = [...present].sort((a, b) => b.text.length - a.text.length);
  const last = Math.max(2, byLength.length - COMMON_TRIES);
  for (let take = byLength.length - 1; take >= last; take--) {
    const words = byLength.slice(0, take);
    const found = await searcher.keyword({ ...plan, groups: [...required, ...words.map((t) => [t])] }, limit);
    if (found.length === 0) continue;
    for (const h of found)
      add(
        h.paperId,
        words.map((t) => t.text),
      );
    return;
  }
}
