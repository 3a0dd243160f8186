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
