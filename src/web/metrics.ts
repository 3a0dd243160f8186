/**
 * `GET /metrics` in Prometheus text format (issue 18 item 6), one prom-client Registry per app
 * (tests build many apps in one process; the library's global registry would mix them and refuse
 * a second registration of a name).
 *
 * What is counted where:
 * - requests: one histogram observe in an onResponse hook, labelled by the matched route
 *   *pattern* (`/papers/*`, never the address asked for, so ids and search words cannot become
 *   label values), method and status; the histogram's `_count` is the request counter;
 * - jobs, ingest, digest sends, search: the events of src/shared/telemetry.ts, published by the
 *   scheduler, the ingest runner, the digest run and the search service, counted for this app's
 *   store only;
 * - outbox depth and the PostgreSQL pool: read when scraped, nothing kept up to date per request.
 *
 * The route and who may scrape it: metrics.routes.ts.
 */
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Store } from '../app/store.ts';
import {
  channels,
  type DigestSendEvent,
  type IngestEvent,
  type JobEvent,
  type SearchEvent,
  subscribeScoped,
} from '../shared/telemetry.ts';

/** Request latency buckets (seconds): a cached page is ~0.1 ms, a cold search up to seconds. */
const REQUEST_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Jobs take from seconds (an empty harvest) to an hour (a first OAI harvest, a big digest). */
const JOB_BUCKETS = [1, 5, 15, 60, 300, 900, 1800, 3600, 7200];
/** Label of a request no route matched (404s): one value, whatever the address. */
const UNMATCHED = '(unmatched)';

export interface MetricsOptions {
  store: Store;
}

/** This app's registry, its instruments fed by the hooks and events below. */
export function registerMetrics(app: FastifyInstance, o: MetricsOptions): Registry {
  const register = new Registry();
  const registers = [register];
  const requests = new Histogram({
    name: 'paperboy_http_request_duration_seconds',
    help: 'Time from request to the answer sent, by route pattern, method and status.',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: REQUEST_BUCKETS,
    registers,
  });
  const searches = new Histogram({
    name: 'paperboy_search_duration_seconds',
    help: 'Search latency by the mode that answered (keyword, vector, hybrid).',
    labelNames: ['mode'] as const,
    buckets: REQUEST_BUCKETS,
    registers,
  });
  const jobRuns = new Counter({
    name: 'paperboy_job_runs_total',
    help: 'Scheduled job runs (src/app/schedule.ts) by job and outcome (ok, failed, interrupted).',
    labelNames: ['job', 'outcome'] as const,
    registers,
  });
  const jobSeconds = new Histogram({
    name: 'paperboy_job_duration_seconds',
    help: 'Scheduled job run time by job.',
    labelNames: ['job'] as const,
    buckets: JOB_BUCKETS,
    registers,
  });
  const ingestRuns = new Counter({
    name: 'paperboy_ingest_runs_total',
    help: 'Harvests and imports by source and final status.',
    labelNames: ['source', 'status'] as const,
    registers,
  });
  const ingestPapers = new Counter({
    name: 'paperboy_ingest_papers_total',
    help: 'Papers written by harvests and imports, by source and outcome (inserted, updated).',
    labelNames: ['source', 'outcome'] as const,
    registers,
  });
  const digestSends = new Counter({
    name: 'paperboy_digest_send_results_total',
    help: 'Digest outbox rows by send result (sent, failed, expired, skipped, retried).',
    labelNames: ['result'] as const,
    registers,
  });
  const { store } = o;
  // The pool is read first: prom-client collects in order, and the outbox count below takes a connection.
  const conn = store.connection;
  if (conn.dialect === 'postgres')
    new Gauge({
      name: 'paperboy_db_pool_connections',
      help: 'PostgreSQL pool: connections open (total), idle, and queries waiting for one.',
      labelNames: ['state'] as const,
      registers,
      collect() {
        this.set({ state: 'total' }, conn.pool.totalCount);
        this.set({ state: 'idle' }, conn.pool.idleCount);
        this.set({ state: 'waiting' }, conn.pool.waitingCount);
      },
    });

  new Gauge({
    name: 'paperboy_digest_outbox_depth',
    help: 'Digests planned and not yet sent (pending or being sent), read when scraped.',
    registers,
    async collect() {
      try {
        // nextDue is one indexed read; the count runs only when something is waiting (as run.ts does).
        const waiting =
          (await store.digest.nextDue()) === null
            ? 0
            : (await store.digest.periodCounts(14)).reduce(
                (n, p) => n + (p.counts.pending ?? 0) + (p.counts.sending ?? 0),
                0,
              );
        this.set(waiting);
      } catch {
        this.set(Number.NaN); // database unreachable: no figure rather than a stale one
      }
    },
  });
  const unsubscribe = [
    subscribeScoped<JobEvent>(channels.job, store, (e) => {
      jobRuns.inc({ job: e.job, outcome: e.outcome });
      jobSeconds.observe({ job: e.job }, e.seconds);
    }),
    subscribeScoped<IngestEvent>(channels.ingest, store, (e) => {
      ingestRuns.inc({ source: e.source, status: e.status });
      ingestPapers.inc({ source: e.source, outcome: 'inserted' }, e.inserted);
      ingestPapers.inc({ source: e.source, outcome: 'updated' }, e.updated);
    }),
    subscribeScoped<DigestSendEvent>(channels.digestSend, store, (e) => {
      for (const result of ['sent', 'failed', 'expired', 'skipped', 'retried'] as const)
        if (e[result] > 0) digestSends.inc({ result }, e[result]);
    }),
    subscribeScoped<SearchEvent>(channels.search, store, (e) =>
      searches.observe({ mode: e.mode }, e.seconds),
    ),
  ];
  app.addHook('onClose', (_app, done) => {
    for (const u of unsubscribe) u();
    done();
  });

  // Synchronous and allocation-light: the hot path pays one observe per answer.
  app.addHook('onResponse', (req, reply, done) => {
    requests.observe(
      { route: req.routeOptions.url ?? UNMATCHED, method: req.method, status: reply.statusCode },
      reply.elapsedTime / 1000,
    );
    done();
  });

  return register;
}
