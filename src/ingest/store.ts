/** What ingest needs of the store (the app's Store, src/app/store.ts, satisfies it). */
import type { Database } from '../db/dialect.ts';
import type { LeaseRepository } from '../jobs/leases.repo.ts';
import type { PaperRepository } from '../papers/repository.ts';
import type { CursorRepository, IngestRunRepository } from './repository.ts';

export interface IngestStore extends Database {
  readonly papers: PaperRepository;
  readonly cursors: CursorRepository;
  readonly ingestRuns: IngestRunRepository;
  readonly leases: LeaseRepository;
}
