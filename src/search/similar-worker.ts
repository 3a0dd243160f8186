/**
 * Worker thread for the title-word fallback of "similar papers" on SQLite (similar-setup.ts).
 * node:sqlite is synchronous, and that keyword search takes 50–360 ms at 1M papers: run on the
 * serving thread it would stall every other request for as long. Here it runs on its own
 * connection (WAL: readers do not block the writer or each other), one request at a time.
 */
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import { SqliteSearchRepository } from './search.sqlite.repo.ts';
import { titleNeighbours } from './service.ts';

export interface NeighbourRequest {
  id: number;
  paperId: number;
  n: number;
}
export type NeighbourReply = { id: number; ids: number[] } | { id: number; error: string };

const db = new DatabaseSync((workerData as { file: string }).file, { timeout: 10_000 });
db.exec('PRAGMA query_only = ON; PRAGMA cache_size = -16384;');
const repo = new SqliteSearchRepository(db);

parentPort!.on('message', async (m: NeighbourRequest) => {
  let reply: NeighbourReply;
  try {
    reply = { id: m.id, ids: await titleNeighbours(repo, m.paperId, m.n) };
  } catch (err) {
    reply = { id: m.id, error: (err as Error).message };
  }
  parentPort!.postMessage(reply);
});
