/**
 * Bulk import of the arXiv metadata snapshot (JSON Lines, plain or gzip), streamed in bounded
 * memory. A worker thread parses (parse-worker.ts); this thread only writes. Each batch commits
 * together with the file position and running counts, so a kill -9 at any point followed by a
 * re-run continues after the last committed batch and ends with the same database as a clean
 * import. Batches defer the keyword index's segment merging, done once at the end. A finished import deletes its cursor, so importing the same file again re-reads it and
 * reports every record unchanged.
 */
import { realpathSync, statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { UpsertOutcome } from '../../papers/paper.ts';
import { reportIngest } from '../../shared/telemetry.ts';
import type { IngestStore } from '../store.ts';
import type { WorkerBatch, WorkerInput, WorkerMessage } from './parse-worker.ts';

interface ImportCounts {
  lines: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  /** Warnings about imported lines (a malformed field that was not needed), see record.ts. */
  warnings: number;
}

interface ImportProgress extends ImportCounts {
  bytesRead: number;
  totalBytes: number;
}

interface Rejection {
  line: number;
  reason: string;
}

export interface ImportOptions {
  batchSize?: number;
  onProgress?: (p: ImportProgress) => void;
  onReject?: (r: Rejection) => void;
  /** An imported line with a malformed field: line and what was wrong, what was used instead. */
  onWarning?: (w: Rejection) => void;
  /** Called once when a previous run's cursor is found. */
  onResume?: (fromLine: number) => void;
  /** Called after each step of the final keyword-index merge (see finishBulkLoad). */
  onMergeStep?: (step: number) => void;
  signal?: AbortSignal;
}

export interface ImportSummary extends ImportCounts {
  file: string;
  resumedFromLine: number;
  seconds: number;
}

interface SavedCursor extends ImportCounts {
  size: number;
  mtimeMs: number;
  offset: number;
  /** Transactions written with the keyword-index merge deferred (merged once at the end). */
  deferred?: number;
}

const emptyCounts = (): ImportCounts => ({
  lines: 0,
  inserted: 0,
  updated: 0,
  unchanged: 0,
  rejected: 0,
  warnings: 0,
});

/**
 * Papers per parser hand-over. Posted batches live in this thread's queue, not the parser's heap;
 * the parser holds one at a time, well inside its 256 MB.
 */
const PARSE_BATCH = 5000;

/** Yields the worker's batches in order; the worker waits for an ack per batch (backpressure). */
async function* parsedBatches(input: WorkerInput): AsyncGenerator<WorkerBatch> {
  // A capped heap keeps the parser's garbage from inflating peak RSS.
  const worker = new Worker(new URL('./parse-worker.ts', import.meta.url), {
    workerData: input,
    resourceLimits: { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 16 },
  });
  const queue: WorkerMessage[] = [];
  let wake: (() => void) | null = null;
  let failure: Error | null = null;
  worker.on('message', (m: WorkerMessage) => {
    queue.push(m);
    wake?.();
  });
  worker.on('error', (err) => {
    failure = err;
    wake?.();
  });
  worker.on('exit', (code) => {
    if (code !== 0 && !failure) failure = new Error(`import parser thread exited with code ${code}`);
    wake?.();
  });
  try {
    for (;;) {
      while (queue.length === 0 && !failure) await new Promise<void>((r) => (wake = r));
      const m = queue.shift();
      if (!m) throw failure!;
      if (m.type === 'done') return;
      if (m.type === 'error') throw new Error(`reading ${input.file}: ${m.message}`);
      yield m;
      worker.postMessage('ack');
    }
  } finally {
    await worker.terminate();
  }
}

export async function importSnapshot(
  store: IngestStore,
  file: string,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const started = performance.now();
  const abs = realpathSync(file);
  const st = statSync(abs);
  if (!st.isFile()) throw new Error(`${file} is not a regular file`);
  const key = `import:${abs}`;

  let counts = emptyCounts();
  let startOffset = 0;
  let deferred = 0;
  const savedRaw = await store.cursors.get(key);
  if (savedRaw) {
    const saved = JSON.parse(savedRaw) as SavedCursor;
    // Only a cursor for this very file (same size and mtime) is trusted; otherwise start over,
    // which is safe because upserts are idempotent.
    if (saved.size === st.size && saved.mtimeMs === st.mtimeMs) {
      const { size: _s, mtimeMs: _m, offset, deferred: d, ...rest } = saved;
      counts = { ...emptyCounts(), ...rest };
      startOffset = offset;
      deferred = d ?? 0;
      options.onResume?.(counts.lines);
    }
  }
  const resumedFromLine = counts.lines;
  const resumedCounts = { ...counts };
  // The parser hands over small batches (bounded memory in flight); a transaction takes as many
  // as make up batchSize papers, because FTS5 writes one index segment per commit.
  const batchSize = options.batchSize ?? 10_000;
  const input: WorkerInput = {
    file: abs,
    startOffset,
    startLine: counts.lines,
    batchSize: Math.min(batchSize, PARSE_BATCH),
    // One transaction's worth of batches plus one: the next is parsed while this one commits.
    maxInFlight: Math.ceil(batchSize / Math.min(batchSize, PARSE_BATCH)) + 1,
  };

  let pending: WorkerBatch[] = [];
  const commit = async () => {
    const last = pending.at(-1)!;
    const papers = pending.length === 1 ? last.papers : pending.flatMap((b) => b.papers);
    const rejected = pending.reduce((n, b) => n + b.rejects.length, 0);
    const warnings = pending.reduce((n, b) => n + b.warnings.length, 0);
    pending = [];
    const before = {
      ...counts,
      lines: last.lastLine,
      rejected: counts.rejected + rejected,
      warnings: counts.warnings + warnings,
    };
    const toCursor = (outcomes: UpsertOutcome[]) => {
      const next = { ...before };
      for (const o of outcomes) next[o]++;
      const value: SavedCursor = {
        ...next,
        size: st.size,
        mtimeMs: st.mtimeMs,
        offset: last.lastEnd,
        deferred: deferred + 1,
      };
      return { key, value: JSON.stringify(value) };
    };
    const outcomes = await store.papers.upsertPrepared(papers, toCursor, { deferMerge: true });
    deferred++;
    counts = before;
    for (const o of outcomes) counts[o]++;
    options.onProgress?.({ ...counts, bytesRead: last.bytesRead, totalBytes: st.size });
  };
  let pendingPapers = 0;
  for await (const batch of parsedBatches(input)) {
    if (options.signal?.aborted) break;
    for (const r of batch.rejects) options.onReject?.(r);
    for (const w of batch.warnings) options.onWarning?.(w);
    pending.push(batch);
    pendingPapers += batch.papers.length;
    if (pendingPapers >= batchSize) {
      pendingPapers = 0;
      await commit();
    }
  }
  if (pending.length > 0 && !options.signal?.aborted) await commit();
  if (!options.signal?.aborted) {
    // Before the cursor goes: a crash during the merge resumes here and merges what is left.
    await store.papers.finishBulkLoad(deferred, options.onMergeStep);
    await store.cursors.delete(key);
  }
  reportIngest({
    scope: store,
    source: 'snapshot',
    status: options.signal?.aborted ? 'interrupted' : 'ok',
    inserted: counts.inserted - resumedCounts.inserted,
    updated: counts.updated - resumedCounts.updated,
  });
  return { file: abs, ...counts, resumedFromLine, seconds: (performance.now() - started) / 1000 };
}
