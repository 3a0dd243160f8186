/**
 * LeaseRepository on PostgreSQL; same semantics as leases.sqlite.repo.ts. Taking a lease is one
 * conditional INSERT … ON CONFLICT DO UPDATE … WHERE: PostgreSQL locks the conflicting row, so of
 * two processes racing for a lease exactly one sees its row written.
 */
import type pg from 'pg';
import { named } from '../db/statements.ts';
import type { Lease, LeaseRepository } from './leases.repo.ts';

const S = named('leases', {
  // Free (expired), ours, or a known-dead holder's; and, for a schedule slot, not yet done.
  acquire: `INSERT INTO job_leases AS l (name, holder, lease_until, updated_at) VALUES ($1, $2, $3, $4)
      ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, lease_until = excluded.lease_until,
        updated_at = excluded.updated_at
      WHERE (l.lease_until <= $5 OR l.holder = $2 OR l.holder = $6::text)
        AND ($7::text IS NULL OR l.last_slot IS NULL OR l.last_slot < $7::text)`,
  renew: 'UPDATE job_leases SET lease_until = $1, updated_at = $2 WHERE name = $3 AND holder = $4',
  release: `UPDATE job_leases SET holder = NULL, lease_until = 0, updated_at = $1,
        last_slot = coalesce($2::text, last_slot) WHERE name = $3 AND holder = $4`,
  get: 'SELECT name, holder, lease_until, last_slot FROM job_leases WHERE name = $1',
});

export class PgLeaseRepository implements LeaseRepository {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async acquire(
    name: string,
    holder: string,
    now: number,
    ttlMs: number,
    options: { slot?: string; replaceHolder?: string } = {},
  ): Promise<boolean> {
    const res = await this.#pool.query({
      ...S.acquire,
      values: [
        name,
        holder,
        now + ttlMs,
        new Date(now).toISOString(),
        now,
        options.replaceHolder ?? null,
        options.slot ?? null,
      ],
    });
    return (res.rowCount ?? 0) > 0;
  }

  async renew(name: string, holder: string, now: number, ttlMs: number): Promise<boolean> {
    const res = await this.#pool.query({
      ...S.renew,
      values: [now + ttlMs, new Date(now).toISOString(), name, holder],
    });
    return (res.rowCount ?? 0) > 0;
  }

  async release(name: string, holder: string, finishedSlot?: string): Promise<void> {
    await this.#pool.query({
      ...S.release,
      values: [new Date().toISOString(), finishedSlot ?? null, name, holder],
    });
  }

  async get(name: string): Promise<Lease | null> {
    const res = await this.#pool.query<{
      name: string;
      holder: string | null;
      lease_until: string;
      last_slot: string | null;
    }>({ ...S.get, values: [name] });
    const r = res.rows[0];
    return r
      ? { name: r.name, holder: r.holder, leaseUntil: Number(r.lease_until), lastSlot: r.last_slot }
      : null;
  }
}
