/**
 * A thin runner that lets a repository (digest, first-run) write each statement once for both dialects:
 * `?` placeholders (rewritten to `$n` for PostgreSQL), `all`/`run`, and `batch` — independent
 * statements applied in one transaction. Its SQL stays inside the portable subset both
 * databases share (ON CONFLICT, RETURNING); the one difference (SKIP LOCKED) is named at its use.
 *
 * `batch` takes statements, not a callback, on purpose: node:sqlite is synchronous, and a
 * transaction body that awaited between statements could let unrelated work on the same
 * connection slip into (or be rolled back with) the transaction.
 */
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import type pg from 'pg';
import type { Dialect } from './dialect.ts';
import { inTransaction } from './postgres.ts';

export type Param = string | number | null;
export type Statement = readonly [sql: string, params: readonly Param[]];

/** Milliseconds as the ISO text the digest tables store. */
export const iso = (ms: number) => new Date(ms).toISOString();
/** A counter read back from either engine (PostgreSQL hands bigints over as text). */
export const num = (v: number | string | null): number | null => (v === null ? null : Number(v));
/** `n` comma-separated `?` marks, for an IN list. */
export const placeholders = (n: number) => Array.from({ length: n }, () => '?').join(', ');

export interface SqlRunner {
  readonly dialect: Dialect;
  all<T>(sql: string, params?: readonly Param[]): Promise<T[]>;
  /** Rows changed. */
  run(sql: string, params?: readonly Param[]): Promise<number>;
  /** All statements in one transaction; rows changed per statement. */
  batch(statements: readonly Statement[]): Promise<number[]>;
}

export function sqliteRunner(db: DatabaseSync): SqlRunner {
  const cache = new Map<string, StatementSync>();
  const prep = (sql: string) => {
    let s = cache.get(sql);
    if (!s) {
      s = db.prepare(sql);
      cache.set(sql, s);
    }
    return s;
  };
  return {
    dialect: 'sqlite',
    async all<T>(sql: string, params: readonly Param[] = []) {
      return prep(sql).all(...(params as SQLInputValue[])) as T[];
    },
    async run(sql, params = []) {
      return Number(prep(sql).run(...(params as SQLInputValue[])).changes);
    },
    async batch(statements) {
      const out: number[] = [];
      // IMMEDIATE takes the write lock up front: a deferred transaction that upgrades later can
      // fail with SQLITE_BUSY at once when another process writes, without waiting for the timeout.
      db.exec('BEGIN IMMEDIATE');
      try {
        for (const [sql, params] of statements)
          out.push(Number(prep(sql).run(...(params as SQLInputValue[])).changes));
        db.exec('COMMIT');
      } catch (err) {
        if (db.isTransaction) db.exec('ROLLBACK');
        throw err;
      }
      return out;
    },
  };
}

/** `?` → `$1, $2…` (the digest SQL never contains a literal question mark). */
function toPg(sql: string): string {
  let i = 0;
  return sql.replace(/\?/g, () => `$${++i}`);
}

export function pgRunner(pool: pg.Pool): SqlRunner {
  const cache = new Map<string, string>();
  const conv = (sql: string) => {
    let s = cache.get(sql);
    if (s === undefined) {
      s = toPg(sql);
      cache.set(sql, s);
    }
    return s;
  };
  return {
    dialect: 'postgres',
    async all<T>(sql: string, params: readonly Param[] = []) {
      return (await pool.query(conv(sql), params as Param[])).rows as T[];
    },
    async run(sql, params = []) {
      return (await pool.query(conv(sql), params as Param[])).rowCount ?? 0;
    },
    async batch(statements) {
      return inTransaction(pool, async (client) => {
        const out: number[] = [];
        for (const [sql, params] of statements)
          out.push((await client.query(conv(sql), params as Param[])).rowCount ?? 0);
        return out;
      });
    },
  };
}
