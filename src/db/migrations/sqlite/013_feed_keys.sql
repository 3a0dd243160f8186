-- Personal feeds (issue 14 item 5): one random secret per account. Every personal feed URL
-- carries HMAC-SHA256(secret, "<user id>/<feed path>") (src/users/personal-feeds.ts), so a URL
-- opens its own feed and no other; replacing the row ("new links", a password reset) ends every
-- URL at once. Kept as the key itself, not a hash: checking a URL needs it. No row: the account
-- has no live feed URL (one is made when the reader opens /settings/feeds).
CREATE TABLE feed_keys (
  user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  secret TEXT NOT NULL,
  created_at TEXT NOT NULL
);
