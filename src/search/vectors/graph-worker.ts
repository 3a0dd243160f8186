/**
 * Worker thread building an HNSW graph from a copy of the vector matrix and saving it to a file
 * (VectorIndex.buildGraphInWorker): minutes of work at a million papers that must not stall a
 * serving process's event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { addToGraph, newGraph } from './index.ts';

const job = workerData as {
  vectors: Int8Array;
  size: number;
  dimensions: number;
  file: string;
  threads: number;
};
try {
  const graph = newGraph(job.dimensions);
  addToGraph(graph, job.vectors, job.dimensions, 0, job.size, job.threads);
  graph.save(job.file);
  parentPort!.postMessage({});
} catch (err) {
  parentPort!.postMessage({ error: err instanceof Error ? err.message : String(err) });
}
