-- Personal feeds (issue 14 item 5): the same table and rules as sqlite/013_feed_keys.sql (read
-- the comments there).
CREATE TABLE feed_keys (
  user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  secret TEXT NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL
);
