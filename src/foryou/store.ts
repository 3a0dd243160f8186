/** The part of the app's Store For you uses (src/app/store.ts satisfies it). */
import type { PaperRepository } from '../papers/repository.ts';
import type { ForYouRepository } from './repository.ts';

export interface ForYouStore {
  readonly forYou: ForYouRepository;
  readonly papers: Pick<PaperRepository, 'get'>;
}
