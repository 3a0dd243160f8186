-- The site (issue 4): the same tables and rules as sqlite/003_users_site.sql (read the comments
-- there). Dates are ISO 8601 text with COLLATE "C", as in 001, so both dialects sort alike.

CREATE TABLE users (
  id BIGSERIAL PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'moderator', 'admin')),
  email_verified_at TEXT COLLATE "C",
  banned_at TEXT COLLATE "C",
  created_at TEXT COLLATE "C" NOT NULL
);

CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf_token TEXT NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  expires_at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE user_tokens (
  token_hash TEXT PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  purpose TEXT NOT NULL CHECK (purpose IN ('verify', 'reset')),
  created_at TEXT COLLATE "C" NOT NULL,
  expires_at TEXT COLLATE "C" NOT NULL,
  used_at TEXT COLLATE "C"
);
CREATE INDEX user_tokens_user ON user_tokens (user_id, purpose);

CREATE TABLE api_tokens (
  id BIGSERIAL PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_at TEXT COLLATE "C" NOT NULL,
  last_used_at TEXT COLLATE "C",
  revoked_at TEXT COLLATE "C"
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE paper_stats (
  paper_id BIGINT PRIMARY KEY REFERENCES papers (id) ON DELETE CASCADE,
  votes INTEGER NOT NULL DEFAULT 0,
  imported_votes INTEGER NOT NULL DEFAULT 0,
  comments INTEGER NOT NULL DEFAULT 0,
  featured_at TEXT COLLATE "C",
  entered_at TEXT COLLATE "C" NOT NULL,
  trending DOUBLE PRECISION
);
CREATE INDEX paper_stats_trending ON paper_stats (trending DESC NULLS LAST);
CREATE INDEX paper_stats_stale ON paper_stats (paper_id) WHERE trending IS NULL;

-- LEAST/GREATEST ignore NULLs in PostgreSQL, which is what the SQLite coalesce(min(…)) spells out.
CREATE FUNCTION featured_stats() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  at TEXT := LEAST(NEW.created_at, NEW.day || 'T23:59:59.999Z');
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO paper_stats (paper_id, imported_votes, featured_at, entered_at, trending)
    VALUES (NEW.paper_id, NEW.imported_upvotes, at, at, NULL)
    ON CONFLICT (paper_id) DO UPDATE SET
      imported_votes = GREATEST(paper_stats.imported_votes, excluded.imported_votes),
      featured_at = LEAST(paper_stats.featured_at, excluded.featured_at),
      entered_at = LEAST(paper_stats.featured_at, excluded.featured_at),
      trending = NULL;
  ELSIF NEW.imported_upvotes IS DISTINCT FROM OLD.imported_upvotes THEN
    UPDATE paper_stats SET imported_votes = GREATEST(imported_votes, NEW.imported_upvotes), trending = NULL
    WHERE paper_id = NEW.paper_id;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER featured_stats_insert AFTER INSERT ON featured FOR EACH ROW EXECUTE FUNCTION featured_stats();
CREATE TRIGGER featured_stats_update AFTER UPDATE OF imported_upvotes ON featured
  FOR EACH ROW EXECUTE FUNCTION featured_stats();
INSERT INTO paper_stats (paper_id, imported_votes, featured_at, entered_at, trending)
  SELECT paper_id, max(imported_upvotes), min(LEAST(created_at, day || 'T23:59:59.999Z')),
    min(LEAST(created_at, day || 'T23:59:59.999Z')), NULL
  FROM featured GROUP BY paper_id;

CREATE TABLE votes (
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  paper_id BIGINT NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
  created_at TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (user_id, paper_id)
);
CREATE INDEX votes_paper ON votes (paper_id);
CREATE INDEX votes_user_time ON votes (user_id, created_at);

CREATE TABLE submissions (
  id BIGSERIAL PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  paper_id BIGINT NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
  day TEXT COLLATE "C" NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX submissions_user ON submissions (user_id, created_at);

CREATE TABLE comments (
  id BIGSERIAL PRIMARY KEY,
  paper_id BIGINT NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  parent_id BIGINT REFERENCES comments (id) ON DELETE CASCADE,
  body TEXT NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  edited_at TEXT COLLATE "C",
  deleted_at TEXT COLLATE "C",
  hidden_at TEXT COLLATE "C",
  hidden_by BIGINT REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX comments_paper ON comments (paper_id, id);
CREATE INDEX comments_user ON comments (user_id, id);
