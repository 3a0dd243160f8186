/**
 * `paperboy serve`'s start and stop around the database (issue 18 items 3 and 4): waiting for a
 * database that is not up yet, and a bounded shutdown.
 */
import type { FastifyInstance } from 'fastify';
import type { Store } from '../../app/store.ts';
import { databaseUnavailable } from '../../db/unavailable.ts';
import { log } from '../../shared/log.ts';

/** Backoff between attempts to reach the database at startup: 1, 2, 4 … capped at 30 s. */
const RETRY_FIRST_S = 1;
const RETRY_MAX_S = 30;
/** In-flight requests are cut this long before the shutdown deadline, leaving time to close the store. */
const CUT_BEFORE_DEADLINE_MS = 2000;
/** How often connections whose last request just finished are closed while draining. */
const REAP_EVERY_MS = 100;

export interface StopSignal {
  /** Resolves at the first SIGINT or SIGTERM. */
  readonly signalled: Promise<void>;
  /** Waits `ms`; true when a signal came first. */
  wait(ms: number): Promise<boolean>;
}

export function stopSignal(): StopSignal {
  let done = false;
  const signalled = new Promise<void>((resolve) => {
    const stop = () => {
      done = true;
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return {
    signalled,
    wait: (ms) =>
      done
        ? Promise.resolve(true)
        : new Promise((resolve) => {
            const t = setTimeout(() => resolve(false), ms);
            void signalled.then(() => {
              clearTimeout(t);
              resolve(true);
            });
          }),
  };
}

/**
 * Opens the store, retrying with backoff while the database is not reachable (started before
 * PostgreSQL, or during its restart) instead of exiting after the first refused connection, as
 * `serve` did (after 0.9 s). Any other error (wrong password, no such database, a failed
 * migration) still stops startup at once. Null when stopped by a signal while waiting.
 */
export async function openWhenReachable(open: () => Promise<Store>, stop: StopSignal): Promise<Store | null> {
  for (let wait = RETRY_FIRST_S; ; wait = Math.min(RETRY_MAX_S, wait * 2)) {
    try {
      return await open();
    } catch (err) {
      const down = databaseUnavailable(err);
      if (!down) throw err;
      log.warn(`paperboy: database not reachable (${down.reason}), retrying in ${wait}s`);
      if (await stop.wait(wait * 1000)) return null;
    }
  }
}

/**
 * Stops within `budgetMs` of the signal. Fastify's close stops accepting, closes idle keep-alive
 * connections and answers 503 to requests arriving on busy ones; but a connection whose request
 * was in flight at the signal went back to keep-alive afterwards and held the server open until
 * keepAliveTimeout (72 s; measured 72–82 s, issue 18). Here such connections are closed as soon
 * as their request is answered, what is still running near the deadline is cut, and a last timer
 * exits the process at the deadline whatever still holds it (a statement waiting on a lock keeps
 * the pool from ending until its statement timeout).
 */
export async function drainAndClose(
  app: FastifyInstance,
  store: Store,
  budgetMs: number,
  alongside: (() => Promise<void> | undefined)[],
): Promise<void> {
  const started = Date.now();
  const backstop = setTimeout(() => {
    log.warn(`paperboy: still busy ${budgetMs} ms after the stop signal; exiting now`);
    // A stop that was asked for: the exit code says it happened, not that it failed.
    process.exit(process.exitCode ?? 0);
  }, budgetMs);
  backstop.unref();
  const reap = setInterval(() => app.server.closeIdleConnections(), REAP_EVERY_MS);
  const cut = setTimeout(
    () => app.server.closeAllConnections(),
    Math.max(0, budgetMs - CUT_BEFORE_DEADLINE_MS),
  );
  try {
    await Promise.all([...alongside.map((fn) => fn()), app.close()]);
  } finally {
    clearInterval(reap);
    clearTimeout(cut);
  }
  await store.close();
  log.announce(`paperboy: stopped in ${Date.now() - started} ms`);
}
