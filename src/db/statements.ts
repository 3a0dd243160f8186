/**
 * Helpers for the one dialect pattern (docs/ARCHITECTURE.md, "Two dialects, one pattern"): a
 * repository has one class per dialect, and SQL text that is the same in both is written once,
 * with PostgreSQL's `$n` placeholders, and prepared for SQLite through `sqliteText`.
 */
import type { DatabaseSync } from 'node:sqlite';

/**
 * `$n` → `?n`: SQLite's numbered parameter takes the same number, so a parameter may repeat or
 * appear out of order (plain `?` would renumber them by position). The shared SQL never holds a
 * `$` followed by a digit inside a string literal.
 */
export function sqliteText(sql: string): string {
  return sql.replace(/\$(\d+)/g, '?$1');
}

/** Milliseconds as the ISO text the tables store. */
export const iso = (ms: number) => new Date(ms).toISOString();

/** A counter read back from either engine (PostgreSQL hands bigints over as text). */
export const num = (v: number | string | null): number | null => (v === null ? null : Number(v));

/**
 * Runs `fn` as one SQLite transaction, rolled back on any error. `fn` is synchronous on purpose:
 * node:sqlite is, and a body that awaited could let unrelated work on the same connection slip
 * into (or be rolled back with) the transaction. IMMEDIATE takes the write lock up front: a
 * deferred transaction that upgrades later can fail with SQLITE_BUSY at once when another process
 * writes, without waiting for the busy timeout.
 */
export function sqliteTransaction<T>(db: DatabaseSync, fn: () => T): T {
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = fn();
    db.exec('COMMIT');
    return result;
  } catch (err) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw err;
  }
}

/** Rows a node:sqlite statement changed, as a number. */
export const changes = (r: { changes: number | bigint }) => Number(r.changes);
