/**
 * The HNSW graph built while embedding (src/search/vectors/graph-stream.ts, embed-backlog.ts):
 * keyed by the index's slots, so the adopted graph finds each paper's own vector; slots must come
 * in order; `reindex` of a new model takes this path (its graph phase comes before the vectors are
 * read back) and gives an index as good as the exact scan.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { SqliteStore } from '../../src/app/sqlite.store.ts';
import { reindex } from '../../src/search/reindex.ts';
import { semanticFor } from '../../src/search/semantic.ts';
import { GraphStream } from '../../src/search/vectors/graph-stream.ts';
import { VectorIndex } from '../../src/search/vectors/index.ts';
import { toUnitFloat } from '../../src/search/vectors/quantize.ts';
import { mulberry32 } from '../../src/shared/prng.ts';
import { searchCorpus } from './corpus.ts';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = mkdtempSync(path.join(tmpdir(), 'paperboy-graph-stream-'));
  dirs.push(d);
  return d;
};

describe('GraphStream', () => {
  it('builds a graph keyed by slot from vectors sent in parts', async () => {
    const d = 16;
    const rng = mulberry32(7);
    const index = new VectorIndex('m', d);
    for (let id = 1; id <= 3000; id++)
      index.upsert(
        id * 3,
        Int8Array.from({ length: d }, () => Math.round(rng() * 254 - 127)),
      );
    const file = path.join(tempDir(), 'g.hnsw');
    const stream = new GraphStream(d, file);
    for (const [a, b] of [
      [0, 1],
      [1, 1200],
      [1200, 3000],
    ] as const)
      stream.add(a, index.slotRows(a, b));
    assert.throws(() => stream.add(2999, index.slotRows(2999, 3000)), /expected slot 3000/);
    assert.equal(stream.sent, 3000);
    const seen: number[] = [];
    await stream.finish(2, (n) => seen.push(n));
    assert.equal(seen.at(-1), 3000, 'progress up to the last vector');
    index.adoptGraph(file, 3000);
    assert.equal(index.approximate, true);
    let self = 0;
    for (let id = 3; id <= 9000; id += 30) {
      const top = index.search(toUnitFloat(index.vectorOf(id)!), 1)[0]!;
      if (top.paperId === id) self++;
    }
    assert.ok(self >= 98, `a paper's own vector finds it (${self} of 100)`);
  });
});

describe('reindex of a new model streams its graph', () => {
  it('builds the graph while embedding, then saves it with the matrix', async () => {
    const data = tempDir();
    const store = new SqliteStore(path.join(data, 'paperboy.db'));
    try {
      await store.papers.upsertMany(searchCorpus().map((p) => p.input));
      const phases: string[] = [];
      const report = await reindex(
        store,
        { data, embedder: 'builtin' },
        {
          sample: 1000,
          approxFrom: 10,
          threads: 2,
          onProgress: (p) => {
            if (phases.at(-1) !== p) phases.push(p);
          },
        },
      );
      assert.equal(report.graph, true);
      const after = phases.slice(phases.indexOf('embedding papers'));
      assert.deepEqual(after, ['embedding papers', 'building HNSW graph', 'loading vectors']);
      assert.deepEqual(
        readdirSync(path.join(data, 'search')).filter((f) => f.endsWith('.tmp')),
        [],
        'no scratch file left',
      );
      const s = await semanticFor(store, { data, embedder: 'builtin' });
      await s.open();
      const index = s.index!;
      assert.equal(index.approximate, true, 'the saved graph is loaded');
      assert.equal(index.size, searchCorpus().length);
      const q = toUnitFloat(index.vectorOf(index.maxPaperId)!);
      assert.deepEqual(
        index.search(q, 5).map((h) => h.paperId),
        index.exact(q, 5).map((h) => h.paperId),
      );
    } finally {
      await store.close();
    }
  });
});
