/**
 * Versioned migrations: `NNN_name.sql` files per dialect, applied in order, each in its own
 * transaction, recorded in `schema_migrations`. Both dialects keep the same numbering so a
 * version means the same schema everywhere.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Dialect } from './store.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

const dir = path.join(import.meta.dirname, 'migrations');

export function loadMigrations(dialect: Dialect): Migration[] {
  const files = readdirSync(path.join(dir, dialect)).filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f));
  return files.sort().map((file) => ({
    version: Number(file.slice(0, 3)),
    name: file.slice(4, -4),
    sql: readFileSync(path.join(dir, dialect, file), 'utf8'),
  }));
}
