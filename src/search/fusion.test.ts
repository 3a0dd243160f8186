import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { coverageFusion, RRF_K, reciprocalRankFusion } from './fusion.ts';

describe('reciprocalRankFusion', () => {
  const cases: [string, { ids: number[]; weight: number }[], number[]][] = [
    ['one list keeps its order', [{ ids: [3, 1, 2], weight: 1 }], [3, 1, 2]],
    [
      'found by both sides rises',
      [
        { ids: [1, 2, 3], weight: 1 },
        { ids: [9, 3, 8], weight: 1 },
      ],
      [3, 1, 9, 2, 8],
    ],
    [
      'ties break by id',
      [
        { ids: [5], weight: 1 },
        { ids: [4], weight: 1 },
      ],
      [4, 5],
    ],
    [
      'a heavier list leads',
      [
        { ids: [1, 2], weight: 1 },
        { ids: [7, 8], weight: 2 },
      ],
      [7, 8, 1, 2],
    ],
    ['empty lists', [{ ids: [], weight: 1 }], []],
  ];
  for (const [name, lists, want] of cases)
    it(name, () =>
      assert.deepEqual(
        reciprocalRankFusion(lists).map((h) => h.paperId),
        want,
      ),
    );

  it('scores are weight / (K + rank)', () => {
    const [top] = reciprocalRankFusion([
      { ids: [1], weight: 1 },
      { ids: [1], weight: 2 },
    ]);
    assert.equal(top!.score, 3 / (RRF_K + 1));
  });
});

describe('coverageFusion (issue 17)', () => {
  it('ranks the paper holding the rare words above one holding a common word and near in meaning', () => {
    // Paper 1 holds the query's rare words (coverage 9), paper 2 one common word (1) and is the
    // nearest by meaning; 3 is near in meaning only.
    const partial = [
      { paperId: 1, score: 9 },
      { paperId: 2, score: 1 },
    ];
    const order = coverageFusion(partial, [2, 3], 1 / 6).map((h) => h.paperId);
    assert.deepEqual(order, [1, 2, 3]);
    // Ranks alone put the paper both sides found first.
    assert.equal(
      reciprocalRankFusion([
        { ids: [1, 2], weight: 1 },
        { ids: [2, 3], weight: 1 },
      ])[0]!.paperId,
      2,
    );
  });

  it('lets meaning lead when no partial match covers much', () => {
    const order = coverageFusion([], [5, 6], 0.5).map((h) => h.paperId);
    assert.deepEqual(order, [5, 6]);
  });
});
