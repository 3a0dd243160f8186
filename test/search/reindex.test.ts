/**
 * `reindex` on a library above the approximate-index threshold (lowered for the test): the HNSW
 * graph is built, saved under <data>/search/, loaded by the next run and by a serving process
 * instead of being rebuilt, and a run with nothing new changes nothing.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { SqliteStore } from '../../src/app/sqlite.store.ts';
import { searchDir } from '../../src/search/embedder/load.ts';
import { reindex } from '../../src/search/reindex.ts';
import { semanticFor } from '../../src/search/semantic.ts';
import { searchCorpus } from './corpus.ts';

describe('reindex with the HNSW graph', () => {
  const data = mkdtempSync(path.join(tmpdir(), 'paperboy-reindex-'));
  const store = new SqliteStore(path.join(data, 'paperboy.db'));
  const config = { data, embedder: 'builtin' as const };
  after(async () => {
    await store.close();
    rmSync(data, { recursive: true, force: true });
  });
  const graphFile = () => readdirSync(searchDir(data)).find((f) => f.endsWith('.hnsw'));

  it('builds and saves the graph, then reuses it', async () => {
    await store.papers.upsertMany(searchCorpus().map((p) => p.input));
    const exactOnly = await reindex(store, config, { sample: 1000, approxFrom: 1e9 });
    assert.equal(exactOnly.graph, false);
    assert.equal(graphFile(), undefined);
    // The library grew past the threshold: the saved index gains a graph, and saves it.
    const first = await reindex(store, config, { approxFrom: 10 });
    assert.equal(first.graph, true);
    const file = graphFile();
    assert.ok(file, 'graph saved');
    const mtime = statSync(path.join(searchDir(data), file)).mtimeMs;
    const second = await reindex(store, config, { approxFrom: 10 });
    assert.equal(second.trained, false);
    assert.equal(second.embedded, 0);
    assert.equal(second.graph, true);
    assert.equal(statSync(path.join(searchDir(data), file)).mtimeMs, mtime, 'not rebuilt');
    const s = await semanticFor(store, config);
    await s.open();
    assert.equal(s.index!.approximate, true, 'a serving process loads the saved graph');
  });

  it("a retrain removes the previous model's files", async () => {
    const before = readdirSync(searchDir(data)).sort();
    const old = (await reindex(store, config, { approxFrom: 10 })).model;
    assert.ok(
      before.some((f) => f.includes(old)),
      `files of ${old} in ${before}`,
    );
    const retrained = await reindex(store, config, { retrain: true, dimensions: 8, approxFrom: 10 });
    assert.notEqual(retrained.model, old);
    const after = readdirSync(searchDir(data)).sort();
    assert.deepEqual(
      after.filter((f) => f.includes(old)),
      [],
      'no file of the old model left',
    );
    for (const f of [`model-${retrained.model}.bin`, `${retrained.model}.vectors`, `${retrained.model}.json`])
      assert.ok(after.includes(f), `${f} in ${after}`);
    assert.ok(
      after.some((f) => f.startsWith(retrained.model) && f.endsWith('.hnsw')),
      'new graph saved',
    );
  });
});
