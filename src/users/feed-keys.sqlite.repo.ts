/** FeedKeyRepository on SQLite: statements prepared once, each call one statement. */
import type { DatabaseSync } from 'node:sqlite';
import { sqliteText } from '../db/statements.ts';
import { FEED_KEY_SQL, type FeedKey, type FeedKeyRepository, toFeedKey } from './feed-keys.repo.ts';

function statements(db: DatabaseSync) {
  const p = (sql: string) => db.prepare(sqliteText(sql));
  return {
    get: p(FEED_KEY_SQL.get),
    insert: p(FEED_KEY_SQL.insert),
    replace: p(FEED_KEY_SQL.replace),
    remove: p(FEED_KEY_SQL.remove),
  };
}

export class SqliteFeedKeyRepository implements FeedKeyRepository {
  readonly #s: ReturnType<typeof statements>;

  constructor(db: DatabaseSync) {
    this.#s = statements(db);
  }

  async get(userId: number): Promise<FeedKey | null> {
    const r = this.#s.get.get(userId) as { secret: string; created_at: string } | undefined;
    return r ? toFeedKey(r) : null;
  }

  async ensure(userId: number, secret: string, now: string): Promise<FeedKey> {
    this.#s.insert.run(userId, secret, now);
    return (await this.get(userId))!;
  }

  async replace(userId: number, secret: string, now: string): Promise<void> {
    this.#s.replace.run(userId, secret, now);
  }

  async remove(userId: number): Promise<boolean> {
    return Number(this.#s.remove.run(userId).changes) > 0;
  }
}
