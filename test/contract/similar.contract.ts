/**
 * Stored "similar papers" lists (migration 008, src/search/similar.repo.ts) on every store: a
 * round trip, replacement, the paper's current content hash beside the list, cascade on delete
 * of nothing else, and the featured papers still lacking a list of a model. Uses arXiv ids
 * 2597.* and featured days in 2199, after every other featuring of the shared suite.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Store } from '../../src/app/store.ts';
import { makePaper } from '../support/papers.ts';

const id = (n: number) => `2597.${String(n).padStart(5, '0')}`;

export function similarContract(store: () => Store): void {
  describe('similar-paper lists', () => {
    test('round trip, replace, and the paper’s current hash beside the list', async () => {
      const s = store();
      await s.papers.upsertMany([1, 2, 3].map((n) => makePaper({ arxivId: id(n), title: `Similar ${n}` })));
      const [a, b, c] = await Promise.all([1, 2, 3].map(async (n) => (await s.papers.get(id(n)))!.id));
      const repo = s.similar;
      const none = await repo.get(a!);
      assert.ok(none);
      assert.equal(none.list, null);
      assert.match(none.paperHash, /\S/);
      assert.equal(await repo.get(987_654_321), null);

      await repo.put({
        paperId: a!,
        model: 'keyword',
        paperHash: none.paperHash,
        computedAt: '2199-01-01T00:00:00.000Z',
        ids: [c!, b!],
      });
      assert.deepEqual(await repo.get(a!), {
        paperHash: none.paperHash,
        list: {
          paperId: a,
          model: 'keyword',
          paperHash: none.paperHash,
          computedAt: '2199-01-01T00:00:00.000Z',
          ids: [c, b],
        },
      });
      await repo.put({
        paperId: a!,
        model: 'v2',
        paperHash: 'old',
        computedAt: '2199-01-02T00:00:00.000Z',
        ids: [b!],
      });
      const got = await repo.get(a!);
      assert.equal(got!.list!.model, 'v2');
      assert.deepEqual(got!.list!.ids, [b]);
      assert.notEqual(got!.list!.paperHash, got!.paperHash, 'the caller sees the list is of older content');
      // A list for a paper that does not exist is not stored (no orphan rows, no FK error).
      await repo.put({
        paperId: 987_654_321,
        model: 'v2',
        paperHash: 'x',
        computedAt: '2199-01-01T00:00:00.000Z',
        ids: [],
      });
      assert.equal(await repo.get(987_654_321), null);
    });

    test('featured papers without a list of a model, latest featured day first', async () => {
      const s = store();
      await s.papers.upsertMany(
        [4, 5, 6].map((n) => makePaper({ arxivId: id(n), title: `Featured similar ${n}` })),
      );
      const [d, e, f] = await Promise.all([4, 5, 6].map(async (n) => (await s.papers.get(id(n)))!.id));
      await s.papers.ingestBatch({
        papers: [],
        featured: [
          { arxivId: id(4), day: '2199-05-01', source: 'rule', submittedBy: null, importedUpvotes: 0 },
          { arxivId: id(5), day: '2199-05-03', source: 'rule', submittedBy: null, importedUpvotes: 0 },
          { arxivId: id(6), day: '2199-05-02', source: 'rule', submittedBy: null, importedUpvotes: 0 },
        ],
      });
      const repo = s.similar;
      assert.deepEqual(await repo.featuredWithout('v9', 3), [e, f, d]);
      const hash = (await repo.get(f!))!.paperHash;
      await repo.put({
        paperId: f!,
        model: 'v9',
        paperHash: hash,
        computedAt: '2199-05-03T00:00:00.000Z',
        ids: [d!],
      });
      await repo.put({
        paperId: e!,
        model: 'keyword',
        paperHash: hash,
        computedAt: '2199-05-03T00:00:00.000Z',
        ids: [d!],
      });
      assert.deepEqual(await repo.featuredWithout('v9', 2), [e, d]);
    });
  });
}
