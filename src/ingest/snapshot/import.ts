/**
 * Bulk import of the arXiv metadata snapshot (JSON Lines, plain or gzip), streamed in bounded
 * memory. Each batch commits together with the file position and running counts, so a kill -9
 * at any point followed by a re-run continues after the last committed batch and ends with the
 * same database as a clean import. A finished import deletes its cursor, so importing the same
 * file again re-reads it and reports every record unchanged.
 */
import { realpathSync, statSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import type { Store } from '../../db/store.ts';
import type { PaperInput, UpsertOutcome } from '../../papers/paper.ts';
import { readLines, type Line } from './lines.ts';
import { snapshotRecordToPaper } from './record.ts';

export interface ImportCounts {
  lines: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
}

export interface ImportProgress extends ImportCounts {
  bytesRead: number;
  totalBytes: number;
}

export interface Rejection {
  line: number;
  reason: string;
}

export interface ImportOptions {
  batchSize?: number;
  onProgress?: (p: ImportProgress) => void;
  onReject?: (r: Rejection) => void;
  /** Called once when a previous run's cursor is found. */
  onResume?: (fromLine: number) => void;
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
}

const emptyCounts = (): ImportCounts => ({ lines: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0 });

function parseLine(line: Line): PaperInput | string {
  if (line.oversized) return 'line too long (over 4 MiB)';
  if (!isUtf8(line.bytes)) return 'invalid UTF-8';
  let rec: unknown;
  try {
    rec = JSON.parse(line.bytes.toString('utf8'));
  } catch (err) {
    return `broken JSON: ${(err as Error).message}`;
  }
  const result = snapshotRecordToPaper(rec);
  return result.ok ? result.paper : result.reason;
}

export async function importSnapshot(store: Store, file: string, options: ImportOptions = {}): Promise<ImportSummary> {
  const started = performance.now();
  const abs = realpathSync(file);
  const st = statSync(abs);
  if (!st.isFile()) throw new Error(`${file} is not a regular file`);
  const key = `import:${abs}`;
  const batchSize = options.batchSize ?? 5000;

  let counts = emptyCounts();
  let startOffset = 0;
  const savedRaw = await store.cursors.get(key);
  if (savedRaw) {
    const saved = JSON.parse(savedRaw) as SavedCursor;
    // Only a cursor for this very file (same size and mtime) is trusted; otherwise start over,
    // which is safe because upserts are idempotent.
    if (saved.size === st.size && saved.mtimeMs === st.mtimeMs) {
      const { size: _s, mtimeMs: _m, offset, ...rest } = saved;
      counts = rest;
      startOffset = offset;
      options.onResume?.(counts.lines);
    }
  }
  const resumedFromLine = counts.lines;

  let batch: PaperInput[] = [];
  let lastEnd = startOffset;
  let bytesRead = startOffset;
  const pendingRejected = { n: 0 };
  const flush = async () => {
    const before = { ...counts, rejected: counts.rejected + pendingRejected.n };
    const offset = lastEnd;
    const toCursor = (outcomes: UpsertOutcome[]) => {
      const next = { ...before };
      for (const o of outcomes) next[o]++;
      const value: SavedCursor = { ...next, size: st.size, mtimeMs: st.mtimeMs, offset };
      return { key, value: JSON.stringify(value) };
    };
    const outcomes = await store.papers.upsertMany(batch, toCursor);
    counts = before;
    for (const o of outcomes) counts[o]++;
    pendingRejected.n = 0;
    batch = [];
  };

  const lines = readLines(abs, {
    startOffset,
    startLine: counts.lines,
    onRead: (b) => {
      bytesRead = b;
    },
  });
  let sinceProgress = 0;
  for await (const line of lines) {
    if (options.signal?.aborted) break;
    counts.lines = line.number;
    lastEnd = line.end;
    if (line.bytes.length === 0 && !line.oversized) continue;
    const parsed = parseLine(line);
    if (typeof parsed === 'string') {
      pendingRejected.n++;
      options.onReject?.({ line: line.number, reason: parsed });
    } else {
      batch.push(parsed);
    }
    if (batch.length >= batchSize) await flush();
    if (++sinceProgress >= 1000) {
      sinceProgress = 0;
      options.onProgress?.({ ...counts, rejected: counts.rejected + pendingRejected.n, bytesRead, totalBytes: st.size });
    }
  }
  await flush();
  if (!options.signal?.aborted) await store.cursors.delete(key);
  options.onProgress?.({ ...counts, bytesRead: st.size, totalBytes: st.size });
  return { file: abs, ...counts, resumedFromLine, seconds: (performance.now() - started) / 1000 };
}
