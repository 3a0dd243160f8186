/**
 * Runs one Source: takes the source's database lease, records the run, hands the source its saved
 * state, and commits each page together with the new state and the running counts. A crash at any
 * point loses at most the page in flight; the next run continues from the last committed page and
 * (because every write is an idempotent upsert) ends with every record stored exactly once.
 */
import { describeHolder, LeaseBusyError, tryAcquire } from '../jobs/lease.ts';
import type { UpsertOutcome } from '../papers/paper.ts';
import type { IngestBatchResult } from '../papers/repository.ts';
import { newHolderId } from '../shared/holder.ts';
import { reportIngest } from '../shared/telemetry.ts';
import type { HttpClient } from './http.ts';
import type { IngestCounts, IngestIssue, IngestRunStatus } from './repository.ts';
import type { Source, SourceContext } from './source.ts';
import type { IngestStore } from './store.ts';

/** Issues kept in the run record; the total is counted, the list is for a first look. */
const MAX_RUN_ERRORS = 20;

export interface RunOptions {
  store: IngestStore;
  http: HttpClient;
  dryRun?: boolean;
  signal?: AbortSignal;
  now?: () => Date;
  /** Lease holder id; one per process by default. */
  holder?: string;
  leaseTtlMs?: number;
  onProgress?: (p: { done: number; total: number | null; detail: string; counts: IngestCounts }) => void;
  /** Every issue as it happens (the CLI prints them). */
  onIssue?: (issue: IngestIssue) => void;
}

export interface RunSummary {
  runId: number | null;
  source: string;
  status: Exclude<IngestRunStatus, 'running'>;
  message: string;
  counts: IngestCounts;
  requests: number;
  resumed: boolean;
  errorCount: number;
  errors: IngestIssue[];
  dryRun: boolean;
  seconds: number;
}

interface Saved<S> {
  state: S;
  /** Non-null while a harvest is unfinished. */
  counts: IngestCounts | null;
}

const emptyCounts = (): IngestCounts => ({
  seen: 0,
  inserted: 0,
  updated: 0,
  unchanged: 0,
  rejected: 0,
  withdrawn: 0,
  featured: 0,
});

const processHolder = newHolderId();

function addOutcomes(c: IngestCounts, outcomes: UpsertOutcome[]): void {
  for (const o of outcomes) c[o]++;
}

export function describeCounts(c: IngestCounts): string {
  const extra = [c.withdrawn ? `${c.withdrawn} withdrawn` : '', c.featured ? `${c.featured} featured` : '']
    .filter(Boolean)
    .join(', ');
  return (
    `${c.seen} seen, ${c.inserted} inserted, ${c.updated} updated, ${c.unchanged} unchanged, ` +
    `${c.rejected} rejected${extra ? `, ${extra}` : ''}`
  );
}

export async function runIngest<S>(source: Source<S>, o: RunOptions): Promise<RunSummary> {
  const started = performance.now();
  const { store } = o;
  const dryRun = o.dryRun ?? false;
  const now = o.now ?? (() => new Date());
  const holder = o.holder ?? processHolder;
  const leaseName = `ingest:${source.name}`;
  const lease = dryRun ? null : await tryAcquire(store.leases, leaseName, { holder, ttlMs: o.leaseTtlMs });
  if (!dryRun && !lease) {
    throw new LeaseBusyError(
      `another process is harvesting ${source.name} (${await describeHolder(store.leases, leaseName)})`,
      await store.leases.get(leaseName),
    );
  }
  try {
    return await runHeld(source, o, { dryRun, now, holder, started });
  } finally {
    await lease?.release();
  }
}

