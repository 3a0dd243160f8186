/**
 * A keyword-search worker of the pool in keyword-pool.ts: its own connection to the SQLite file
 * (WAL: readers block neither the writer nor each other) and its own top lists, one task at a
 * time. node:sqlite is synchronous, so a broad FTS5 query (a short prefix merges the doclists of
 * every word it starts) would stall every request if it ran on the serving thread.
 */
import { setPriority } from 'node:os';
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import type { KeywordPlan, PlanTerm, ScoredId } from './search.repo.ts';
import { SqliteSearchRepository } from './search.sqlite.repo.ts';

export type KeywordTask =
  | { op: 'keyword'; plan: KeywordPlan; limit: number; atLeast?: number }
  | { op: 'satisfying'; ids: number[]; plan: KeywordPlan }
  | { op: 'postings'; terms: PlanTerm[]; cap: number };
export type KeywordRequest = { id: number; task: KeywordTask };
export type KeywordReply =
  | { id: number; result: ScoredId[] | number[] | (number[] | null)[] }
  | { id: number; error: string; invalid?: boolean };

// A short busy timeout: the only writes here are remembered top lists (toplists.ts), which are
// skipped when the writer is busy, and waiting would spend the query's budget.
// Below the serving thread (Linux keeps a nice value per thread, and pid 0 is this thread): when
// broad searches fill every core, pages and /health still get the CPU first (bench/search-hostile).
try {
  setPriority(0, 10);
} catch {
  // not permitted here: the budget alone bounds the work
}

const db = new DatabaseSync((workerData as { file: string }).file, { timeout: 200 });
// The serving connection's settings (db/sqlite.ts): FTS5 sorts its candidates in temp b-trees,
// which on disk (the default temp_store) made a pooled query ~1.5x slower than the same query on
// the serving thread; the larger page cache keeps the hot doclists of a 1M library.
db.exec('PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY;');
const repo = new SqliteSearchRepository(db);

parentPort!.on('message', async (m: KeywordRequest) => {
  let reply: KeywordReply;
  try {
    const t = m.task;
    reply =
      t.op === 'keyword'
        ? { id: m.id, result: await repo.keyword(t.plan, t.limit, t.atLeast ? { atLeast: t.atLeast } : {}) }
        : t.op === 'postings'
          ? { id: m.id, result: await repo.postings(t.terms, t.cap) }
          : { id: m.id, result: [...(await repo.satisfying(t.ids, t.plan))] };
  } catch (err) {
    reply = { id: m.id, error: (err as Error).message };
  }
  parentPort!.postMessage(reply);
});
