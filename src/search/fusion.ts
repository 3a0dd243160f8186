/**
 * Reciprocal rank fusion (Cormack, Clarke & Büttcher 2009): each list adds weight / (K + rank).
 * Ranks, not scores, so BM25 and cosine need no common scale; a paper found by both sides rises.
 */

/** The usual constant: dampens the head so one list's first place does not decide alone. */
export const RRF_K = 60;

export interface RankedList {
  ids: readonly number[];
  weight: number;
}

export function reciprocalRankFusion(
  lists: readonly RankedList[],
  k = RRF_K,
): { paperId: number; score: number }[] {
  const score = new Map<number, number>();
  for (const list of lists) {
    list.ids.forEach((id, rank) => {
      score.set(id, (score.get(id) ?? 0) + list.weight / (k + rank + 1));
    });
  }
  return [...score]
    .map(([paperId, s]) => ({ paperId, score: s }))
    .sort((a, b) => b.score - a.score || a.paperId - b.paperId);
}

/**
 * Partial keyword matches (keyword-relaxed.ts) with meaning matches: each partial match scores
 * its coverage (summed idf of the words it holds) relative to the best one, in [0, 1], and a
 * meaning match adds `vectorWeight` × RRF_K / (RRF_K + rank), ~1 for the nearest. Ranks alone
 * (RRF) let a paper holding one common word of the query and near in meaning outrank the one
 * holding its five rare words (real-vocab bench: paraphrase recall@5 keyword 0.94, RRF 0.69).
 * Equal scores keep the partial order, then the vector order.
 */
export function coverageFusion(
  partial: readonly { paperId: number; score: number }[],
  vector: readonly number[],
  vectorWeight: number,
): { paperId: number; score: number }[] {
  const best = Math.max(0, ...partial.map((p) => p.score)) || 1;
  const score = new Map<number, number>();
  for (const p of partial) score.set(p.paperId, p.score / best);
  vector.forEach((id, rank) => {
    score.set(id, (score.get(id) ?? 0) + (vectorWeight * RRF_K) / (RRF_K + rank + 1));
  });
  return [...score].map(([paperId, s]) => ({ paperId, score: s })).sort((a, b) => b.score - a.score);
}
