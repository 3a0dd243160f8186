/**
 * Worker thread for the keyword searches of "similar papers" on SQLite (similar-setup.ts): the
 * title-word fallback, and the "more like this" OR query of the fused lists (similar-fuse.ts).
 * node:sqlite is synchronous, and the title-word search takes 50–360 ms at 1M papers: run on the
 * serving thread it would stall every other request for as long. Here it runs on its own
 * connection (WAL: readers do not block the writer or each other), one request at a time.
 */
import { DatabaseSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import type { ScoredId } from './search.repo.ts';
import { SqliteSearchRepository } from './search.sqlite.repo.ts';
import { titleNeighbours } from './service.ts';
import { moreLikeThis } from './similar-fuse.ts';

/** With `terms`: the "more like this" query of those words; without: the paper's title words. */
export interface NeighbourRequest {
  id: number;
  paperId: number;
  n: number;
  terms?: string[];
}
export type NeighbourReply = { id: number; hits: ScoredId[] } | { id: number; error: string };

const db = new DatabaseSync((workerData as { file: string }).file, { timeout: 10_000 });
db.exec('PRAGMA query_only = ON; PRAGMA cache_size = -16384;');
const repo = new SqliteSearchRepository(db);

parentPort!.on('message', async (m: NeighbourRequest) => {
  let reply: NeighbourReply;
  try {
    const hits = m.terms
      ? await moreLikeThis(repo, m.terms, m.n)
      : (await titleNeighbours(repo, m.paperId, m.n)).map((paperId) => ({ paperId, score: 0 }));
    reply = { id: m.id, hits };
  } catch (err) {
    reply = { id: m.id, error: (err as Error).message };
  }
  parentPort!.postMessage(reply);
});
