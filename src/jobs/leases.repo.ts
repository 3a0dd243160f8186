/** The leases table (leases.sqlite.repo.ts, leases.pg.repo.ts; built by src/app/). */

export interface Lease {
  name: string;
  holder: string | null;
  /** Epoch ms; the lease is free once this has passed. */
  leaseUntil: number;
  /** The last schedule slot (ISO instant) a holder finished, so a slot runs once across instances. */
  lastSlot: string | null;
}

/**
 * Named leases in the database, so one process at a time runs a job or harvests a source even
 * when several share the database. Time is passed in (epoch ms), so tests control the clock.
 */
export interface LeaseRepository {
  /**
   * Takes the lease when it is free (expired), already ours, or held by `replaceHolder` (a holder
   * known to be dead); with `slot`, only when that slot has not been finished. Atomic.
   */
  acquire(
    name: string,
    holder: string,
    now: number,
    ttlMs: number,
    options?: { slot?: string; replaceHolder?: string },
  ): Promise<boolean>;
  /** Extends our lease; false when it is no longer ours. */
  renew(name: string, holder: string, now: number, ttlMs: number): Promise<boolean>;
  /** Frees our lease; with `finishedSlot`, records that slot as done. */
  release(name: string, holder: string, finishedSlot?: string): Promise<void>;
  get(name: string): Promise<Lease | null>;
}
