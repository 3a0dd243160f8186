/**
 * Building the semantic side: train the built-in embedder on a sample of papers (or load the
 * configured transformers model), embed every paper that lacks an up-to-date vector, and build
 * the vector index under <data>/search/. `paperboy reindex` runs it; `vectorizePending`
 * (vectorize.ts) alone is the incremental step for new papers.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { mulberry32 } from '../shared/prng.ts';
import { embedBacklog } from './embed-backlog.ts';
import { BuiltinEmbedder } from './embedder/builtin.ts';
import { type Embedder, paperText } from './embedder/embedder.ts';
import { cacheModel, type EmbedderSettings, loadActiveEmbedder, searchDir } from './embedder/load.ts';
import type { SearchRepository } from './search.repo.ts';
import { resetSemantic } from './semantic.ts';
import type { SearchStore } from './store.ts';
import type { ReindexProgress } from './vectorize.ts';
import { APPROX_FROM, VectorIndex } from './vectors/index.ts';

/** Papers the built-in embedder learns from; more adds little and costs time (docs/ARCHITECTURE.md). */
const TRAINING_SAMPLE = 200_000;
const TEXT_BATCH = 2000;

export interface ReindexOptions {
  /** Train a new built-in model even if one is active. */
  retrain?: boolean;
  sample?: number;
  dimensions?: number;
  /** Build the HNSW graph from this many vectors (default APPROX_FROM). */
  approxFrom?: number;
  /** Embed on worker threads from this many papers to embed (default PARALLEL_FROM). */
  parallelFrom?: number;
  /** Threads for embedding and for the graph (0 or absent: every core). */
  threads?: number;
  onProgress?: ReindexProgress;
}

export interface ReindexReport {
  model: string;
  trained: boolean;
  trainSeconds: number;
  embedded: number;
  embedSeconds: number;
  vectors: number;
  graph: boolean;
  indexSeconds: number;
}

/** Random distinct paper ids in 1..maxId, sorted (ids are dense: rows are never deleted). */
function sampleIds(maxId: number, n: number, seed: number): number[] {
  if (n >= maxId) return Array.from({ length: maxId }, (_, i) => i + 1);
  const rng = mulberry32(seed);
  const picked = new Set<number>();
  while (picked.size < n) picked.add(1 + Math.floor(rng() * maxId));
  return [...picked].sort((a, b) => a - b);
}

async function* sampleTexts(
  repo: SearchRepository,
  ids: number[],
  progress: ReindexProgress,
): AsyncIterable<string> {
  for (let i = 0; i < ids.length; i += TEXT_BATCH) {
    for (const t of await repo.texts(ids.slice(i, i + TEXT_BATCH))) yield paperText(t);
    progress('reading sample', Math.min(ids.length, i + TEXT_BATCH), ids.length);
  }
}

async function train(
  repo: SearchRepository,
  settings: EmbedderSettings,
  options: ReindexOptions,
  progress: ReindexProgress,
): Promise<BuiltinEmbedder> {
  const maxId = await repo.maxPaperId();
  const ids = sampleIds(maxId, options.sample ?? TRAINING_SAMPLE, 42);
  const texts: string[] = [];
  for await (const t of sampleTexts(repo, ids, progress)) texts.push(t);
  const model = BuiltinEmbedder.train(texts, {
    ...(options.dimensions ? { dimensions: options.dimensions } : {}),
    onProgress: (phase, f) => progress(phase, Math.round(f * 100), 100),
  });
  await repo.saveModel(
    { version: model.id, kind: 'builtin', dimensions: model.dimensions },
    model.serialize(),
  );
  cacheModel(settings.data, model);
  return model;
}

/**
 * Removes the files of built-in models other than `model` from <data>/search/ (its cached model,
 * matrix, graph and meta file): a retrain used to leave the previous model's behind, 1.4 GB at
 * 2.7M papers each time. Their vectors are dropped from the database in the same run.
 */
function removeOtherModelFiles(dir: string, model: string): void {
  if (!existsSync(dir)) return;
  for (const f of readdirSync(dir, { withFileTypes: true })) {
    const id = /^(?:model-)?(builtin-[0-9a-f]+)\./.exec(f.name)?.[1];
    if (f.isFile() && id && id !== model) rmSync(path.join(dir, f.name), { force: true });
  }
}

