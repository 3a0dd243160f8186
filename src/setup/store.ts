/** What setup needs of the store (the app's Store, src/app/store.ts, satisfies it). */
import type { FeedRepository } from '../feed/feed.ts';
import type { IngestStore } from '../ingest/store.ts';
import type { UserRepository } from '../users/types.ts';
import type { FirstRunRepository } from './first-run.repo.ts';

export interface SetupStore extends IngestStore {
  readonly firstRun: FirstRunRepository;
  readonly feed: FeedRepository;
  readonly users: UserRepository;
}
