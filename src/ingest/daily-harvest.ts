/** The scheduled daily harvest (listed in src/app/schedule.ts). */

import { LeaseBusyError } from '../jobs/lease.ts';
import type { JobContext } from '../jobs/schedule.ts';
import type { HttpClient } from './http.ts';
import { type RunSummary, runIngest } from './runner.ts';
import { createSource, scheduledRssCategories } from './setup.ts';
import type { IngestStore } from './store.ts';

/**
 * arXiv's daily update: incremental OAI-PMH (keeps the corpus complete), then the category feeds
 * (today's announcements and the featuring rules), then the community picks. Each source is its own
 * ingest run with its own record; one failing does not stop the next.
 */
export async function dailyHarvest(ctx: JobContext<IngestStore>, http: HttpClient): Promise<string> {
  const done: string[] = [];
  const busy: LeaseBusyError[] = [];
  for (const name of ctx.config.harvestSources) {
    if (ctx.signal.aborted) break;
    if (name === 'rss' && !scheduledRssCategories(ctx.config)) continue;
    if (name === 'daily-papers' && !ctx.config.dailyPapersUrl) continue;
    let summary: RunSummary;
    try {
      const source = createSource(name, ctx.config, { scheduled: true });
      summary = await runIngest(source, {
        store: ctx.store,
        http,
        signal: ctx.signal,
        leaseTtlMs: ctx.config.jobLeaseMs,
      });
    } catch (err) {
      if (!(err instanceof LeaseBusyError)) throw err;
      busy.push(err);
      continue;
    }
    ctx.log(`ingest ${name}: ${summary.status}: ${summary.message}`);
    done.push(`${name}: ${summary.status}`);
  }
  // New and edited papers: refresh what keyword ranking derives from the index (off-thread).
  const keyword = await ctx.store.maintainKeywordIndex();
  if (keyword) ctx.log(keyword);
  // A source another holder had: a harvest by hand, or a holder that died moments ago whose source
  // lease outlives its job lease. The scheduler keeps the slot open and runs the job again when
  // that lease lapses (src/jobs/scheduler.ts), instead of calling the day's harvest done.
  if (busy.length)
    throw new LeaseBusyError(
      `${[...done, ...busy.map((e) => e.message)].join('; ')}; the slot stays open`,
      busy[0]!.lease,
    );
  return done.join(', ') || 'nothing configured';
}
