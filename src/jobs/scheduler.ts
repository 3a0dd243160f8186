/**
 * The scheduler inside `paperboy serve`. Each job has daily slots (schedule.ts). When a slot is
 * due (or was missed within CATCH_UP_MS, e.g. the server was restarting at 20:00), the instance
 * that wins the job's lease row for that slot runs it and records the slot as finished; every
 * other instance sharing the database sees the slot done and skips it. A holder that dies mid-run
 * leaves the slot unfinished, and its lease expires, so another instance (or the restarted one)
 * runs it.
 */
import type { Config } from '../config/config.ts';
import { newHolderId } from '../shared/holder.ts';
import { reportJob } from '../shared/telemetry.ts';
import { tryAcquire } from './lease.ts';
import type { Job, JobStore } from './schedule.ts';
import { nextDailySlot, previousDailySlot } from './zoned-time.ts';

/** A slot missed by less than this still runs (restart around the slot time). */
const CATCH_UP_MS = 12 * 3600_000;
/** Re-check at least this often, so clock jumps and suspended machines correct themselves. */
const MAX_SLEEP_MS = 3600_000;

export interface SchedulerOptions<S extends JobStore = JobStore> {
  store: S;
  config: Config;
  /** The table: src/app/schedule.ts. */
  jobs: Job<S>[];
  holder?: string;
  now?: () => Date;
  log?: (msg: string) => void;
}

type Resolved<S extends JobStore> = Required<SchedulerOptions<S>>;

export class Scheduler<S extends JobStore = JobStore> {
  readonly #o: Resolved<S>;
  readonly #controller = new AbortController();
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<unknown> = Promise.resolve();

  constructor(o: SchedulerOptions<S>) {
    this.#o = {
      jobs: o.jobs,
      holder: o.holder ?? newHolderId(),
      now: o.now ?? (() => new Date()),
      log: o.log ?? (() => {}),
      store: o.store,
      config: o.config,
    };
  }

  /** Runs every job whose latest slot is due and not finished by anyone; returns the names run. */
  async runDue(): Promise<string[]> {
    const ran: string[] = [];
    for (const job of this.#o.jobs) {
      if (this.#controller.signal.aborted) break;
      const now = this.#o.now();
      const slot = previousDailySlot(now, job.at, job.timeZone);
      if (now.getTime() - slot.getTime() > CATCH_UP_MS) continue;
      const lease = await tryAcquire(this.#o.store.leases, `job:${job.name}`, {
        holder: this.#o.holder,
        slot: slot.toISOString(),
        now: () => this.#o.now().getTime(),
      });
      if (!lease) continue;
      ran.push(job.name);
      const started = performance.now();
      const took = () => (performance.now() - started) / 1000;
      try {
        this.#o.log(`job ${job.name}: starting slot ${slot.toISOString()}`);
        const summary = await job.run({
          store: this.#o.store,
          config: this.#o.config,
          signal: this.#controller.signal,
          log: this.#o.log,
        });
        this.#o.log(`job ${job.name}: ${summary}`);
        reportJob({ scope: this.#o.store, job: job.name, outcome: 'ok', seconds: took() });
        await lease.release(slot.toISOString());
      } catch (err) {
        this.#o.log(`job ${job.name} failed: ${(err as Error).message}`);
        const outcome = this.#controller.signal.aborted ? 'interrupted' : 'failed';
        reportJob({ scope: this.#o.store, job: job.name, outcome, seconds: took() });
        // Stopped by shutdown: leave the slot open for whoever runs next. A failure is recorded in
        // the ingest runs and not retried until the next slot, so a bug cannot hammer upstream.
        await lease.release(this.#controller.signal.aborted ? undefined : slot.toISOString());
      }
    }
    return ran;
  }

  /** When the next slot of any job begins. */
  nextWake(): Date {
    const now = this.#o.now();
    const next = Math.min(...this.#o.jobs.map((j) => nextDailySlot(now, j.at, j.timeZone).getTime()));
    return new Date(Math.min(next, now.getTime() + MAX_SLEEP_MS));
  }

  start(): void {
    const loop = () => {
      this.#running = this.runDue()
        .catch((err: unknown) => this.#o.log(`scheduler: ${(err as Error).message}`))
        .finally(() => {
          if (this.#controller.signal.aborted) return;
          const wait = Math.max(1000, this.nextWake().getTime() - this.#o.now().getTime());
          this.#timer = setTimeout(loop, wait);
          this.#timer.unref();
        });
    };
    loop();
  }

  /** Cancels waits and requests of a running job (its ingest run ends `interrupted`) and waits for it. */
  async stop(): Promise<void> {
    this.#controller.abort();
    if (this.#timer) clearTimeout(this.#timer);
    await this.#running;
  }
}

export function startScheduler<S extends JobStore>(o: SchedulerOptions<S>): Scheduler<S> {
  const s = new Scheduler(o);
  s.start();
  return s;
}
