/**
 * Embedding on worker threads (src/search/embedder/parallel.ts): the vectors are exactly the
 * in-process model's, in order, for any batch size; `reindex` taking that path stores the same
 * vectors as one that embeds in process; a dead worker fails the batch instead of hanging it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { SqliteStore } from '../../src/app/sqlite.store.ts';
import { BuiltinEmbedder } from '../../src/search/embedder/builtin.ts';
import { paperText } from '../../src/search/embedder/embedder.ts';
import { ParallelEmbedder } from '../../src/search/embedder/parallel.ts';
import { reindex } from '../../src/search/reindex.ts';
import { searchCorpus } from './corpus.ts';

const texts = searchCorpus().map((p) => paperText(p.input));

describe('ParallelEmbedder', () => {
  const model = BuiltinEmbedder.train(texts, { dimensions: 16 });

  it('gives the in-process vectors, in order, whatever the batch size', async () => {
    const parallel = new ParallelEmbedder(model, 3);
    try {
      for (const n of [0, 1, 2, 7, texts.length]) {
        const batch = texts.slice(0, n);
        const want = await model.embed(batch);
        const got = await parallel.embed(batch);
        assert.equal(got.length, n);
        for (const [i, v] of got.entries()) assert.deepEqual([...v], [...want[i]!], `text ${i} of ${n}`);
      }
      assert.equal(parallel.id, model.id);
    } finally {
      await parallel.close();
    }
  });

  it('fails a batch when its workers are gone', async () => {
    const parallel = new ParallelEmbedder(model, 2);
    await parallel.close();
    await assert.rejects(parallel.embed(texts.slice(0, 4)), /embedding worker exited/);
  });
});

describe('reindex embedding on worker threads', () => {
  const dirs: string[] = [];
  after(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  async function vectorsAfterReindex(parallelFrom: number) {
    const data = mkdtempSync(path.join(tmpdir(), 'paperboy-parallel-embed-'));
    dirs.push(data);
    const store = new SqliteStore(path.join(data, 'paperboy.db'));
    try {
      await store.papers.upsertMany(searchCorpus().map((p) => p.input));
      const report = await reindex(
        store,
        { data, embedder: 'builtin' },
        { sample: 1000, parallelFrom, threads: 2 },
      );
      const rows = await store.search.vectorsAfter(report.model, 0, 1e6);
      return { report, vectors: new Map(rows.map((r) => [r.paperId, [...r.vector]])) };
    } finally {
      await store.close();
    }
  }

  it('stores the vectors an in-process run stores', async () => {
    const inProcess = await vectorsAfterReindex(1e9);
    const workers = await vectorsAfterReindex(1);
    assert.equal(workers.report.model, inProcess.report.model, 'the same model was trained');
    assert.equal(workers.report.embedded, searchCorpus().length);
    assert.equal(workers.vectors.size, searchCorpus().length);
    assert.deepEqual(workers.vectors, inProcess.vectors);
  });
});
