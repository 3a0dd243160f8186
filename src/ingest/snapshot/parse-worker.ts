/**
 * Worker thread of the snapshot import: reads, decodes, validates and flattens lines (JSON.parse
 * and normalization cost about as much as the SQLite writes), so on two cores parsing runs beside
 * the database thread instead of before it. Batches go to the main thread in file order; at most
 * `maxInFlight` unacknowledged batches bound memory.
 */
import { isUtf8 } from 'node:buffer';
import { parentPort, workerData } from 'node:worker_threads';
import { type PreparedPaper, preparePaper } from '../../papers/prepared.ts';
import { type Line, readLines } from './lines.ts';
import { snapshotRecordToPaper } from './record.ts';

export interface WorkerInput {
  file: string;
  startOffset: number;
  startLine: number;
  batchSize: number;
  /**
   * Unacknowledged batches allowed. The main thread acks a batch when it queues it for its next
   * transaction, so this must exceed the batches per transaction: with 3 batches of 5,000 for
   * 20,000-paper transactions, the writer sat idle ~11% of the time waiting for the 4th.
   * import.ts sets one transaction's worth plus one.
   */
  maxInFlight: number;
}

export interface WorkerBatch {
  type: 'batch';
  papers: PreparedPaper[];
  rejects: { line: number; reason: string }[];
  /** Imported lines with a malformed field that was not needed (see record.ts). */
  warnings: { line: number; reason: string }[];
  /** Line number and decompressed offset just past the last line in this batch. */
  lastLine: number;
  lastEnd: number;
  bytesRead: number;
}

export type WorkerMessage = WorkerBatch | { type: 'done' } | { type: 'error'; message: string };

/** The paper of a line, or why it was rejected; warnings about an imported line go to `warnings`. */
export function parseLine(line: Line, warnings?: { line: number; reason: string }[]): PreparedPaper | string {
  if (line.oversized) return 'line too long (over 4 MiB)';
  if (!isUtf8(line.bytes)) return 'invalid UTF-8';
  let rec: unknown;
  try {
    rec = JSON.parse(line.bytes.toString('utf8'));
  } catch (err) {
    return `broken JSON: ${(err as Error).message}`;
  }
  const result = snapshotRecordToPaper(rec);
  if (!result.ok) return result.reason;
  if (result.warnings && warnings)
    for (const reason of result.warnings) warnings.push({ line: line.number, reason });
  return preparePaper(result.paper);
}

async function run(input: WorkerInput): Promise<void> {
  const port = parentPort!;
  let inFlight = 0;
  let wake: (() => void) | null = null;
  port.on('message', () => {
    inFlight--;
    wake?.();
  });
  let bytesRead = input.startOffset;
  let batch: WorkerBatch = {
    type: 'batch',
    papers: [],
    rejects: [],
    warnings: [],
    lastLine: input.startLine,
    lastEnd: input.startOffset,
    bytesRead,
  };
  const send = async () => {
    while (inFlight >= input.maxInFlight) await new Promise<void>((r) => (wake = r));
    inFlight++;
    batch.bytesRead = bytesRead;
    port.postMessage(batch);
    batch = {
      type: 'batch',
      papers: [],
      rejects: [],
      warnings: [],
      lastLine: batch.lastLine,
      lastEnd: batch.lastEnd,
      bytesRead,
    };
  };
  const lines = readLines(input.file, {
    startOffset: input.startOffset,
    startLine: input.startLine,
    onRead: (b) => {
      bytesRead = b;
    },
  });
  let linesInBatch = 0;
  for await (const line of lines) {
    batch.lastLine = line.number;
    batch.lastEnd = line.end;
    linesInBatch++;
    if (line.bytes.length > 0 || line.oversized) {
      const parsed = parseLine(line, batch.warnings);
      if (typeof parsed === 'string') batch.rejects.push({ line: line.number, reason: parsed });
      else batch.papers.push(parsed);
    }
    // Count lines, not papers, so a file of nothing but bad lines still advances the cursor.
    if (batch.papers.length >= input.batchSize || linesInBatch >= input.batchSize * 4) {
      await send();
      linesInBatch = 0;
    }
  }
  await send();
  port.postMessage({ type: 'done' } satisfies WorkerMessage);
}

if (parentPort) {
  run(workerData as WorkerInput).catch((err: unknown) => {
    parentPort!.postMessage({ type: 'error', message: (err as Error).message } satisfies WorkerMessage);
  });
}
