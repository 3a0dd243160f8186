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

/** A PostgreSQL statement with a name: `pool.query({ ...S.byEmail, values })`. */
export interface NamedStatement {
  readonly name: string;
  readonly text: string;
}

/** Every name handed out in this process, with its text (see `named`). */
const known = new Map<string, string>();
/** PostgreSQL keeps the first 63 bytes of a statement name (NAMEDATALEN − 1). */
const MAX_NAME_BYTES = 63;

/**
 * PostgreSQL statements with names `${prefix}.${key}`. node-postgres parses and plans a named
 * statement once per pooled connection and afterwards only binds and executes it: measured with
 * `npm run bench -- dialect` (bench/results/dialect-latest.md), a named statement answers 1.70×
 * (a read) / 1.84× (a write) as many calls per second as `pool.query(text, values)`.
 *
 * The one rule: a name always carries the same text, since a connection that knows a name
 * refuses a second text for it ("Prepared statements must be unique"). So each repository has its
 * own prefix, every text is fixed when its module loads, and SQL built per call (a variable IN
 * list, the search's tsquery) stays unnamed. This function enforces the rule for the whole
 * process: a second text under a known name, or a name PostgreSQL would truncate, throws here,
 * at import, instead of failing on some connection later.
 */
export function named<K extends string>(prefix: string, texts: Record<K, string>): Record<K, NamedStatement> {
  const out = {} as Record<K, NamedStatement>;
  for (const key of Object.keys(texts) as K[]) {
    const name = `${prefix}.${key}`;
    const text = texts[key];
    if (Buffer.byteLength(name) > MAX_NAME_BYTES)
      throw new Error(
        `statement name "${name}" is longer than ${MAX_NAME_BYTES} bytes, which PostgreSQL would cut short`,
      );
    const before = known.get(name);
    if (before !== undefined && before !== text)
      throw new Error(
        `statement name "${name}" is already used for different SQL: one name must always carry ` +
          'one text (give the repository its own prefix, or the statement its own key)',
      );
    known.set(name, text);
    out[key] = Object.freeze({ name, text });
  }
  return Object.freeze(out);
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
