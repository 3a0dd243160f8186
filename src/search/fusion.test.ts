import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RRF_K, reciprocalRankFusion } from './fusion.ts';

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
