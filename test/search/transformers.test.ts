/**
 * The transformers embedder end to end, with a model folder this test writes itself
 * (tiny-model.ts: real ONNX graph, real tokenizer.json): load from the folder with remote
 * loading off → embed (onnxruntime-node, mean pooling, normalization) → reindex → search.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SqliteStore } from '../../src/app/sqlite.store.ts';
import { TransformersEmbedder } from '../../src/search/embedder/transformers.ts';
import { reindex } from '../../src/search/reindex.ts';
import { semanticFor } from '../../src/search/semantic.ts';
import { searchPapers, similarPapers } from '../../src/search/service.ts';
import { makePaper } from '../support/papers.ts';
import { TINY_HIDDEN, writeTinyModel } from './tiny-model.ts';

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('transformers embedder (tiny local model)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'paperboy-tiny-'));
  const modelDir = path.join(dir, 'models', 'tiny-embedder');
  let store: SqliteStore;
  const config = {
    data: path.join(dir, 'data'),
    embedder: 'transformers' as const,
    embedderModel: modelDir,
  };

  before(async () => {
    writeTinyModel(modelDir);
    store = new SqliteStore(path.join(dir, 'data', 'paperboy.db'));
    await store.papers.upsertMany([
      makePaper({ arxivId: '2401.00001', title: 'Car driving', abstract: 'The car on the road.' }),
      makePaper({
        arxivId: '2401.00002',
        title: 'Vehicle orbits',
        abstract: 'A vehicle on the road driving.',
      }),
      makePaper({ arxivId: '2401.00003', title: 'Protein folding', abstract: 'Enzyme and amino molecule.' }),
      makePaper({
        arxivId: '2401.00004',
        title: 'Galaxy survey',
        abstract: 'Star and telescope, cosmic orbit.',
      }),
    ]);
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loads from the folder and pools token vectors into unit sentence vectors', async () => {
    const e = await TransformersEmbedder.load(modelDir, {
      allowRemote: false,
      cacheDir: path.join(dir, 'hub'),
    });
    assert.equal(e.dimensions, TINY_HIDDEN);
    assert.match(e.id, /^transformers-tiny-embedder-[0-9a-f]{12}$/);
    const [car, automobile, protein] = await e.embed(['a car', 'automobile', 'protein folding']);
    for (const v of [car!, automobile!, protein!]) assert.ok(Math.abs(dot(v, v) - 1) < 1e-4);
    assert.ok(dot(car!, automobile!) > 0.8, 'same concept, different words: close');
    assert.ok(dot(car!, protein!) < 0.3, 'different concepts: apart');
  });

  it('refuses a hub name when downloads are off, naming the setting', async () => {
    await assert.rejects(
      TransformersEmbedder.load('sentence-transformers/all-MiniLM-L6-v2', {
        allowRemote: false,
        cacheDir: path.join(dir, 'hub'),
      }),
      /embedderRemote/,
    );
  });

  it('reindexes and answers semantic searches with it', async () => {
    const report = await reindex(store, config);
    assert.equal(report.trained, false);
    assert.equal(report.vectors, 4);
    assert.match(report.model, /^transformers-/);
    await (await semanticFor(store, config)).open();
    const r = await searchPapers({ store, config }, { q: 'automobile', mode: 'vector', pageSize: 2 });
    assert.equal(r.mode, 'vector');
    assert.deepEqual(r.hits.map((h) => h.arxivId).sort(), ['2401.00001', '2401.00002']);
    const hybrid = await searchPapers({ store, config }, { q: 'automobile', pageSize: 2 });
    assert.equal(hybrid.mode, 'hybrid');
    assert.equal(hybrid.hits.length, 2);
    const similar = await similarPapers({ store, config }, '2401.00003', 1);
    assert.equal(similar?.mode, 'vector');
    assert.equal(similar!.hits.length, 1);
  });
});
