/**
 * Embedding papers that lack an up-to-date vector: `paperboy reindex` (reindex.ts) after training,
 * and a serving process for new papers (semantic.ts). Its own module so that semantic.ts, which
 * reindex.ts resets, need not import reindex.ts.
 */
import { type Embedder, paperText } from './embedder/embedder.ts';
import type { PendingPaper } from './search.repo.ts';
import type { SearchStore } from './store.ts';
import { toInt8 } from './vectors/quantize.ts';

const EMBED_BATCH = 2000;

export type ReindexProgress = (phase: string, done: number, total: number) => void;

/** Embeds papers without an up-to-date vector for the embedder's model. Returns how many. */
export async function vectorizePending(
  store: SearchStore,
  embedder: Embedder,
  progress: ReindexProgress = () => {},
  total = 0,
  afterId = 0,
  /** Called with each batch's vectors once stored (reindex.ts streams them to the graph). */
  onStored?: (rows: { paperId: number; vector: Int8Array }[]) => void,
): Promise<number> {
  const repo = store.search;
  const embed = (papers: PendingPaper[]) => {
    const p = embedder.embed(papers.map(paperText));
    p.catch(() => {}); // awaited below; this only keeps a failure from being reported unhandled first
    return p;
  };
  let done = 0;
  let batch = await repo.pendingPapers(embedder.id, afterId, EMBED_BATCH);
  let embedding = embed(batch);
  while (batch.length > 0) {
    // The next batch is read and queued before this one is written, so worker threads
    // (parallel.ts) always have one to embed.
    const next = await repo.pendingPapers(embedder.id, batch.at(-1)!.id, EMBED_BATCH);
    const nextEmbedding = embed(next);
    const vectors = await embedding;
    const rows = batch.map((p, i) => ({
      paperId: p.id,
      contentHash: p.contentHash,
      vector: toInt8(vectors[i]!),
    }));
    await repo.upsertVectors(embedder.id, rows);
    onStored?.(rows);
    done += batch.length;
    progress('embedding papers', done, total);
    batch = next;
    embedding = nextEmbedding;
  }
  return done;
}
