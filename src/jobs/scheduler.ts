/**
 * The scheduler inside `paperboy serve`. Each job has daily slots (schedule.ts). When a slot is
 * due (or was missed within CATCH_UP_MS, e.g. the server was restarting at 20:00), the instance
 * that wins the job's lease row for that slot runs it and records the slot as finished; every
 * other instance sharing the database sees the slot done and skips it. A holder that dies mid-run
 * leaves the slot unfinished, and its lease expires (`jobLeaseMs`), so another instance (or the
 * restarted one) runs it: an instance that found a due slot held by someone else looks again when
 * that lease would lapse, not at its next hourly wake (issue 18 item 5: taken over within 2 min).
 */
import type { Config } from '../config/config.ts';
import { newHolderId } from '../shared/holder.ts';
import { reportJob } from '../shared/telemetry.ts';
import { LeaseBusyError, tryAcquire } from './lease.ts';
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
  /** When to look again at a due slot that another holder has (or a busy lease kept) open. */
  #recheckAt: number | null = null;

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
    this.#recheckAt = null;
    const ttlMs = this.#o.config.jobLeaseMs;
    for (const job of this.#o.jobs) {
      if (this.#controller.signal.aborted) break;
      const now = this.#o.now();
      const slot = previousDailySlot(now, job.at, job.timeZone);
      if (now.getTime() - slot.getTime() > CATCH_UP_MS) continue;
      const lease = await tryAcquire(this.#o.store.leases, `job:${job.name}`, {
        holder: this.#o.holder,
        slot: slot.toISOString(),
        ttlMs,
        now: () => this.#o.now().getTime(),
      });
      if (!lease) {
        await this.#watch(`job:${job.name}`, slot.toISOString(), ttlMs);
        continue;
      }
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
        // Stopped by shutdown, or a lease inside the job still held (a harvest's source lease of a
        // dead holder lapsing a moment after its job lease): leave the slot open for whoever runs
        // next, and look again. Any other failure is recorded in the ingest runs and not retried
        // until the next slot, so a bug cannot hammer upstream.
        const busy = err instanceof LeaseBusyError;
        if (busy) this.#recheck(this.#o.now().getTime() + ttlMs);
        await lease.release(this.#controller.signal.aborted || busy ? undefined : slot.toISOString());
      }
    }
    return ran;
  }

  /**
   * A due slot this instance could not take: unless it is finished, look again once its holder's
   * lease would lapse (a renewing holder pushes that on; a dead one does not), at most one TTL on.
   */
  async #watch(name: string, slot: string, ttlMs: number): Promise<void> {
    const lease = await this.#o.store.leases.get(name);
    if (lease?.lastSlot && lease.lastSlot >= slot) return;
    const now = this.#o.now().getTime();
    const lapses = lease ? lease.leaseUntil + 50 : now;
    this.#recheck(Math.min(Math.max(lapses, now), now + ttlMs));
  }

  #recheck(at: number): void {
    this.#recheckAt = this.#recheckAt === null ? at : Math.min(this.#recheckAt, at);
  }

  /** When the next slot of any job begins, or sooner to look again at a slot held by another. */
  nextWake(): Date {
    const now = this.#o.now();
    const next = Math.min(...this.#o.jobs.map((j) => nextDailySlot(now, j.at, j.timeZone).getTime()));
    return new Date(
      Math.min(next, now.getTime() + MAX_SLEEP_MS, this.#recheckAt ?? Number.POSITIVE_INFINITY),
    );
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
