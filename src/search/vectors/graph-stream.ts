/**
 * An HNSW graph built on a worker thread while its vectors are still being made: `paperboy
 * reindex` embeds on one core for minutes (340 s at 2.7M papers) and the graph took 13–14 min
 * after it on both (bench/results/search-2026-12-08T01-30-17Z.json). Fed while embedding runs,
 * the worker adds vectors with one thread, so the second core builds the graph meanwhile; once
 * `finish` is called it adds what is queued with every thread and saves the graph to a file
 * (VectorIndex.adoptGraph loads it). Keys are the index's slots, sent in slot order.
 */
import { Worker } from 'node:worker_threads';

export interface StreamRequest {
  /** Vectors of consecutive slots from `from` (int8, dimensions each). */
  add?: { from: number; vectors: Int8Array };
  /** No more vectors: add the rest with `threads` (0: all cores) and save to the file. */
  finish?: { threads: number };
}
export type StreamReply = { added: number } | { saved: number } | { error: string };

export class GraphStream {
  readonly #worker: Worker;
  readonly #dimensions: number;
  #next = 0;
  #error: Error | null = null;
  #done: Promise<number>;
  #onAdded: (added: number) => void = () => {};

  constructor(dimensions: number, file: string) {
    this.#dimensions = dimensions;
    this.#worker = new Worker(new URL('./graph-stream-worker.ts', import.meta.url), {
      workerData: { dimensions, file },
    });
    this.#done = new Promise((resolve, reject) => {
      this.#worker.on('message', (m: StreamReply) => {
        if ('added' in m) this.#onAdded(m.added);
        else if ('saved' in m) resolve(m.saved);
        else this.#fail(new Error(`graph worker: ${m.error}`), reject);
      });
      this.#worker.on('error', (err) => this.#fail(err, reject));
      this.#worker.on('exit', (code) => this.#fail(new Error(`graph worker exited (${code})`), reject));
    });
    this.#done.catch(() => {}); // reported by finish()
  }

  #fail(err: Error, reject: (err: Error) => void): void {
    this.#error ??= err;
    reject(this.#error);
  }

  /** Queues the vectors of slots [from, from + n); slots must come in order, without gaps. */
  add(from: number, vectors: Int8Array): void {
    if (this.#error) return;
    if (from !== this.#next) throw new Error(`graph stream expected slot ${this.#next}, got ${from}`);
    const copy = vectors.slice();
    this.#worker.postMessage({ add: { from, vectors: copy } } satisfies StreamRequest, [copy.buffer]);
    this.#next = from + vectors.length / this.#dimensions;
  }

  /** Slots sent so far. */
  get sent(): number {
    return this.#next;
  }

  /** Adds the rest with `threads`, saves the graph; resolves with its size. */
  async finish(threads: number, onAdded?: (added: number) => void): Promise<number> {
    if (onAdded) this.#onAdded = onAdded;
    this.#worker.postMessage({ finish: { threads } } satisfies StreamRequest);
    try {
      return await this.#done;
    } finally {
      await this.#worker.terminate();
    }
  }

  /** Stops the worker without saving (the caller builds the graph another way). */
  async abandon(): Promise<void> {
    await this.#worker.terminate();
  }
}
