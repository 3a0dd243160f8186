/**
 * Repositories that live beside a Store (search, similar lists): one per database, built on first
 * use for its dialect. The dialect's module is imported only then, so an embedded install never
 * loads the PostgreSQL code and the composition root (src/app/) need not build them up front.
 */
import type { DatabaseSync } from 'node:sqlite';
import type pg from 'pg';
import type { Database } from './dialect.ts';

export function perStore<R>(make: {
  sqlite: (db: DatabaseSync) => Promise<R>;
  postgres: (pool: pg.Pool) => Promise<R>;
}): (store: Database) => Promise<R> {
  const cache = new WeakMap<Database, R>();
  return async (store) => {
    let repo = cache.get(store);
    if (repo === undefined) {
      const c = store.connection;
      repo = c.dialect === 'sqlite' ? await make.sqlite(c.db) : await make.postgres(c.pool);
      cache.set(store, repo);
    }
    return repo;
  };
}
