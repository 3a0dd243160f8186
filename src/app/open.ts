/** Picks the Store for the configuration: PostgreSQL when a URL is given, else embedded SQLite. */
import path from 'node:path';
import type { PoolSettings } from '../db/postgres.ts';
import type { RateLimitRepository } from '../users/rate-limits.repo.ts';
import { SqliteStore } from './sqlite.store.ts';
import type { Store } from './store.ts';

export interface StoreOptions {
  dataDir: string;
  databaseUrl?: string | undefined;
  /** PostgreSQL pool limits (`paperboy serve` passes its settings; batch commands run unbounded). */
  pool?: PoolSettings;
  /**
   * The SQLite store's rate-limit windows when they are not this process's alone (a serve worker,
   * cluster/primary.ts); PostgreSQL keeps them in a shared table whatever is given.
   */
  rateLimits?: RateLimitRepository | undefined;
}

export function sqliteFile(dataDir: string): string {
  return path.join(dataDir, 'paperboy.db');
}

export async function openStore(options: StoreOptions): Promise<Store> {
  if (options.databaseUrl) {
    const { openPostgresStore } = await import('./postgres.store.ts');
    return openPostgresStore(options.databaseUrl, options.pool);
  }
  return new SqliteStore(sqliteFile(options.dataDir), { rateLimits: options.rateLimits });
}
