/** Worker thread body for ParsePool: parses (and flattens) OAI-PMH pages off the database thread. */
import { parentPort } from 'node:worker_threads';
import { parseOaiPage } from './parse-pool.ts';

parentPort!.on('message', (m: { id: number; body: Uint8Array; now: number; prepare: boolean }) => {
  try {
    parentPort!.postMessage({ id: m.id, page: parseOaiPage(m.body, new Date(m.now), m.prepare) });
  } catch (err) {
    // The parser never throws on bad input; this is a bug, reported to the caller.
    parentPort!.postMessage({ id: m.id, error: (err as Error).message });
  }
});
