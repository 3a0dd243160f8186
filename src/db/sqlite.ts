/** Opening the embedded SQLite database: pragmas chosen for a single-writer web service. */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { type Migration, runMigrationsSync } from './migrate.ts';

export function openSqlite(file: string): DatabaseSync {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const db = new DatabaseSync(file, { timeout: 10_000 });
  // WAL lets readers (web requests) run while the importer writes; NORMAL is crash-safe for
  // process crashes (kill -9) in WAL mode and only risks the last commit on power loss.
  db.exec(`
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = NORMAL;
    PRAGMA foreign_keys = ON;
    PRAGMA temp_store = MEMORY;
    PRAGMA cache_size = -65536;
  `);
  return db;
}

/** Applies pending migrations (migrate.ts) on this connection; returns every applied version. */
export function migrateSqlite(db: DatabaseSync, migrations?: Migration[]): number[] {
  return runMigrationsSync(
    'sqlite',
    (step) => {
      if (step.kind === 'exec') db.exec(step.sql);
      else if (step.kind === 'versions')
        return (
          db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]
        ).map((r) => r.version);
      else
        db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
          step.migration.version,
          step.migration.name,
          step.appliedAt,
        );
      return undefined;
    },
    migrations,
  );
}
