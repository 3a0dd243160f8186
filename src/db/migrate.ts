/**
 * Versioned migrations: `NNN_name.sql` files per dialect, applied in order, each in its own
 * transaction, recorded in `schema_migrations`. Both dialects keep the same numbering so a
 * version means the same schema everywhere.
 *
 * One runner for both: `migrationSteps` is the whole procedure (create the ledger, skip what is
 * applied, apply each pending file in a transaction with its ledger row, roll back and name the
 * file on failure). A dialect only performs its three kinds of step — synchronously for
 * node:sqlite (the embedded store opens in a constructor), asynchronously for pg.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Dialect } from './dialect.ts';

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

/** What the runner asks of a connection: run SQL, list applied versions (ascending), record one. */
export type MigrationStep =
  | { kind: 'exec'; sql: string }
  | { kind: 'versions' }
  | { kind: 'record'; migration: Migration; appliedAt: string };

/** The answer to a `versions` step; other steps answer nothing. */
type Answer = number[] | undefined;

const LEDGER = `CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`;

/** The procedure; returns every applied version, oldest first. */
function* migrationSteps(
  dialect: Dialect,
  migrations: Migration[] = loadMigrations(dialect),
): Generator<MigrationStep, number[], Answer> {
  // SQLite: take the write lock at BEGIN, so a second process waits instead of failing mid-file.
  const begin = dialect === 'sqlite' ? 'BEGIN IMMEDIATE' : 'BEGIN';
  yield { kind: 'exec', sql: LEDGER };
  const applied = new Set((yield { kind: 'versions' }) ?? []);
  for (const m of migrations) {
    if (applied.has(m.version)) continue;
    yield { kind: 'exec', sql: begin };
    try {
      yield { kind: 'exec', sql: m.sql };
      yield { kind: 'record', migration: m, appliedAt: new Date().toISOString() };
      yield { kind: 'exec', sql: 'COMMIT' };
    } catch (err) {
      try {
        yield { kind: 'exec', sql: 'ROLLBACK' };
      } catch {
        // The failure that matters is the migration's own.
      }
      throw new Error(`migration ${m.version}_${m.name} failed: ${(err as Error).message}`);
    }
  }
  return (yield { kind: 'versions' }) ?? [];
}

/** Drives the steps with a synchronous connection (node:sqlite). */
export function runMigrationsSync(
  dialect: Dialect,
  perform: (step: MigrationStep) => Answer,
  migrations?: Migration[],
): number[] {
  const steps = migrationSteps(dialect, migrations);
  let next = steps.next();
  while (!next.done) {
    let answer: Answer;
    try {
      answer = perform(next.value);
    } catch (err) {
      next = steps.throw(err);
      continue;
    }
    next = steps.next(answer);
  }
  return next.value;
}

/** Drives the steps with an asynchronous connection (pg). */
export async function runMigrations(
  dialect: Dialect,
  perform: (step: MigrationStep) => Promise<Answer>,
  migrations?: Migration[],
): Promise<number[]> {
  const steps = migrationSteps(dialect, migrations);
  let next = steps.next();
  while (!next.done) {
    let answer: Answer;
    try {
      answer = await perform(next.value);
    } catch (err) {
      next = steps.throw(err);
      continue;
    }
    next = steps.next(answer);
  }
  return next.value;
}
