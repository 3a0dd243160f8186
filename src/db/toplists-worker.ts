/**
 * Worker thread rebuilding the keyword top lists on its own connection, so a server keeps
 * answering while a rebuild ranks thousands of phrases (minutes at 1M papers).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openSqlite } from './sqlite.ts';
import { rebuildTopLists } from './toplists-build.ts';

const db = openSqlite((workerData as { file: string }).file);
try {
  parentPort!.postMessage({ type: 'done', report: rebuildTopLists(db) });
} catch (err) {
  parentPort!.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) });
} finally {
  db.close();
}
