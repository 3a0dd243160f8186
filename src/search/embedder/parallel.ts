/**
 * The built-in model embedding on worker threads, for `paperboy reindex` (reindex.ts). One core
 * embeds ~7,800 papers/s (a paper's ~100 word vectors are read from a 50+ MB matrix: memory
 * stalls, not arithmetic), so at 2.7M papers embedding took 340 s with the other core idle
 * (bench/results/search-2026-12-07T17-58-00Z.json). Each worker loads its own copy of the model
 * (~16 MB) and embeds a share of each batch; the vectors are the ones `BuiltinEmbedder.embed`
 * gives, as the same code computes them.
 */
import { Worker } from 'node:worker_threads';
import type { BuiltinEmbedder } from './builtin.ts';
import type { Embedder } from './embedder.ts';

export interface EmbedRequest {
  id: number;
  texts: string[];
}
/** The vectors of a request as one matrix (texts × dimensions), or what went wrong. */
export type EmbedReply = { id: number; matrix: Float32Array } | { id: number; error: string };

interface Pending {
  resolve(m: Float32Array): void;
  reject(err: Error): void;
}

class EmbedWorker {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #next = 0;
  #failed: Error | null = null;

  constructor(model: Uint8Array) {
    this.#worker = new Worker(new URL('./embed-worker.ts', import.meta.url), { workerData: { model } });
    this.#worker.on('message', (m: EmbedReply) => {
      const p = this.#pending.get(m.id);
      this.#pending.delete(m.id);
      if ('matrix' in m) p?.resolve(m.matrix);
      else p?.reject(new Error(`embedding worker: ${m.error}`));
    });
    const fail = (err: Error) => {
      this.#failed ??= err;
      for (const p of this.#pending.values()) p.reject(err);
      this.#pending.clear();
    };
    this.#worker.on('error', fail);
    this.#worker.on('exit', (code) => fail(new Error(`embedding worker exited (${code})`)));
  }

  run(texts: string[]): Promise<Float32Array> {
    if (this.#failed) return Promise.reject(this.#failed);
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, texts } satisfies EmbedRequest);
    });
  }

  async close(): Promise<void> {
    await this.#worker.terminate();
  }
}

export class ParallelEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  readonly #workers: EmbedWorker[];

  constructor(model: BuiltinEmbedder, workers: number) {
    this.id = model.id;
    this.dimensions = model.dimensions;
    const bytes = model.serialize();
    this.#workers = Array.from({ length: Math.max(1, workers) }, () => new EmbedWorker(bytes));
  }

  /** Splits the texts into one contiguous share per worker and joins the answers in order. */
  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    const share = Math.ceil(texts.length / this.#workers.length);
    const parts = await Promise.all(
      this.#workers.map((w, k) => w.run(texts.slice(k * share, (k + 1) * share))),
    );
    const d = this.dimensions;
    const out: Float32Array[] = [];
    for (const m of parts) for (let o = 0; o < m.length; o += d) out.push(m.subarray(o, o + d));
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.close()));
  }
}
