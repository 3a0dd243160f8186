/**
 * The worker of GraphStream (graph-stream.ts): adds queued vectors to a graph with one thread while
 * more may come, then with `finish`'s threads, and saves the graph. Adding runs in chunks between
 * which messages are received, so `finish` is seen while a backlog is still queued.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { StreamReply, StreamRequest } from './graph-stream.ts';
import { addRows, newGraph } from './index.ts';

const { dimensions, file } = workerData as { dimensions: number; file: string };
/** Vectors added per chunk (~1 s on one core at M = 32). */
const CHUNK = 2_000;
const graph = newGraph(dimensions);
const queue: { from: number; vectors: Int8Array }[] = [];
let finishing: { threads: number } | null = null;
let running = false;

const reply = (m: StreamReply) => parentPort!.postMessage(m);

function step(): void {
  try {
    const head = queue[0];
    if (head) {
      const n = head.vectors.length / dimensions;
      const take = Math.min(n, finishing ? 10 * CHUNK : CHUNK);
      if (graph.size() !== head.from) throw new Error(`expected slot ${graph.size()}, got ${head.from}`);
      const rows = head.vectors.subarray(0, take * dimensions);
      addRows(graph, head.from, rows, dimensions, finishing ? finishing.threads : 1);
      if (take === n) queue.shift();
      else queue[0] = { from: head.from + take, vectors: head.vectors.subarray(take * dimensions) };
      reply({ added: graph.size() });
      setImmediate(step);
      return;
    }
    running = false;
    if (finishing) {
      graph.save(file);
      reply({ saved: graph.size() });
    }
  } catch (err) {
    reply({ error: err instanceof Error ? err.message : String(err) });
  }
}

parentPort!.on('message', (m: StreamRequest) => {
  if (m.add) queue.push(m.add);
  if (m.finish) finishing = m.finish;
  if (!running) {
    running = true;
    setImmediate(step);
  }
});
