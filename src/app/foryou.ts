/**
 * For you as every entry point builds it: the site (web/site.ts), the scheduled digest job
 * (schedule.ts) and `paperboy digest` (cli/commands/digest.ts). It lives in the composition root
 * because a reader's positive examples come from two domains: the library's saved papers and the
 * community's upvotes (with the start-out picks).
 */
import type { Config } from '../config/config.ts';
import { ForYouService } from '../foryou/service.ts';
import { semanticFor } from '../search/semantic.ts';
import type { Store } from './store.ts';

export interface ForYouOptions {
  now?: () => Date;
  /**
   * Wait for the semantic index to open before ranking (the digest: a batch that ranks everyone
   * once should rank them all alike); the site never waits, and ranks by keyword until it is ready.
   */
  waitForVectors?: boolean;
}

export function createForYou(store: Store, config: Config, o: ForYouOptions = {}): ForYouService {
  return new ForYouService({
    store,
    // Positive examples of a reader's model, newest first.
    positives: [
      { verb: 'saved', ids: (u, n) => store.library.savedPaperIds(u, n) },
      { verb: 'upvoted', ids: (u, n) => store.forYou.upvoted(u, n) },
      { verb: 'picked when starting out', ids: (u, n) => store.forYou.seeds(u, n) },
    ],
    // The semantic index's vectors once it is ready; until then the keyword model ranks.
    vectors: async () => {
      const sem = await semanticFor(store, config);
      if (o.waitForVectors) await sem.open();
      sem.maybeSync();
      const index = sem.state === 'ready' ? sem.index : null;
      return index ? (id: number) => index.vectorOf(id) : null;
    },
    now: o.now ?? (() => new Date()),
  });
}
