/**
 * A hybrid search runs its vector side while the keyword side works, not after it (issue 18
 * item 7: the search took the sum of the two). The keyword repository here holds the page's
 * keyword answer back until the vector index has been searched: run one after the other, the
 * vector side would never start while the keyword side waits, and the search would finish only
 * through the fallback release — which the test reports as a failure.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SqliteStore } from '../../src/app/sqlite.store.ts';
import { reindex } from '../../src/search/reindex.ts';
import type { SearchRepository } from '../../src/search/search.repo.ts';
import { semanticFor } from '../../src/search/semantic.ts';
import { searchPapers } from '../../src/search/service.ts';
import type { SearchStore } from '../../src/search/store.ts';
import { searchCorpus } from './corpus.ts';

/** `target` with some members replaced; its own methods stay bound to it (private fields). */
function overriding<T extends object>(target: T, members: Partial<T>): T {
  return new Proxy(target, {
    get(t, key) {
      if (Object.hasOwn(members, key)) return members[key as keyof T];
      const v = Reflect.get(t, key, t) as unknown;
      return typeof v === 'function' ? v.bind(t) : v;
    },
  });
}

describe('hybrid search: the keyword and vector sides run together', () => {
  const data = mkdtempSync(path.join(tmpdir(), 'pb-hybrid-parallel-'));
  const config = { data, embedder: 'builtin' as const, inProcess: true };
  let store: SqliteStore;

  before(async () => {
    store = new SqliteStore(path.join(data, 'paperboy.db'));
    await store.papers.upsertMany(searchCorpus().map((p) => p.input));
    await reindex(store, { data, embedder: 'builtin' }, { sample: 1000 });
  });
  after(async () => {
    await store.close();
    rmSync(data, { recursive: true, force: true });
  });

  test('the vector index is searched while the keyword side is still answering', async () => {
    let vectorSearched!: () => void;
    const searched = new Promise<void>((resolve) => {
      vectorSearched = resolve;
    });
    const events: string[] = [];
    const repo = store.search;
    // The real repository; only the page's keyword ranking (the hybrid side asks 100 rows; the
    // vector side's rare-word lookups ask 5) waits for the vector index to be searched.
    const keyword: SearchRepository['keyword'] = async (...args) => {
      const rows = await repo.keyword(...args);
      if (args[1] < 100) return rows;
      events.push('keyword asked');
      let fallback: NodeJS.Timeout | undefined;
      await Promise.race([
        searched,
        new Promise<void>((resolve) => {
          fallback = setTimeout(() => {
            events.push('released without the vector side');
            resolve();
          }, 5000);
        }),
      ]);
      clearTimeout(fallback);
      events.push('keyword answered');
      return rows;
    };
    const wrapped = overriding<SearchStore>(store, { search: overriding(repo, { keyword }) });
    const sem = await semanticFor(wrapped, config);
    await sem.open();
    assert.equal(sem.state, 'ready', sem.error ?? '');
    const index = sem.index!;
    const original = index.search.bind(index);
    index.search = (v, k) => {
      events.push('vector searched');
      vectorSearched();
      return original(v, k);
    };
    const r = await searchPapers({ store: wrapped, config }, { q: 'automobile road', pageSize: 10 });
    assert.equal(r.mode, 'hybrid');
    assert.ok(r.hits.length > 0);
    // (Later keyword asks — the partial matches below the few full ones — find the index searched.)
    assert.deepEqual(events.slice(0, 3), ['keyword asked', 'vector searched', 'keyword answered']);
  });
});
