/**
 * What search needs of the store (the app's Store, src/app/store.ts, satisfies it): its own
 * repositories (keyword/vector candidates, stored similar lists), papers, the raw connection (the
 * keyword workers open the SQLite file themselves), and a lease so one process at a time embeds
 * new papers. The lease is named by shape: search may not import jobs/.
 */
import type { Database } from '../db/dialect.ts';
import type { PaperRepository } from '../papers/repository.ts';
import type { SearchRepository } from './search.repo.ts';
import type { SimilarRepository } from './similar.repo.ts';

interface VectorLease {
  acquire(name: string, holder: string, now: number, ttlMs: number): Promise<boolean>;
  release(name: string, holder: string): Promise<void>;
}

export interface SearchStore extends Database {
  readonly papers: PaperRepository;
  readonly search: SearchRepository;
  readonly similar: SimilarRepository;
  readonly leases: VectorLease;
}
