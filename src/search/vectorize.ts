/**
 * Embedding papers that lack an up-to-date vector: `paperboy reindex` (reindex.ts) after training,
 * and a serving process for new papers (semantic.ts). Its own module so that semantic.ts, which
 * reindex.ts resets, need not import reindex.ts.
 */
import { type Embedder, paperText } from './embedder/embedder.ts';
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
): Promise<number> {
  const repo = store.search;
  let after = afterId;
  let done = 0;
  for (;;) {
    const batch = await repo.pendingPapers(embedder.id, after, EMBED_BATCH);
    if (batch.length === 0) return done;
    const vectors = await embedder.embed(batch.map(paperText));
    await repo.upsertVectors(
      embedder.id,
      batch.map((p, i) => ({ paperId: p.id, contentHash: p.contentHash, vector: toInt8(vectors[i]!) })),
    );
    after = batch.at(-1)!.id;
    done += batch.length;
    progress('embedding papers', done, total);
  }
}
