/** A worker thread of ParallelEmbedder (parallel.ts): embeds texts with its copy of the model. */
import { parentPort, workerData } from 'node:worker_threads';
import { BuiltinEmbedder } from './builtin.ts';
import type { EmbedReply, EmbedRequest } from './parallel.ts';

const model = BuiltinEmbedder.deserialize((workerData as { model: Uint8Array }).model);
const d = model.dimensions;

parentPort!.on('message', ({ id, texts }: EmbedRequest) => {
  try {
    const buffer = new ArrayBuffer(texts.length * d * 4);
    const matrix = new Float32Array(buffer);
    for (const [i, t] of texts.entries()) matrix.set(model.embedOne(t), i * d);
    parentPort!.postMessage({ id, matrix } satisfies EmbedReply, [buffer]);
  } catch (err) {
    parentPort!.postMessage({
      id,
      error: err instanceof Error ? err.message : String(err),
    } satisfies EmbedReply);
  }
});
