/**
 * The word choices of issue 17's rare-word features, table-driven on a made-up idf table: "more
 * like this" (similar-fuse.ts) and the rare query words folded into a query vector
 * (rare-words.ts). Common words (by df share) and stop words are never chosen; unknown
 * words are.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { rareWords } from './rare-words.ts';
import { authorsOf, moreLikeThisTerms, rankFused } from './similar-fuse.ts';

const PAPERS = 1_000_000;
const df: Record<string, number> = {
  learning: 300_000,
  gradient: 50_000,
  modality: 300,
  imbalance: 100,
  ogmge: 3,
};
const idfOf = (w: string) => (df[w] === undefined ? null : Math.log(PAPERS / df[w]!));

describe('moreLikeThisTerms', () => {
  const paper = {
    title: 'Gradient modulation for modality imbalance',
    abstract: 'We study learning with the OGM-GE method; modality imbalance hurts learning.',
  };
  test('rare and unknown words, never common or stop words', () => {
    const terms = moreLikeThisTerms(paper, { idfOf, papers: PAPERS });
    for (const w of ['modality', 'imbalance', 'ogm', 'modulation', 'hurts']) assert.ok(terms.includes(w), w);
    for (const w of ['learning', 'gradient', 'we', 'the', 'with', 'for']) assert.ok(!terms.includes(w), w);
  });
  test('at most max words; the rarest known word before an unknown one of the same count', () => {
    const terms = moreLikeThisTerms(paper, { idfOf, papers: PAPERS }, 2);
    assert.deepEqual(terms, ['imbalance', 'modality']);
  });
});

// Query words: only those the model barely knows (unknown, or in ≤ RARE_MIN_DF papers).
describe('rareWords (query)', () => {
  const cases: [string, string[]][] = [
    ['learning with gradient', []],
    ['the modality of learning', []],
    ['zyxoflux modality ogmge imbalance', ['zyxoflux', 'ogmge']],
    ['which papers are about the of', []],
  ];
  for (const [q, want] of cases) test(q, () => assert.deepEqual(rareWords(q, idfOf, PAPERS), want));
});

describe('fusion helpers', () => {
  test('authorsOf splits "A, B and C"', () =>
    assert.deepEqual(
      [...authorsOf('Ada Lovelace, Alan  Turing and Grace Hopper')],
      ['ada lovelace', 'alan turing', 'grace hopper'],
    ));
  test('rankFused orders by the weighted sum, ties by id', () => {
    const e = (
      id: number,
      o: Partial<{ vector: number; keyword: number; author: number; category: number }>,
    ) => ({
      id,
      vector: 0,
      keyword: 0,
      author: 0,
      category: 0,
      ...o,
    });
    const w = { vector: 1, keyword: 1, author: 1, category: 1 };
    assert.deepEqual(
      rankFused([e(3, { vector: 0.5 }), e(1, { keyword: 0.9 }), e(2, { vector: 0.5 })], 3, w),
      [1, 2, 3],
    );
  });
});