/**
 * Brings the index files up to date: starts from the saved index when it is for this model (a
 * re-run with nothing new costs a load), folds in vectors written since, builds the HNSW graph
 * when the corpus is large enough and the graph is missing or stale, and saves.
 */
async function buildIndex(
  repo: SearchRepository,
  data: string,
  model: string,
  dimensions: number,
  options: Pick<ReindexOptions, 'approxFrom' | 'threads'>,
  progress: ReindexProgress,
  built: VectorIndex | null = null,
): Promise<VectorIndex> {
  const total = await repo.vectorCount(model);
  const dir = searchDir(data);
  // `built`: made while embedding (streamed), not yet saved; its `seq` is caught up here.
  const saved = built ? null : VectorIndex.load(dir, model, dimensions);
  const index = built ?? saved ?? new VectorIndex(model, dimensions, Math.max(1024, total));
  let added = 0;
  for (;;) {
    const rows = await repo.vectorsAfter(model, index.seq, 20_000);
    for (const r of rows) {
      if (!index.sameVector(r.paperId, r.vector)) {
        index.upsert(r.paperId, r.vector);
        added++;
      }
      index.seq = r.seq;
    }
    progress('loading vectors', index.size, total);
    if (rows.length < 20_000) break;
  }
  const hadGraph = index.approximate;
  const wantGraph = index.size >= (options.approxFrom ?? APPROX_FROM);
  // Updated papers leave stale graph entries: rebuild rather than let them pile up.
  if (wantGraph && (!index.approximate || (saved && added > 0 && index.staleCount > 0)))
    index.buildGraph(options.threads ?? 0, (d, t) => progress('building HNSW graph', d, t));
  if (!wantGraph) index.dropGraph();
  if (!saved || added > 0 || index.approximate !== hadGraph) index.save(dir);
  return index;
}

export async function reindex(
  store: SearchStore,
  settings: EmbedderSettings,
  options: ReindexOptions = {},
): Promise<ReindexReport> {
  const progress = options.onProgress ?? (() => {});
  const repo = store.search;
  const t0 = performance.now();
  let embedder: Embedder;
  let trained = false;
  const active = options.retrain ? null : await loadActiveEmbedder(repo, settings);
  if (settings.embedder === 'transformers') {
    if (!settings.embedderModel)
      throw new Error('embedder "transformers" needs embedderModel (a folder or hub name)');
    const { TransformersEmbedder } = await import('./embedder/transformers.ts');
    embedder =
      active?.info.kind === 'transformers'
        ? active.embedder
        : await TransformersEmbedder.load(settings.embedderModel, {
            allowRemote: settings.embedderRemote ?? false,
            cacheDir: `${searchDir(settings.data)}/hub`,
          });
    if (active?.embedder.id !== embedder.id)
      await repo.saveModel(
        { version: embedder.id, kind: 'transformers', dimensions: embedder.dimensions },
        null,
      );
  } else if (active?.info.kind === 'builtin') {
    embedder = active.embedder;
  } else {
    embedder = await train(repo, settings, options, progress);
    trained = true;
  }
  const t1 = performance.now();
  const have = await repo.vectorCount(embedder.id);
  const pendingTotal = Math.max(0, (await store.papers.count()) - have);
  const backlog = await embedBacklog(store, embedder, {
    ...options,
    total: pendingTotal,
    fresh: have === 0,
    dir: searchDir(settings.data),
    progress,
  });
  await repo.dropVectorsExcept(embedder.id);
  const t2 = performance.now();
  const built = await backlog.finishGraph();
  const index = await buildIndex(
    repo,
    settings.data,
    embedder.id,
    embedder.dimensions,
    options,
    progress,
    built,
  );
  removeOtherModelFiles(searchDir(settings.data), embedder.id);
  resetSemantic(store);
  return {
    model: embedder.id,
    trained,
    trainSeconds: (t1 - t0) / 1000,
    embedded: backlog.embedded,
    embedSeconds: (t2 - t1) / 1000,
    vectors: index.size,
    graph: index.approximate,
    indexSeconds: (performance.now() - t2) / 1000,
  };
}
