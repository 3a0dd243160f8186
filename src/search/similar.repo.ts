/**
 * Stored "similar papers" lists (table `paper_similar`, migration 008): one row per paper, the
 * ids nearest first, labelled with how they were computed. The policy (when a row is still good)
 * is in similar.ts; this is storage only. One implementation per dialect, same contract tests.
 */
import type { Store } from '../db/store.ts';

export interface SimilarList {
  paperId: number;
  /** The embedder version the list came from, or 'keyword' (title words, before vectors). */
  model: string;
  /** The paper's content_hash when the list was computed. */
  paperHash: string;
  /** ISO instant. */
  computedAt: string;
  /** papers.id, nearest first, never the paper itself. */
  ids: number[];
}

export interface SimilarRepository {
  /** The paper's current content hash and its stored list (null if none); null if no such paper. */
  get(paperId: number): Promise<{ paperHash: string; list: SimilarList | null } | null>;
  /** Stores (replaces) a paper's list. A paper deleted meanwhile is skipped. */
  put(list: SimilarList): Promise<void>;
  /** Recently featured papers (latest featured day first) whose list is missing or not `model`'s. */
  featuredWithout(model: string, limit: number): Promise<number[]>;
}

const cache = new WeakMap<Store, SimilarRepository>();

export async function similarRepository(store: Store): Promise<SimilarRepository> {
  let repo = cache.get(store);
  if (!repo) {
    if (store.dialect === 'sqlite') {
      const { SqliteSimilarRepository } = await import('./similar.sqlite.repo.ts');
      const { SqliteStore } = await import('../db/sqlite.store.ts');
      if (!(store instanceof SqliteStore)) throw new Error('sqlite dialect without a SqliteStore');
      repo = new SqliteSimilarRepository(store.db);
    } else {
      const { PgSimilarRepository } = await import('./similar.pg.repo.ts');
      const { PostgresStore } = await import('../db/postgres.store.ts');
      if (!(store instanceof PostgresStore)) throw new Error('postgres dialect without a PostgresStore');
      repo = new PgSimilarRepository(store.pool);
    }
    cache.set(store, repo!);
  }
  return repo!;
}
