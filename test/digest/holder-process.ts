/**
 * A process that takes a claim and keeps it until it is killed, for gone-holder.test.ts:
 * `node holder-process.ts <sqlite file | postgres url> outbox|lease`. Prints one JSON line
 * `{ pid, holder, claimed }` once the claim is committed, then idles.
 */

import { openPostgresStore } from '../../src/app/postgres.store.ts';
import { SqliteStore } from '../../src/app/sqlite.store.ts';
import { tryAcquire } from '../../src/jobs/lease.ts';
import { newHolderId } from '../../src/shared/holder.ts';

const [where, what] = process.argv.slice(2);
const store = where!.startsWith('postgres') ? await openPostgresStore(where!) : new SqliteStore(where!);
const holder = newHolderId();
const LONG = 300_000;
let claimed = 0;
if (what === 'outbox') claimed = (await store.digest.claim(holder, Date.now(), LONG, 100)).length;
else claimed = (await tryAcquire(store.leases, 'ingest:oai', { holder, ttlMs: LONG })) ? 1 : 0;
process.stdout.write(`${JSON.stringify({ pid: process.pid, holder, claimed })}\n`);
setInterval(() => {}, 60_000);
