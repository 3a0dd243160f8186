-- Account settings (issue 16 item 14). `users.name` stays the handle of the profile address
-- (/users/<name>, letters, digits, - and _); `display_name` is the name as the reader writes it
-- ("Ada Admin"), shown on the profile and the settings page. NULL: the handle is the display name
-- (accounts made before this migration).
ALTER TABLE users ADD COLUMN display_name TEXT;

-- A change of email address waits here until the new address confirms it by the emailed link:
-- the old address stays the account's (login, mails) until then. Only a hash of the link's
-- token is stored, like user_tokens.
CREATE TABLE email_changes (
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  new_email TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT
);
CREATE INDEX email_changes_user ON email_changes (user_id, created_at);
