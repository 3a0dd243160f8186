import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { mulberry32 } from '../../shared/prng.ts';
import { VectorIndex } from './index.ts';
import { toInt8 } from './quantize.ts';

const DIMS = 16;
function randomVector(rng: () => number): Float32Array {
  return Float32Array.from({ length: DIMS }, () => rng() - 0.5);
}

describe('VectorIndex', () => {
  const rng = mulberry32(3);
  const index = new VectorIndex('m', DIMS, 4);
  const vectors = new Map<number, Float32Array>();
  for (let id = 1; id <= 3000; id++) {
    const v = randomVector(rng);
    vectors.set(id, v);
    index.upsert(id, toInt8(v));
  }
  const queries = Array.from({ length: 40 }, () => randomVector(rng));

  it('exact search finds the vector itself first', () => {
    const [top] = index.exact(vectors.get(1234)!, 1);
    assert.equal(top!.paperId, 1234);
    assert.ok(top!.score > 0.99);
  });

  it('scores chosen ids like the exact scan', () => {
    const q = queries[0]!;
    const exact = index.exact(q, 5);
    const chosen = index.scoreIds(q, [...exact.map((h) => h.paperId), 999_999]);
    assert.deepEqual(
      chosen.map((h) => h.paperId),
      exact.map((h) => h.paperId),
    );
    for (let i = 0; i < 5; i++) assert.ok(Math.abs(chosen[i]!.score - exact[i]!.score) < 1e-3);
  });

  it('the HNSW graph agrees with the exact scan, and survives save and load', () => {
    index.buildGraph();
    assert.equal(index.approximate, true);
    const recall = (ix: VectorIndex) =>
      queries.reduce((sum, q) => {
        const ids = new Set(ix.exact(q, 10).map((h) => h.paperId));
        return sum + ix.search(q, 10).filter((h) => ids.has(h.paperId)).length / 10;
      }, 0) / queries.length;
    assert.ok(recall(index) >= 0.95, `recall ${recall(index)}`);
    const dir = mkdtempSync(path.join(tmpdir(), 'paperboy-index-'));
    try {
      index.seq = 42;
      index.save(dir);
      const loaded = VectorIndex.load(dir, 'm', DIMS)!;
      assert.equal(loaded.size, 3000);
      assert.equal(loaded.seq, 42);
      assert.equal(loaded.approximate, true);
      assert.ok(recall(loaded) >= 0.95);
      assert.equal(VectorIndex.load(dir, 'm', DIMS + 1), null, 'another shape is not loaded');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('an updated vector is found under its new value, and new ones join the graph', () => {
    const v = randomVector(rng);
    index.upsert(7, toInt8(v));
    const fresh = randomVector(rng);
    index.upsert(5000, toInt8(fresh));
    assert.equal(index.search(v, 1)[0]!.paperId, 7);
    assert.equal(index.size, 3001);
    assert.ok(index.vectorOf(5000));
    assert.equal(index.approximate, true);
    assert.equal(index.search(fresh, 1)[0]!.paperId, 5000, 'a paper that arrived is in the graph');
  });

  it('search re-ranks graph candidates exactly: same scores and order as the exact scan', () => {
    for (const q of queries.slice(0, 10)) {
      const exact = index.exact(q, 10);
      const approx = index.search(q, 10);
      const common = approx.filter((h) => exact.some((e) => e.paperId === h.paperId));
      for (const h of common) {
        const e = exact.find((x) => x.paperId === h.paperId)!;
        assert.ok(Math.abs(h.score - e.score) < 1e-3, `${h.score} vs ${e.score}`);
      }
      for (let i = 1; i < approx.length; i++) assert.ok(approx[i - 1]!.score >= approx[i]!.score);
    }
  });
});
