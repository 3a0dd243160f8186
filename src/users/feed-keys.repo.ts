/**
 * The per-account secret behind personal feed URLs (issue 14 item 5, migration 013): one row per
 * account, replaced to end every URL at once. One class per dialect (feed-keys.sqlite.repo.ts,
 * feed-keys.pg.repo.ts) over the statements below, which both run unchanged.
 */

export interface FeedKey {
  secret: string;
  createdAt: string;
}

export interface FeedKeyRepository {
  /** The account's key, or null when it has none. */
  get(userId: number): Promise<FeedKey | null>;
  /** Stores `secret` unless the account already has a key (a race keeps the first); returns the key in force. */
  ensure(userId: number, secret: string, now: string): Promise<FeedKey>;
  /** Sets a new key whatever was there: every URL made from the old one stops working. */
  replace(userId: number, secret: string, now: string): Promise<void>;
  /** Drops the key (no URL works until a new one is made); false when there was none. */
  remove(userId: number): Promise<boolean>;
}

/** `$n` placeholders; SQLite prepares them through db/statements.ts `sqliteText`. */
export const FEED_KEY_SQL = {
  get: 'SELECT secret, created_at FROM feed_keys WHERE user_id = $1',
  insert: `INSERT INTO feed_keys (user_id, secret, created_at) VALUES ($1, $2, $3)
    ON CONFLICT (user_id) DO NOTHING`,
  replace: `INSERT INTO feed_keys (user_id, secret, created_at) VALUES ($1, $2, $3)
    ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at`,
  remove: 'DELETE FROM feed_keys WHERE user_id = $1',
} as const;

export const toFeedKey = (r: { secret: string; created_at: string }): FeedKey => ({
  secret: r.secret,
  createdAt: r.created_at,
});
