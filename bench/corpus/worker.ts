/** Worker thread: renders corpus chunks on request (see generate.ts for the ordering). */
import { parentPort, workerData } from 'node:worker_threads';
import { renderChunk } from './jsonl.ts';

const { count, seed } = workerData as { count: number; seed: number };
const encoder = new TextEncoder();

parentPort!.on('message', (chunk: number) => {
  const { text, truth } = renderChunk(count, seed, chunk);
  const data = encoder.encode(text);
  parentPort!.postMessage({ chunk, data, truth }, [data.buffer]);
});
