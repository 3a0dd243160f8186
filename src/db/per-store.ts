/**
 * Repositories that live beside a Store (search, similar lists): one per store, built on first
 * use for the store's dialect. The dialect's module is imported only then, so an embedded install
 * never loads the PostgreSQL code and the store modules need not import their repositories.
 */
import type { DatabaseSync } from 'node:sqlite';
import type pg from 'pg';
import type { Store } from './store.ts';

export function perStore<R>(make: {
  sqlite: (db: DatabaseSync) => Promise<R>;
  postgres: (pool: pg.Pool) => Promise<R>;
}): (store: Store) => Promise<R> {
  const cache = new WeakMap<Store, R>();
  return async (store) => {
    let repo = cache.get(store);
    if (repo === undefined) {
      if (store.dialect === 'sqlite') {
        const { SqliteStore } = await import('./sqlite.store.ts');
        if (!(store instanceof SqliteStore)) throw new Error('sqlite dialect without a SqliteStore');
        repo = await make.sqlite(store.db);
      } else {
        const { PostgresStore } = await import('./postgres.store.ts');
        if (!(store instanceof PostgresStore)) throw new Error('postgres dialect without a PostgresStore');
        repo = await make.postgres(store.pool);
      }
      cache.set(store, repo);
    }
    return repo;
  };
}
