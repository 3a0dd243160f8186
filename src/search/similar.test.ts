/**
 * Stored similar lists: the freshness rule (table-driven), and SimilarLists on a real SQLite
 * store with a counting compute function — filled once, reused, recomputed when the embedder
 * model or the paper changes, refreshed behind an aging list, one computation per burst.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makePaper } from '../../test/support/papers.ts';
import { SqliteStore } from '../app/sqlite.store.ts';
import type { SimilarList } from './similar.repo.ts';
import { KEYWORD_MODEL, listState, REFRESH_AFTER_MS, SimilarLists, STORED_IDS } from './similar.ts';

const NOW = Date.parse('2025-06-01T00:00:00.000Z');
const list = (over: Partial<SimilarList> = {}): SimilarList => ({
  paperId: 1,
  model: 'm1',
  paperHash: 'h1',
  computedAt: new Date(NOW - 1000).toISOString(),
  ids: [2, 3],
  ...over,
});

describe('listState', () => {
  const cases: [string, SimilarList | null, string | null, string, ReturnType<typeof listState>][] = [
    ['no list', null, 'm1', 'h1', 'invalid'],
    ['same model and content, recent', list(), 'm1', 'h1', 'fresh'],
    ['embedder model changed', list(), 'm2', 'h1', 'invalid'],
    ['vectors arrived for a keyword list', list({ model: KEYWORD_MODEL }), 'm1', 'h1', 'invalid'],
    ['paper content changed', list(), 'm1', 'h2', 'invalid'],
    ['semantic side still loading: any list of this content', list({ model: 'old' }), null, 'h1', 'fresh'],
    ['loading, but content changed', list(), null, 'h2', 'invalid'],
    [
      'older than REFRESH_AFTER_MS',
      list({ computedAt: new Date(NOW - REFRESH_AFTER_MS - 1).toISOString() }),
      'm1',
      'h1',
      'aging',
    ],
    [
      'exactly REFRESH_AFTER_MS old',
      list({ computedAt: new Date(NOW - REFRESH_AFTER_MS).toISOString() }),
      'm1',
      'h1',
      'fresh',
    ],
  ];
  for (const [name, l, model, hash, want] of cases)
    test(name, () => assert.equal(listState(l, { model, paperHash: hash }, NOW), want));
});

describe('SimilarLists on SQLite', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'paperboy-similar-'));
  let store: SqliteStore;
  const ids: number[] = [];
  let model = 'm1';
  let now = NOW;
  const calls: number[] = [];
  let gate: Promise<void> = Promise.resolve();

  const lists = () =>
    new SimilarLists({
      repo: {
        get: async (id) => store.similar.get(id),
        put: async (l) => store.similar.put(l),
        featuredWithout: async (m, k) => store.similar.featuredWithout(m, k),
      },
      modelFor: async () => model,
      compute: async (paperId, n) => {
        calls.push(paperId);
        await gate;
        // The paper itself comes back too (as from a vector search); SimilarLists drops it.
        return { ids: [paperId, ...ids.filter((i) => i !== paperId)].slice(0, n + 1), model };
      },
      now: () => new Date(now),
    });

  before(async () => {
    store = new SqliteStore(path.join(dir, 'paperboy.db'));
    await store.papers.upsertMany(
      Array.from({ length: 30 }, (_, i) => makePaper({ arxivId: `2501.${String(i + 1).padStart(5, '0')}` })),
    );
    for (let i = 1; i <= 30; i++)
      ids.push((await store.papers.get(`2501.${String(i).padStart(5, '0')}`))!.id);
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('first view: nothing to show, one computation queued; then stored and reused', async () => {
    const s = lists();
    const first = await s.get(ids[0]!);
    assert.deepEqual(first, { list: null });
    await s.idle();
    assert.deepEqual(calls, [ids[0]]);
    const row = (await store.similar.get(ids[0]!))!;
    assert.equal(row.list!.model, 'm1');
    assert.equal(row.list!.ids.length, STORED_IDS);
    assert.ok(!row.list!.ids.includes(ids[0]!), 'never lists the paper itself');
    const again = await s.get(ids[0]!);
    assert.deepEqual(again!.list, { ids: row.list!.ids, model: 'm1' });
    // A new service (another process, a restart) reads the stored row: no computation.
    assert.deepEqual((await lists().get(ids[0]!))!.list!.ids, row.list!.ids);
    assert.deepEqual(calls, [ids[0]]);
  });

  test('a view may wait a little for the computation', async () => {
    calls.length = 0;
    const got = await lists().get(ids[1]!, 5000);
    assert.equal(got!.list!.ids.length, STORED_IDS);
    assert.deepEqual(calls, [ids[1]]);
  });

  test('a slow computation is not waited for past waitMs, and is stored when done', async () => {
    calls.length = 0;
    let open!: () => void;
    gate = new Promise((r) => {
      open = r;
    });
    const s = lists();
    const t0 = Date.now();
    assert.deepEqual(await s.get(ids[2]!, 30), { list: null });
    assert.ok(Date.now() - t0 < 2000);
    open();
    gate = Promise.resolve();
    await s.idle();
    assert.equal((await s.get(ids[2]!))!.list!.ids.length, STORED_IDS);
  });

  test('a burst of views of one paper computes it once', async () => {
    calls.length = 0;
    const s = lists();
    await Promise.all(Array.from({ length: 20 }, () => s.get(ids[3]!)));
    await s.idle();
    assert.deepEqual(calls, [ids[3]]);
  });

  test('a new embedder model invalidates stored lists', async () => {
    calls.length = 0;
    const s = lists();
    model = 'm2';
    try {
      assert.deepEqual(await s.get(ids[0]!), { list: null }, 'the old model’s list is not shown');
      await s.idle();
      assert.deepEqual(calls, [ids[0]]);
      assert.equal((await s.get(ids[0]!))!.list!.model, 'm2');
    } finally {
      model = 'm1';
    }
  });

  test('a changed paper invalidates its list', async () => {
    calls.length = 0;
    const s = lists();
    assert.ok((await s.get(ids[1]!))!.list);
    await store.papers.upsertMany([
      makePaper({ arxivId: '2501.00002', version: 2, title: 'A new title for version two' }),
    ]);
    assert.deepEqual(await s.get(ids[1]!), { list: null });
    await s.idle();
    assert.deepEqual(calls, [ids[1]]);
    assert.ok((await s.get(ids[1]!))!.list);
  });

  test('an aging list is shown while it is recomputed behind it', async () => {
    calls.length = 0;
    const s = lists();
    now = NOW + REFRESH_AFTER_MS + 60_000;
    try {
      const got = await s.get(ids[3]!);
      assert.ok(got!.list, 'still shown');
      await s.idle();
      assert.deepEqual(calls, [ids[3]]);
      const row = (await store.similar.get(ids[3]!))!;
      assert.equal(row.list!.computedAt, new Date(now).toISOString());
    } finally {
      now = NOW;
    }
  });

  test('a failed computation shows nothing and is retried on the next view', async () => {
    const errors: unknown[] = [];
    let fail = true;
    const s = new SimilarLists({
      repo: store.similar,
      modelFor: async () => 'm1',
      compute: async () => {
        if (fail) throw new Error('index exploded');
        return { ids: [ids[9]!], model: 'm1' };
      },
      now: () => new Date(NOW),
      onError: (e) => errors.push(e),
    });
    assert.deepEqual(await s.get(ids[8]!, 1000), { list: null });
    assert.equal(errors.length, 1);
    fail = false;
    assert.deepEqual((await s.get(ids[8]!, 1000))!.list, { ids: [ids[9]], model: 'm1' });
  });

  test('unknown papers answer null', async () => {
    assert.equal(await lists().get(999_999), null);
  });
});
