/** `paperboy serve`: the web server on the configured store; stops cleanly on SIGINT/SIGTERM. */
import cluster from 'node:cluster';
import { openStore } from '../../app/open.ts';
import { scheduleTable } from '../../app/schedule.ts';
import type { Store } from '../../app/store.ts';
import { takeConnections } from '../../cluster/connections.ts';
import { primaryChannel, workerNumber } from '../../cluster/ipc.ts';
import { servePrimary } from '../../cluster/primary.ts';
import { ClusterRateLimits } from '../../cluster/rate-limits.ts';
import type { Config } from '../../config/config.ts';
import { mailRefusal } from '../../digest/mailer.ts';
import { startScheduler } from '../../jobs/scheduler.ts';
import { keywordSearcher } from '../../search/keyword-pool.ts';
import { semanticFor } from '../../search/semantic.ts';
import { setupUrl } from '../../setup/token.ts';
import { log, logDestination } from '../../shared/log.ts';
import { buildApp } from '../../web/app.ts';
import { drainAndClose, openWhenReachable, stopSignal } from './serve-lifecycle.ts';

export async function serveCommand(config: Config): Promise<number> {
  // One stream for the service's log: the request log (Fastify's, stdout) and every process
  // message (src/shared/log.ts), as JSON lines, readable on a terminal.
  log.configure({ sink: logDestination(process.stdout) });
  // Listened for from the start, so a signal while waiting for the database stops the waiting.
  const stopping = stopSignal();
  const several = config.workers > 1 && cluster.isPrimary;
  // Worker 1 (or the only process) runs what must run once: jobs, the first harvest, upkeep.
  const worker = workerNumber() ?? 1;
  const primary = primaryChannel();
  const store: Store | null = await openWhenReachable(
    () =>
      openStore({
        dataDir: config.data,
        databaseUrl: config.databaseUrl,
        pool: {
          size: config.databasePoolSize,
          connectTimeoutMs: config.databaseConnectTimeoutMs,
          statementTimeoutMs: config.databaseStatementTimeoutMs,
        },
        rateLimits: primary ? new ClusterRateLimits(primary) : undefined,
      }),
    stopping,
  );
  if (!store) return 0;
  if (several) {
    // Migrations are applied (by opening the store) before any worker opens it.
    await store.close();
    return servePrimary(config, stopping.signalled);
  }
  const app = await buildApp({ store, config });
  // In a worker the primary holds the port and hands it connections (cluster/connections.ts).
  let connections: ReturnType<typeof takeConnections> | null = null;
  if (cluster.isWorker) {
    await app.ready();
    connections = takeConnections(app.server);
  } else await app.listen({ port: config.port, host: config.host });
  // A hop count believes the last hop of X-Forwarded-For from whoever connects: a client that can
  // reach the port directly could name its own address (README, "Running behind a reverse proxy").
  if (typeof config.trustProxy === 'number' && !/^(localhost|127\.|::1$|\[::1\]$)/.test(config.host))
    app.log.warn(
      `trustProxy is a hop count and the server listens on ${config.host}: make sure clients can reach it only through the proxy, or list the proxy addresses instead`,
    );
  // Semantic search loads its model and vector index in the background (search answers by
  // keyword, saying so, until it is ready), then follows new vectors and embeds new papers.
  void semanticFor(store, config).then((s) =>
    s.open().then(() => log.info(`paperboy: semantic search ${s.state}${s.error ? ` (${s.error})` : ''}`)),
  );
  // Keyword-search workers start now, so no search pays for a thread's start (keyword-pool.ts).
  await keywordSearcher(store, { ...config, warm: true });
  // For you's pool and the examples most readers' models learn from, read now rather than by the
  // first pages after a start (foryou/service.ts `warm`); pages meanwhile are answered as usual.
  const warming = performance.now();
  void app.forYou.warm().then(
    (n) =>
      log.info(
        `paperboy: For you ready (${n} recent examples read in ${Math.round(performance.now() - warming)} ms)`,
      ),
    (err: unknown) => log.warn(`For you warm-up: ${err instanceof Error ? err.message : String(err)}`),
  );
  const scheduler = worker === 1 ? await startOnce(app, store, config) : null;
  await stopping.signalled;
  await drainAndClose(app, store, config.shutdownTimeoutMs, [
    () => scheduler?.stop(),
    () => connections?.drained(),
  ]);
  // A worker's channel to the primary would keep it running.
  if (cluster.isWorker) process.disconnect();
  return 0;
}

/**
 * What one process of the service does, however many workers answer requests (cluster/primary.ts):
 * the start-up messages, the first harvest, the keyword index's upkeep and the scheduler.
 */
async function startOnce(app: Awaited<ReturnType<typeof buildApp>>, store: Store, config: Config) {
  log.announce(
    `paperboy: serving ${config.baseUrl} (${store.dialect}, data in ${config.data}${config.workers > 1 ? `, ${config.workers} workers` : ''})`,
  );
  // PostgreSQL without SMTP (src/digest/mailer.ts): said once at start, and again by each refused mail.
  const mailRefused = mailRefusal(config);
  if (mailRefused) log.warn(`paperboy: ${mailRefused}`);
  // First run (issue 7): the one-time setup link while no admin exists, and the first harvest.
  const setup = await setupUrl(store, config.baseUrl!);
  if (setup)
    log.announce(`paperboy: no admin account yet; set up the site here (the link works once): ${setup}`);
  await app.bootstrap.startIfNeeded();
  // After an import (or a restart after edits) the keyword top lists may be stale: rebuild them
  // off-thread; until then FTS5 ranks every query itself (exact, slower for common words).
  void store.maintainKeywordIndex().then(
    (msg) => msg && app.log.info(msg),
    (err: unknown) => app.log.warn(`keyword top lists: ${err instanceof Error ? err.message : String(err)}`),
  );
  return config.scheduler
    ? startScheduler({ store, config, jobs: scheduleTable(config), log: (m) => app.log.info(m) })
    : null;
}
