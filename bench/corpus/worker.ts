/** Worker thread: renders corpus chunks on request (see generate.ts for the ordering). */
import { parentPort, workerData } from 'node:worker_threads';
import { renderChunk } from './jsonl.ts';
import { useWorld, type World } from './world.ts';

const { count, seed, world } = workerData as { count: number; seed: number; world: World };
useWorld(world);

parentPort!.on('message', (chunk: number) => {
  const { data, truth } = renderChunk(count, seed, chunk);
  parentPort!.postMessage({ chunk, data, truth }, [data.buffer as ArrayBuffer]);
});
