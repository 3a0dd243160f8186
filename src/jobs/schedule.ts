/**
 * Every recurring job, in one readable table. A job runs once per slot across all instances that
 * share the database (a lease row per job records the last finished slot; see scheduler.ts).
 */
import type { Config } from '../config/config.ts';
import type { Store } from '../db/store.ts';
import { digestJob } from '../digest/job.ts';
import type { HttpClient } from '../ingest/http.ts';
import { type RunSummary, runIngest } from '../ingest/runner.ts';
import { createSource, scheduledRssCategories } from '../ingest/setup.ts';
import { LeaseBusyError } from './lease.ts';

export interface JobContext {
  store: Store;
  config: Config;
  http: HttpClient;
  signal: AbortSignal;
  log: (msg: string) => void;
}

export interface Job {
  name: string;
  /** Daily at this wall-clock time (HH:MM) in `timeZone`. */
  at: string;
  timeZone: string;
  /** Returns a one-line summary for the log. */
  run(ctx: JobContext): Promise<string>;
}

export function scheduleTable(config: Config): Job[] {
  const daily = { at: config.harvestTime, timeZone: config.harvestTimeZone };
  return [
    // name            when (default 20:00 America/New_York)   what
    { name: 'daily-harvest', ...daily, run: dailyHarvest },
    { name: 'digest', at: config.digestTime, timeZone: config.digestTimeZone, run: digestJob }, // src/digest/job.ts
  ];
}

/**
 * arXiv's daily update: incremental OAI-PMH (keeps the corpus complete), then the category feeds
 * (today's announcements and the featuring rules), then the community picks. Each source is its own
 * ingest run with its own record; one failing does not stop the next.
 */
export async function dailyHarvest(ctx: JobContext): Promise<string> {
  const done: string[] = [];
  for (const name of ctx.config.harvestSources) {
    if (ctx.signal.aborted) break;
    if (name === 'rss' && !scheduledRssCategories(ctx.config)) continue;
    if (name === 'daily-papers' && !ctx.config.dailyPapersUrl) continue;
    let summary: RunSummary;
    try {
      const source = createSource(name, ctx.config, { scheduled: true });
      summary = await runIngest(source, { store: ctx.store, http: ctx.http, signal: ctx.signal });
    } catch (err) {
      if (!(err instanceof LeaseBusyError)) throw err;
      done.push(`${name}: skipped (${err.message})`);
      continue;
    }
    ctx.log(`ingest ${name}: ${summary.status}: ${summary.message}`);
    done.push(`${name}: ${summary.status}`);
  }
  // New and edited papers: refresh what keyword ranking derives from the index (off-thread).
  const keyword = await ctx.store.maintainKeywordIndex();
  if (keyword) ctx.log(keyword);
  return done.join(', ') || 'nothing configured';
}
