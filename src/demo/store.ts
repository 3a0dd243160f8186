/**
 * What the demo needs of the store (the app's Store, src/app/store.ts, satisfies it). The demo
 * marks live in setup's first-run repository; they are named here by shape, because demo/ may not
 * import setup/.
 */
import type { PaperRepository } from '../papers/repository.ts';
import type { CommunityRepository, UserRepository } from '../users/types.ts';

interface DemoMarks {
  demoCounts(): Promise<{ papers: number; users: number }>;
  idsInDemoRange(): Promise<Set<string>>;
  markDemoPapers(arxivIds: readonly string[]): Promise<void>;
  markDemoUsers(userIds: readonly number[]): Promise<void>;
  removeDemo(): Promise<{ papers: number; users: number }>;
}

export interface DemoStore {
  readonly papers: PaperRepository;
  readonly users: UserRepository;
  readonly community: CommunityRepository;
  readonly firstRun: DemoMarks;
}
