/**
 * What db/ knows about an open database: its dialect, its raw connection, and the lifecycle the
 * composition root (src/app/store.ts) builds the repositories on. Domains that need the raw handle
 * (the keyword workers open the SQLite file themselves) take a `Database`, never the app's Store,
 * so they do not depend on the root.
 */
import type { DatabaseSync } from 'node:sqlite';
import type pg from 'pg';

export type Dialect = 'sqlite' | 'postgres';

/** The raw handle, tagged by dialect: SQLite's file (`:memory:` for a private one) or the pool. */
export type Connection =
  | { readonly dialect: 'sqlite'; readonly db: DatabaseSync; readonly file: string }
  | { readonly dialect: 'postgres'; readonly pool: pg.Pool };

export interface Database {
  readonly dialect: Dialect;
  readonly connection: Connection;
  /** Applied migration versions, oldest first. */
  migrations(): Promise<number[]>;
  /**
   * Brings derived keyword-search structures up to date after data changed (SQLite: the top
   * lists of src/db/toplists.ts, rebuilt off the main thread when stale). Returns a one-line
   * summary, or null when nothing needed doing.
   */
  maintainKeywordIndex(): Promise<string | null>;
  /** Runs `fn` when the store closes (helpers that live beside it: the keyword pool's workers). */
  atClose(fn: () => Promise<void>): void;
  close(): Promise<void>;
}
