/** Saved cursors (table `cursors`) on SQLite. */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { CursorRepository } from './repository.ts';

export class SqliteCursorRepository implements CursorRepository {
  readonly #get: StatementSync;
  readonly #set: StatementSync;
  readonly #del: StatementSync;
  constructor(db: DatabaseSync) {
    this.#get = db.prepare('SELECT value FROM cursors WHERE key = ?');
    this.#set = db.prepare(`INSERT INTO cursors (key, value, updated_at) VALUES (?, ?, ?)
      ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`);
    this.#del = db.prepare('DELETE FROM cursors WHERE key = ?');
  }
  async get(key: string): Promise<string | null> {
    return (this.#get.get(key) as { value: string } | undefined)?.value ?? null;
  }
  async set(key: string, value: string): Promise<void> {
    this.#set.run(key, value, new Date().toISOString());
  }
  async delete(key: string): Promise<void> {
    this.#del.run(key);
  }
}
