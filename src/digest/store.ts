/** What the digest needs of the store (the app's Store, src/app/store.ts, satisfies it). */
import type { FeedRepository } from '../feed/feed.ts';
import type { PaperRepository } from '../papers/repository.ts';
import type { DigestRepository } from './digest.repo.ts';

export interface DigestStore {
  readonly digest: DigestRepository;
  readonly papers: PaperRepository;
  readonly feed: FeedRepository;
}
