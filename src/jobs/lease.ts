/**
 * Holding a database lease while working: acquire (taking over from a holder that is provably
 * gone, see src/shared/holder.ts: on this machine and its process dead, a zombie, or of an earlier boot),
 * renew on a timer so a long wait never lets it lapse, release at the end. Leases expire on their
 * own, so a crashed holder on another machine blocks others for one TTL.
 */
import { holderIsGone } from '../shared/holder.ts';
import type { Lease, LeaseRepository } from './leases.repo.ts';

/** Long enough to survive a stalled event loop, short enough that a crash frees the job soon. */
const LEASE_TTL_MS = 60_000;

export class LeaseBusyError extends Error {
  override name = 'LeaseBusyError';
  readonly lease: Lease | null;
  constructor(message: string, lease: Lease | null) {
    super(message);
    this.lease = lease;
  }
}

export interface HeldLease {
  readonly name: string;
  readonly holder: string;
  /** Stops renewing and frees the lease; `finishedSlot` marks a schedule slot done. */
  release(finishedSlot?: string): Promise<void>;
}

export interface AcquireOptions {
  holder: string;
  ttlMs?: number;
  slot?: string;
  now?: () => number;
}

/** Acquires `name` or returns null when someone else (alive) holds it or the slot is done. */
export async function tryAcquire(
  leases: LeaseRepository,
  name: string,
  o: AcquireOptions,
): Promise<HeldLease | null> {
  const ttl = o.ttlMs ?? LEASE_TTL_MS;
  const now = o.now ?? Date.now;
  const slot = o.slot ? { slot: o.slot } : {};
  let ok = await leases.acquire(name, o.holder, now(), ttl, slot);
  if (!ok) {
    const current = await leases.get(name);
    if (current?.holder && holderIsGone(current.holder)) {
      ok = await leases.acquire(name, o.holder, now(), ttl, { ...slot, replaceHolder: current.holder });
    }
  }
  if (!ok) return null;
  // Renewal failures are not fatal here: the work is idempotent, and the next commit or the
  // next renewal will find out. The timer must not keep a finished CLI process alive.
  const timer = setInterval(
    () => {
      leases.renew(name, o.holder, now(), ttl).catch(() => {});
    },
    Math.max(10, Math.floor(ttl / 3)),
  );
  timer.unref();
  let released = false;
  return {
    name,
    holder: o.holder,
    async release(finishedSlot?: string) {
      if (released) return;
      released = true;
      clearInterval(timer);
      await leases.release(name, o.holder, finishedSlot);
    },
  };
}

export async function describeHolder(leases: LeaseRepository, name: string): Promise<string> {
  const l = await leases.get(name);
  if (!l?.holder) return `${name} is busy`;
  return `${name} is held by ${l.holder} until ${new Date(l.leaseUntil).toISOString()}`;
}
