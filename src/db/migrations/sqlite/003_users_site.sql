-- The site (issue 4): accounts, sessions, emailed one-time links, API tokens, votes, submissions,
-- comments, and per-paper counters with the stored trending score.

CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  -- Trimmed and lowercased by the service, so "A@x.org" and "a@x.org" are one account.
  email TEXT NOT NULL UNIQUE,
  -- Public handle shown beside comments and submissions; the email is never shown.
  name TEXT NOT NULL UNIQUE,
  -- argon2id PHC string ($argon2id$v=19$m=…,t=…,p=…$salt$hash).
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'moderator', 'admin')),
  email_verified_at TEXT,
  banned_at TEXT,
  created_at TEXT NOT NULL
);

-- Server-side sessions. Only a SHA-256 of the cookie value is stored, so a copy of the database
-- holds no usable session; logout deletes the row.
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Single-use emailed links (verify the address, reset the password), stored hashed.
CREATE TABLE user_tokens (
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  purpose TEXT NOT NULL CHECK (purpose IN ('verify', 'reset')),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at TEXT
);
CREATE INDEX user_tokens_user ON user_tokens (user_id, purpose);

-- Personal API tokens for the write endpoints, stored hashed; shown once at creation.
CREATE TABLE api_tokens (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  last_used_at TEXT,
  revoked_at TEXT
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Per-paper counters and the trending score (src/ranking/trending.ts). One row for every paper
-- that was featured or voted on. `trending` is NULL when it must be recomputed (a featuring
-- changed the imported votes or the entry time); votes refresh it in their own transaction.
CREATE TABLE paper_stats (
  paper_id INTEGER PRIMARY KEY REFERENCES papers (id) ON DELETE CASCADE,
  votes INTEGER NOT NULL DEFAULT 0,
  -- The highest upvote count a daily-papers import carried for this paper (kept apart, shown apart).
  imported_votes INTEGER NOT NULL DEFAULT 0,
  comments INTEGER NOT NULL DEFAULT 0,
  -- First featuring (NULL: never featured, only voted on).
  featured_at TEXT,
  -- When the paper entered the site, the trending age origin: featured_at, else its arXiv v1 date.
  entered_at TEXT NOT NULL,
  trending REAL
);
CREATE INDEX paper_stats_trending ON paper_stats (trending DESC);
CREATE INDEX paper_stats_stale ON paper_stats (paper_id) WHERE trending IS NULL;

-- Every featuring keeps paper_stats in step, whoever writes it (submission, import, rule), in the
-- same transaction. A featuring of a past day (an imported list) counts from the end of that day.
CREATE TRIGGER featured_stats_insert AFTER INSERT ON featured BEGIN
  INSERT INTO paper_stats (paper_id, imported_votes, featured_at, entered_at, trending)
  VALUES (NEW.paper_id, NEW.imported_upvotes, min(NEW.created_at, NEW.day || 'T23:59:59.999Z'),
    min(NEW.created_at, NEW.day || 'T23:59:59.999Z'), NULL)
  ON CONFLICT (paper_id) DO UPDATE SET
    imported_votes = max(imported_votes, excluded.imported_votes),
    featured_at = coalesce(min(featured_at, excluded.featured_at), excluded.featured_at),
    entered_at = coalesce(min(featured_at, excluded.featured_at), excluded.featured_at),
    trending = NULL;
END;
CREATE TRIGGER featured_stats_update AFTER UPDATE OF imported_upvotes ON featured BEGIN
  UPDATE paper_stats SET imported_votes = max(imported_votes, NEW.imported_upvotes), trending = NULL
  WHERE paper_id = NEW.paper_id;
END;
INSERT INTO paper_stats (paper_id, imported_votes, featured_at, entered_at, trending)
  SELECT paper_id, max(imported_upvotes), min(min(created_at, day || 'T23:59:59.999Z')),
    min(min(created_at, day || 'T23:59:59.999Z')), NULL
  FROM featured GROUP BY paper_id;

-- One vote per account per paper: the primary key makes a repeated vote a no-op.
CREATE TABLE votes (
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  PRIMARY KEY (user_id, paper_id)
) WITHOUT ROWID;
CREATE INDEX votes_paper ON votes (paper_id);
CREATE INDEX votes_user_time ON votes (user_id, created_at);

-- Who submitted what (the featuring row keeps the display name; this keeps the account, for the
-- profile page and the per-day submission limit).
CREATE TABLE submissions (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
  day TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX submissions_user ON submissions (user_id, created_at);

-- Plain-text discussion, one level of replies (parent_id is always a top-level comment).
-- Deleting keeps the row (replies hang off it) but drops the text; hiding is a moderator's.
CREATE TABLE comments (
  id INTEGER PRIMARY KEY,
  paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  parent_id INTEGER REFERENCES comments (id) ON DELETE CASCADE,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  edited_at TEXT,
  deleted_at TEXT,
  hidden_at TEXT,
  hidden_by INTEGER REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX comments_paper ON comments (paper_id, id);
CREATE INDEX comments_user ON comments (user_id, id);
