/**
 * What search needs of the store (the app's Store, src/app/store.ts, satisfies it): the raw
 * connection for its lazily built repositories (db/per-store.ts), papers, and a lease so one
 * process at a time embeds new papers. The lease is named by shape: search may not import jobs/.
 */
import type { Database } from '../db/dialect.ts';
import type { PaperRepository } from '../papers/repository.ts';

interface VectorLease {
  acquire(name: string, holder: string, now: number, ttlMs: number): Promise<boolean>;
  release(name: string, holder: string): Promise<void>;
}

export interface SearchStore extends Database {
  readonly papers: PaperRepository;
  readonly leases: VectorLease;
}
