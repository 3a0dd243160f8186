/**
 * `paperboy reindex`'s embedding step (reindex.ts), using both cores of a small machine:
 * - a fresh model with a backlog large enough for an HNSW graph embeds in process while a worker
 *   builds the graph from the vectors as they are stored (vectors/graph-stream.ts): embedding
 *   takes one core for minutes, and the graph is the longest step of a 2.7M reindex;
 * - otherwise a large backlog of the built-in model is embedded on one worker thread per core
 *   (embedder/parallel.ts).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { log } from '../shared/log.ts';
import { BuiltinEmbedder } from './embedder/builtin.ts';
import type { Embedder } from './embedder/embedder.ts';
import { ParallelEmbedder } from './embedder/parallel.ts';
import type { SearchStore } from './store.ts';
import { type ReindexProgress, vectorizePending } from './vectorize.ts';
import { GraphStream } from './vectors/graph-stream.ts';
import { APPROX_FROM, VectorIndex } from './vectors/index.ts';

/** Papers to embed from which the built-in model runs on worker threads (starting them costs ~0.1 s). */
const PARALLEL_FROM = 20_000;

export interface BacklogOptions {
  /** Papers to embed. */
  total: number;
  /** No vector of this model is stored yet (a new model: the index starts empty). */
  fresh: boolean;
  /** <data>/search/, for the streamed graph's scratch file. */
  dir: string;
  progress: ReindexProgress;
  /** Graph from this many vectors (default APPROX_FROM). */
  approxFrom?: number;
  /** Embed on worker threads from this many papers (default PARALLEL_FROM). */
  parallelFrom?: number;
  /** Cores to use (0 or absent: all). */
  threads?: number;
}

export interface Backlog {
  embedded: number;
  /**
   * Waits for the streamed graph and returns the index it belongs to (matrix and graph, not yet
   * saved), or null when none was streamed. A failed graph worker is logged and the index comes
   * back without a graph, which the caller then builds in process.
   */
  finishGraph(): Promise<VectorIndex | null>;
}

export async function embedBacklog(
  store: SearchStore,
  embedder: Embedder,
  o: BacklogOptions,
): Promise<Backlog> {
  const threads = o.threads || availableParallelism();
  if (threads >= 2 && o.fresh && o.total >= (o.approxFrom ?? APPROX_FROM))
    return streamed(store, embedder, o);
  const none = { finishGraph: async () => null };
  if (!(embedder instanceof BuiltinEmbedder) || threads < 2 || o.total < (o.parallelFrom ?? PARALLEL_FROM))
    return { embedded: await vectorizePending(store, embedder, o.progress, o.total), ...none };
  const parallel = new ParallelEmbedder(embedder, threads);
  try {
    return { embedded: await vectorizePending(store, parallel, o.progress, o.total), ...none };
  } finally {
    await parallel.close();
  }
}

async function streamed(store: SearchStore, embedder: Embedder, o: BacklogOptions): Promise<Backlog> {
  mkdirSync(o.dir, { recursive: true });
  const file = path.join(o.dir, `${embedder.id}.streamed.hnsw.tmp`);
  const index = new VectorIndex(embedder.id, embedder.dimensions, Math.max(1024, o.total));
  let stream: GraphStream | null = new GraphStream(embedder.dimensions, file);
  const onStored = (rows: { paperId: number; vector: Int8Array }[]) => {
    const from = index.size;
    for (const r of rows) index.upsert(r.paperId, r.vector);
    if (!stream) return;
    // Each paper is embedded once per run, so each row takes the next slot; were one replaced
    // instead, the slots sent would no longer be the graph's keys: the graph is built after.
    if (index.size === from + rows.length) {
      stream.add(from, index.slotRows(from, index.size));
      return;
    }
    void stream.abandon().finally(() => rmSync(file, { force: true }));
    stream = null;
  };
  let embedded: number;
  try {
    embedded = await vectorizePending(store, embedder, o.progress, o.total, 0, onStored);
  } catch (err) {
    await stream?.abandon();
    rmSync(file, { force: true });
    throw err;
  }
  return {
    embedded,
    finishGraph: async () => {
      if (!stream) return index;
      const sent = stream.sent;
      try {
        await stream.finish(o.threads ?? 0, (added) => o.progress('building HNSW graph', added, sent));
        index.adoptGraph(file, sent);
      } catch (err) {
        log.warn(`reindex: the graph built while embedding failed (${String(err)}); building it now`);
        index.dropGraph();
      } finally {
        rmSync(file, { force: true });
      }
      return index;
    },
  };
}
