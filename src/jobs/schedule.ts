/**
 * What a recurring job is. The table of jobs is src/app/schedule.ts (it names ingest and digest
 * work, so it lives where everything is wired). A job runs once per slot across all instances that
 * share the database (a lease row per job records the last finished slot; see scheduler.ts).
 */
import type { Config } from '../config/config.ts';
import type { Store } from '../db/store.ts';

export interface JobContext {
  store: Store;
  config: Config;
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
