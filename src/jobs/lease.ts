/**
 * Holding a database lease while working: acquire (taking over from a holder on this machine
 * whose process is gone), renew on a timer so a long wait never lets it lapse, release at the end.
 * Leases expire on their own, so a crashed holder on another machine blocks others for one TTL.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Lease, LeaseRepository } from '../db/store.ts';

/** Long enough to survive a stalled event loop, short enough that a crash frees the job soon. */
export const LEASE_TTL_MS = 60_000;

/** `host:pid:nonce`: who holds a lease, and whether that process can still be alive. */
export function newHolderId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/** True when the holder ran on this machine and its process no longer exists (kill -9, crash). */
export function isDeadLocalHolder(holder: string | null): boolean {
  if (!holder) return false;
  const [host, pidText] = holder.split(':');
  const pid = Number(pidText);
  if (host !== hostname() || !Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

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
    if (current?.holder && isDeadLocalHolder(current.holder)) {
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
