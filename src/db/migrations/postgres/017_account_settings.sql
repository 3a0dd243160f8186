-- Account settings (issue 16 item 14): the same columns and table as
-- sqlite/017_account_settings.sql (read the comments there).
ALTER TABLE users ADD COLUMN display_name TEXT;

CREATE TABLE email_changes (
  token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  new_email TEXT NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  expires_at TEXT COLLATE "C" NOT NULL,
  used_at TEXT COLLATE "C"
);
CREATE INDEX email_changes_user ON email_changes (user_id, created_at);
