/** Picks the Store for the configuration: PostgreSQL when a URL is given, else embedded SQLite. */
import path from 'node:path';
import { SqliteStore } from './sqlite.store.ts';
import type { Store } from './store.ts';

export interface StoreOptions {
  dataDir: string;
  databaseUrl?: string | undefined;
}

export function sqliteFile(dataDir: string): string {
  return path.join(dataDir, 'paperboy.db');
}

export async function openStore(options: StoreOptions): Promise<Store> {
  if (options.databaseUrl) {
    const { openPostgresStore } = await import('./postgres.store.ts');
    return openPostgresStore(options.databaseUrl);
  }
  return new SqliteStore(sqliteFile(options.dataDir));
}