async function runHeld<S>(
  source: Source<S>,
  o: RunOptions,
  { dryRun, now, holder, started }: { dryRun: boolean; now: () => Date; holder: string; started: number },
): Promise<RunSummary> {
  const { store, http } = o;
  const controller = new AbortController();
  const signal = o.signal ? AbortSignal.any([o.signal, controller.signal]) : controller.signal;

  const raw = await store.cursors.get(source.cursorKey);
  const saved = raw ? (JSON.parse(raw) as Saved<S>) : null;
  const resumed = saved?.counts != null;
  const counts: IngestCounts = resumed ? { ...saved!.counts! } : emptyCounts();
  let startCounts = { ...counts };
  const errors: IngestIssue[] = [];
  let errorCount = 0;
  let problems = 0;
  let pendingRejected = 0;
  const requestsBefore = http.requests;
  const requests = () => http.requests - requestsBefore;

  let runId: number | null = null;
  if (!dryRun) {
    const stale = await store.ingestRuns.interruptStale(
      source.name,
      'the process ended without finishing (crash or kill); a later run resumed from its last committed page',
    );
    runId = await store.ingestRuns.start({ source: source.name, params: source.params, holder, resumed });
    if (stale.length) addIssue('runner', `resuming after interrupted run #${stale.join(', #')}`, false);
  }

  function addIssue(where: string, reason: string, problem = true) {
    errorCount++;
    if (problem) problems++;
    const issue = { where, reason: reason.slice(0, 1000) };
    if (errors.length < MAX_RUN_ERRORS) errors.push(issue);
    o.onIssue?.(issue);
  }
  const update = () => ({ counts: { ...counts }, requests: requests(), errorCount, errors });

  const ctx: SourceContext<S> = {
    store,
    now,
    signal,
    dryRun,
    state: saved?.state ?? null,
    resumed,
    fetch: (url, headers) =>
      http.get(url, {
        ...(headers ? { headers } : {}),
        signal,
        onRetry: (msg) => addIssue(`GET ${new URL(url).pathname}`, msg, false),
      }),
    startOver() {
      Object.assign(counts, emptyCounts());
      startCounts = emptyCounts();
      ctx.resumed = false;
    },
    reject(issues) {
      pendingRejected += issues.length;
      for (const i of issues) addIssue(i.where, i.reason);
    },
    note: (where, reason) => addIssue(where, reason, false),
    async commit(batch, state, options): Promise<IngestBatchResult | null> {
      const base = { ...counts };
      base.rejected += pendingRejected;
      base.unchanged += options.unchanged ?? 0;
      base.seen +=
        pendingRejected +
        (options.unchanged ?? 0) +
        batch.papers.length +
        (batch.prepared?.length ?? 0) +
        (batch.withdrawn?.length ?? 0);
      if (dryRun) {
        Object.assign(counts, base);
        pendingRejected = 0;
        return null;
      }
      const toCursor = (r: IngestBatchResult) => {
        const next = {
          ...base,
          withdrawn: base.withdrawn + r.withdrawn,
          featured: base.featured + r.featured,
        };
        addOutcomes(next, r.outcomes);
        const value: Saved<S> = { state, counts: options.done ? null : next };
        return { key: source.cursorKey, value: JSON.stringify(value) };
      };
      const result = await store.papers.ingestBatch(batch, toCursor);
      Object.assign(counts, base);
      counts.withdrawn += result.withdrawn;
      counts.featured += result.featured;
      addOutcomes(counts, result.outcomes);
      pendingRejected = 0;
      await store.ingestRuns.progress(runId!, update());
      return result;
    },
    progress(done, total, detail) {
      o.onProgress?.({ done, total, detail, counts: { ...counts } });
    },
  };

  let status: RunSummary['status'];
  let message: string;
  try {
    const result = await source.run(ctx);
    // Rejections after the last commit (a page that had nothing else) still count.
    counts.rejected += pendingRejected;
    counts.seen += pendingRejected;
    status = counts.rejected > 0 || problems > 0 ? 'partial' : 'ok';
    message = `${dryRun ? 'dry run, nothing written: ' : 'finished: '}${describeCounts(counts)}; ${requests()} requests${result.detail ? `; ${result.detail}` : ''}`;
  } catch (err) {
    counts.rejected += pendingRejected;
    counts.seen += pendingRejected;
    const e = err as Error;
    if (signal.aborted) {
      status = 'interrupted';
      message = `stopped on request after ${describeCounts(counts)}; the next run resumes from the last committed page`;
    } else {
      status = 'failed';
      message = `stopped: ${e.message}; ${describeCounts(counts)} so far; the next run resumes from the last committed page`;
      addIssue('run', e.message);
    }
  } finally {
    controller.abort();
  }
  if (runId !== null) await store.ingestRuns.finish(runId, { ...update(), status, message });
  // This run's papers only (a resumed run's counts start from the interrupted run's).
  if (!dryRun)
    reportIngest({
      scope: store,
      source: source.name,
      status,
      inserted: counts.inserted - startCounts.inserted,
      updated: counts.updated - startCounts.updated,
    });
  return {
    runId,
    source: source.name,
    status,
    message,
    counts: { ...counts },
    requests: requests(),
    resumed: ctx.resumed,
    errorCount,
    errors: [...errors],
    dryRun,
    seconds: (performance.now() - started) / 1000,
  };
}
