/**
 * The search service's keyword path for tests that check what the keyword index holds: the query
 * text is parsed and planned as the search page does, then run by the SearchRepository.
 */
import type { Store } from '../../src/app/store.ts';
import { keywordPlan } from '../../src/search/plan.ts';
import { parseQuery } from '../../src/search/query/parse.ts';

export interface KeywordTestHit {
  arxivId: string;
  title: string;
  /** Higher is better. */
  score: number;
}

export async function keywordHits(store: Store, q: string, limit = 10): Promise<KeywordTestHit[]> {
  const repo = store.search;
  const scored = await repo.keyword(keywordPlan(parseQuery(q)), limit);
  const info = new Map((await repo.hits(scored.map((s) => s.paperId))).map((h) => [h.paperId, h]));
  return scored.map((s) => ({
    arxivId: info.get(s.paperId)!.arxivId,
    title: info.get(s.paperId)!.title,
    score: s.score,
  }));
}

export async function keywordIds(store: Store, q: string, limit = 10): Promise<string[]> {
  return (await keywordHits(store, q, limit)).map((h) => h.arxivId);
}
