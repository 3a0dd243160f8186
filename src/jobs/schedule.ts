/**
 * What a recurring job is. The table of jobs is src/app/schedule.ts (it names ingest and digest
 * work, so it lives where everything is wired). A job runs once per slot across all instances that
 * share the database (a lease row per job records the last finished slot; see scheduler.ts).
 */
import type { Config } from '../config/config.ts';
import type { LeaseRepository } from './leases.repo.ts';

/** What the scheduler needs of the store: the lease rows that make a slot run once. */
export interface JobStore {
  readonly leases: LeaseRepository;
}

/** `S`: the part of the store a job uses (the table in src/app/schedule.ts hands the app's Store). */
export interface JobContext<S = JobStore> {
  store: S;
  config: Config;
  signal: AbortSignal;
  log: (msg: string) => void;
}

export interface Job<S = JobStore> {
  name: string;
  /** Daily at this wall-clock time (HH:MM) in `timeZone`. */
  at: string;
  timeZone: string;
  /** Returns a one-line summary for the log. */
  run(ctx: JobContext<S>): Promise<string>;
}
