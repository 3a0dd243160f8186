/**
 * Synthetic arXiv metadata snapshot generator (JSON Lines, optionally gzipped) plus a ground
 * truth file for search-quality benchmarks.
 *
 *   npx node bench/corpus/generate.ts --count 1000000 --seed 42 --out bench/corpus/papers-1m.jsonl [--gzip]
 *
 * Output depends only on (count, seed): chunks are rendered by worker threads (one per core, up
 * to --workers) and written in order, so the worker count never changes a byte.
 */
import { createWriteStream, existsSync, statSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { createGzip } from 'node:zlib';
import { chunkCount, renderChunk } from './jsonl.ts';
import { type ArxivRecord, CHUNK, PaperGenerator } from './papers.ts';
import { type GroundTruth, mergeTruth, type TruthPart } from './truth.ts';
import { getWorld } from './world.ts';

export type { ArxivRecord } from './papers.ts';

/** Bump when the output for a given (count, seed) changes, so cached corpora are regenerated. */
export const CORPUS_VERSION = 1;
export type { GroundTruth } from './truth.ts';

/** The records in order, in-process (for tests and benches that want objects). */
export function* generatePapers(count: number, seed: number): Iterable<ArxivRecord> {
  const g = new PaperGenerator(count, seed);
  while (!g.done) yield g.next();
}

/** `papers-1m.jsonl` / `papers-1m.jsonl.gz` → `papers-1m.queries.json`. */
export function queriesPathFor(out: string): string {
  return out.replace(/\.jsonl(\.gz)?$/, '').replace(/\.gz$/, '') + '.queries.json';
}

export interface WriteOptions {
  count: number;
  seed: number;
  out: string;
  gzip?: boolean;
  /** Worker threads; 0 renders in this thread. Default: one per core, at most 4. */
  workers?: number;
  progress?: boolean;
}

export interface WriteResult {
  count: number;
  seconds: number;
  papersPerSecond: number;
  out: string;
  queries: string;
}

interface Rendered {
  data: Uint8Array;
  truth: TruthPart;
}

export async function writeCorpus(opts: WriteOptions): Promise<WriteResult> {
  const t0 = performance.now();
  const { count, seed } = opts;
  // The file is written as <out>.tmp then renamed over <out>: never do that to a device
  // (renaming onto /dev/null replaces it with a regular file for the whole machine).
  if (existsSync(opts.out) && !statSync(opts.out).isFile())
    throw new Error(`--out ${opts.out} is not a regular file`);
  const chunks = chunkCount(count);
  const nWorkers = Math.min(opts.workers ?? Math.min(4, availableParallelism()), chunks);
  const tmp = `${opts.out}.tmp`;
  const file = createWriteStream(tmp);
  const gzip = opts.gzip ? createGzip({ level: 1 }) : null; // level 1: compression must keep up
  if (gzip) gzip.pipe(file);
  const sink: NodeJS.WritableStream = gzip ?? file;
  const finished = new Promise<void>((resolve, reject) => {
    file.on('close', resolve);
    file.on('error', reject);
    gzip?.on('error', reject);
  });

  // Chunk c goes to worker c % n; each worker's chunks chain, and we keep a bounded window of
  // chunks in flight, consumed strictly in order (memory stays ~window × 10 MB).
  const workers = Array.from({ length: nWorkers }, () => {
    const w = new Worker(new URL('./worker.ts', import.meta.url), {
      workerData: { count, seed, world: getWorld() },
    });
    let chain: Promise<unknown> = Promise.resolve();
    // One chunk at a time per worker, so the pending promise is the one the next message settles.
    let pending: { resolve: (r: Rendered) => void; reject: (e: Error) => void } | null = null;
    w.on('message', (m: Rendered) => pending?.resolve(m));
    w.on('error', (e) => pending?.reject(e));
    w.on('exit', (code) => pending?.reject(new Error(`corpus worker exited (code ${code})`)));
    const run = (chunk: number) =>
      new Promise<Rendered>((resolve, reject) => {
        pending = { resolve, reject };
        w.postMessage(chunk);
      });
    return {
      submit(chunk: number): Promise<Rendered> {
        const p = chain.then(() => run(chunk));
        chain = p.catch(() => {});
        return p;
      },
      close: () => w.terminate(),
    };
  });
  const render = (chunk: number): Promise<Rendered> => {
    if (nWorkers === 0) return Promise.resolve(renderChunk(count, seed, chunk));
    return workers[chunk % nWorkers]!.submit(chunk);
  };

  const window = Math.max(1, nWorkers * 2);
  const queue: Promise<Rendered>[] = [];
  const parts: TruthPart[] = [];
  let scheduled = 0;
  let lastReport = t0;
  try {
    for (let c = 0; c < chunks; c++) {
      while (scheduled < chunks && queue.length < window) queue.push(render(scheduled++));
      const { data, truth } = await queue.shift()!;
      parts.push(truth);
      if (!sink.write(data)) await new Promise((r) => sink.once('drain', r));
      const now = performance.now();
      if (opts.progress && (now - lastReport > 2000 || c === chunks - 1)) {
        lastReport = now;
        const done = Math.min(count, (c + 1) * CHUNK);
        const rate = Math.round(done / ((now - t0) / 1000));
        process.stderr.write(
          `generated ${Math.round(done)}/${count} papers (${rate.toLocaleString('en')}/s)\n`,
        );
      }
    }
  } catch (err) {
    file.destroy();
    await rm(tmp, { force: true });
    throw err;
  } finally {
    await Promise.all(workers.map((w) => w.close()));
  }
  sink.end();
  await finished;
  await rename(tmp, opts.out);

  const truth = mergeTruth(getWorld(), parts, count, seed);
  const queries = queriesPathFor(opts.out);
  await writeFile(`${queries}.tmp`, formatTruth(truth));
  await rename(`${queries}.tmp`, queries);
  const seconds = (performance.now() - t0) / 1000;
  return { count, seconds, papersPerSecond: count / seconds, out: opts.out, queries };
}

/** One query per line: small, diffable, still plain JSON. */
function formatTruth(t: GroundTruth): string {
  const list = (xs: object[]) => `[\n${xs.map((x) => JSON.stringify(x)).join(',\n')}\n]`;
  return `{"count":${t.count},"seed":${t.seed},"cap":${t.cap},\n"synonym":${list(t.synonym)},\n"keyword":${list(t.keyword)}}\n`;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      count: { type: 'string', default: '1000000' },
      seed: { type: 'string', default: '42' },
      out: { type: 'string' },
      gzip: { type: 'boolean', default: false },
      workers: { type: 'string' },
    },
  });
  const count = Number(values.count);
  const seed = Number(values.seed);
  if (!Number.isInteger(count) || count <= 0 || !Number.isInteger(seed))
    throw new Error('--count and --seed must be integers');
  const out = values.out ?? `bench/corpus/papers-${count}-s${seed}.jsonl${values.gzip ? '.gz' : ''}`;
  const workers = values.workers === undefined ? undefined : Number(values.workers);
  const r = await writeCorpus({ count, seed, out, gzip: values.gzip, workers, progress: true });
  process.stderr.write(
    `wrote ${r.count} papers to ${r.out} in ${r.seconds.toFixed(1)} s (${Math.round(r.papersPerSecond).toLocaleString('en')}/s); ground truth ${r.queries}\n`,
  );
}

if (import.meta.main) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  });
}
