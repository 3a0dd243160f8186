/**
 * The search module's repositories for a store, one per store, built on first use for its
 * dialect (the dialect's module is imported only then). Apart from the interfaces
 * (search.repo.ts, similar.repo.ts), which the implementations import, so no module cycle.
 */
import { perStore } from '../db/per-store.ts';
import type { SearchRepository } from './search.repo.ts';
import type { SimilarRepository } from './similar.repo.ts';

export const searchRepository = perStore<SearchRepository>({
  sqlite: async (db) => new (await import('./search.sqlite.repo.ts')).SqliteSearchRepository(db),
  postgres: async (pool) => new (await import('./search.pg.repo.ts')).PgSearchRepository(pool),
});

export const similarRepository = perStore<SimilarRepository>({
  sqlite: async (db) => new (await import('./similar.sqlite.repo.ts')).SqliteSimilarRepository(db),
  postgres: async (pool) => new (await import('./similar.pg.repo.ts')).PgSimilarRepository(pool),
});
