/**
 * LeaseRepository on SQLite: one row per lease name, taken by a single conditional upsert, so
 * two processes racing for it cannot both win (SQLite serializes writers).
 */
import type { DatabaseSync } from 'node:sqlite';
import type { Lease, LeaseRepository } from './leases.repo.ts';

/** The prepared statements, one typed member each: a misspelt name fails to compile. */
function statements(db: DatabaseSync) {
  const p = (sql: string) => db.prepare(sql);
  return {
    // Free (expired), ours, or a known-dead holder's; and, for a schedule slot, not yet done.
    acquire:
      p(`INSERT INTO job_leases (name, holder, lease_until, updated_at) VALUES (:name, :holder, :until, :at)
      ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, lease_until = excluded.lease_until,
        updated_at = excluded.updated_at
      WHERE (job_leases.lease_until <= :now OR job_leases.holder = :holder OR job_leases.holder = :dead)
        AND (:slot IS NULL OR job_leases.last_slot IS NULL OR job_leases.last_slot < :slot)`),
    renew: p(`UPDATE job_leases SET lease_until = ?, updated_at = ? WHERE name = ? AND holder = ?`),
    release: p(`UPDATE job_leases SET holder = NULL, lease_until = 0, updated_at = ?,
      last_slot = coalesce(?, last_slot) WHERE name = ? AND holder = ?`),
    get: p('SELECT name, holder, lease_until, last_slot FROM job_leases WHERE name = ?'),
  };
}

export class SqliteLeaseRepository implements LeaseRepository {
  readonly #s: ReturnType<typeof statements>;

  constructor(db: DatabaseSync) {
    this.#s = statements(db);
  }

  async acquire(
    name: string,
    holder: string,
    now: number,
    ttlMs: number,
    options: { slot?: string; replaceHolder?: string } = {},
  ): Promise<boolean> {
    const r = this.#s.acquire.run({
      name,
      holder,
      until: now + ttlMs,
      at: new Date(now).toISOString(),
      now,
      dead: options.replaceHolder ?? null,
      slot: options.slot ?? null,
    });
    return r.changes > 0;
  }

  async renew(name: string, holder: string, now: number, ttlMs: number): Promise<boolean> {
    return this.#s.renew.run(now + ttlMs, new Date(now).toISOString(), name, holder).changes > 0;
  }

  async release(name: string, holder: string, finishedSlot?: string): Promise<void> {
    this.#s.release.run(new Date().toISOString(), finishedSlot ?? null, name, holder);
  }

  async get(name: string): Promise<Lease | null> {
    const r = this.#s.get.get(name) as
      | { name: string; holder: string | null; lease_until: number; last_slot: string | null }
      | undefined;
    return r
      ? { name: r.name, holder: r.holder, leaseUntil: Number(r.lease_until), lastSlot: r.last_slot }
      : null;
  }
}
