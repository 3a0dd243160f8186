/**
 * `/health` (liveness: cheap, says what is wrong) and `/ready` (readiness: migrations applied, the
 * store answering, semantic search loaded or not), for load balancers and orchestrators running
 * several instances (issue 18 items 3 and 6). Both are let through overload protection
 * (pressureHandler) and neither can hang: the database gets PROBE_MS to answer, so a stalled
 * database (a table lock held) is reported as down instead of holding the check (it did, for as
 * long as the lock lasted).
 */

import type { FastifyInstance } from 'fastify';
import { workerNumber } from '../cluster/ipc.ts';
import { loadMigrations } from '../db/migrate.ts';
import { databaseUnavailable } from '../db/unavailable.ts';
import { semanticFor } from '../search/semantic.ts';
import type { AppDeps } from './deps.ts';
import { loadStatus } from './overload.ts';

/** How long a check waits for the database; a load balancer's own timeout is usually 2–5 s. */
const PROBE_MS = 1500;
/** The Retry-After sent while the database is down: about how long a restart takes. */
const DOWN_RETRY_SECONDS = 5;

type Probe<T> = { ok: true; value: T } | { ok: false; error: string };

/** `work` within PROBE_MS, or why not (the error's own words, or "no answer within …"). */
async function probe<T>(work: () => Promise<T>): Promise<Probe<T>> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Probe<T>>((resolve) => {
    timer = setTimeout(() => resolve({ ok: false, error: `no answer within ${PROBE_MS} ms` }), PROBE_MS);
  });
  const answer = work().then(
    (value): Probe<T> => ({ ok: true, value }),
    (err: unknown): Probe<T> => ({
      ok: false,
      error: databaseUnavailable(err)?.reason ?? (err instanceof Error ? err.message : String(err)),
    }),
  );
  try {
    return await Promise.race([answer, late]);
  } finally {
    clearTimeout(timer);
  }
}

export function registerHealth(app: FastifyInstance, deps: AppDeps): void {
  const database = deps.store.dialect;
  // With several serve workers (cluster/primary.ts), which one answered.
  const worker = workerNumber();
  // One indexed read shows the database answers, and says how fresh the library is. Not a count
  // of the papers: count(*) reads a whole index (~300-450 ms at 1M papers on SQLite, blocking the
  // event loop), and a load balancer polling /health made that a stall of every request once a
  // minute (seen in bench/foryou-http.bench.ts profiles); `paperboy doctor` counts them.
  // (The newest v1 date is For you's read for its window's end: one row of papers_submitted.)
  const answers = () => probe(() => deps.store.forYou.newestSubmitted());

  // Under overload /health is let through (pressureHandler) to say so with a 503 of its own,
  // without touching the database.
  app.get('/health', { config: { pressureHandler: () => undefined } }, async (_req, reply) => {
    const load = loadStatus(app, deps.config);
    if (load.overloaded)
      return reply
        .status(503)
        .header('Retry-After', String(load.retryAfterSeconds))
        .send({ status: 'overloaded', database, ...load });
    const db = await answers();
    if (!db.ok)
      return reply
        .status(503)
        .header('Retry-After', String(DOWN_RETRY_SECONDS))
        .send({ status: 'down', database, error: db.error });
    return { status: 'ok', database, newestPaper: db.value, ...(worker === null ? {} : { worker }) };
  });

  const known = loadMigrations(database).map((m) => m.version);
  app.get('/ready', { config: { pressureHandler: () => undefined } }, async (_req, reply) => {
    const db = await answers();
    const applied = new Set(await deps.store.migrations());
    const pending = known.filter((v) => !applied.has(v));
    const semantic = await semanticFor(deps.store, deps.config);
    const ready = db.ok && pending.length === 0;
    if (!ready) reply.status(503).header('Retry-After', String(DOWN_RETRY_SECONDS));
    return {
      status: ready ? 'ready' : 'not ready',
      database,
      ...(db.ok ? {} : { error: db.error }),
      migrations: { applied: applied.size, pending },
      // Searches answer by keyword alone (and say so) until this is "ready" (src/search/semantic.ts).
      semantic: semantic.state,
      // For you's pool and recent examples, read at start by `serve` (foryou/service.ts `warm`);
      // pages are answered meanwhile, the first ones slower.
      forYou: app.forYou.warmth,
      ...(worker === null ? {} : { worker }),
    };
  });
}
