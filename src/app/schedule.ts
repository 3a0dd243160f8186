/**
 * Every recurring job, in one readable table (the scheduler in src/jobs/scheduler.ts runs it).
 * It lives in the composition root because it names work of several domains.
 */
import type { Config } from '../config/config.ts';
import { digestJob } from '../digest/job.ts';
import { dailyHarvest } from '../ingest/daily-harvest.ts';
import { upstreamClient } from '../ingest/setup.ts';
import type { Job, JobContext } from '../jobs/schedule.ts';
import { createAlerts, digestAlerts } from './alerts.ts';
import { createForYou } from './foryou.ts';
import type { Store } from './store.ts';

/** The digest run, personal for account holders (issue 14 item 6): For you as the site builds it. */
const personalDigests = (ctx: JobContext<Store>) =>
  digestJob(
    ctx,
    createForYou(ctx.store, ctx.config, { waitForVectors: true }),
    digestAlerts(ctx.store, ctx.config),
  );

/** The harvest, then the alert events of what it wrote (issue 15: computed after each harvest). */
async function harvestThenAlerts(ctx: JobContext<Store>): Promise<string> {
  const summary = await dailyHarvest(ctx, upstreamClient(ctx.config));
  const r = await createAlerts(ctx.store, ctx.config).poke();
  return `${summary}; alerts: ${r.events.length} events from ${r.changes} changes`;
}

export function scheduleTable(config: Config): Job<Store>[] {
  const daily = { at: config.harvestTime, timeZone: config.harvestTimeZone };
  return [
    // name            when (default 20:00 America/New_York)   what
    { name: 'daily-harvest', ...daily, run: harvestThenAlerts }, // src/ingest/daily-harvest.ts, src/alerts/
    { name: 'digest', at: config.digestTime, timeZone: config.digestTimeZone, run: personalDigests }, // src/digest/job.ts
  ];
}
