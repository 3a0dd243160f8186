-- For you (issue 14 items 2-4): what a reader follows, what they marked "less like this" or
-- hid, the papers they picked when starting out, and their ranking controls. Numbered 012: 011 is
-- the library's (collections, saved papers); the runner applies any version it has not recorded,
-- so the two may arrive in either order.

-- An author (key: papers/authors.ts authorKey of the name, so accent and spacing variants are
-- one follow), a category (key: the arXiv code as written, `cs.LG`) or a search (key: the query
-- text in the query language, trimmed). `label` is what the pages show.
CREATE TABLE follows (
  id BIGSERIAL PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('author', 'category', 'search')),
  key TEXT NOT NULL,
  label TEXT NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  UNIQUE (user_id, kind, key)
);

-- One row per (reader, paper): 'hide' only removes it from For you; 'less' also makes it a
-- negative example of the reader's model. A later 'less' upgrades a 'hide', never the reverse.
CREATE TABLE paper_feedback (
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  paper_id BIGINT NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('less', 'hide')),
  created_at TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (user_id, paper_id)
);

-- Papers a reader named when starting out (pasted arXiv ids): positives of the model like an
-- upvote, but kept apart so they never count on the site's vote totals.
CREATE TABLE foryou_seeds (
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  paper_id BIGINT NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
  created_at TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (user_id, paper_id)
);

-- The reader's controls (JSON, validated by src/foryou/settings.ts; unknown or bad fields fall
-- back to defaults) and when the start-out questions were answered or skipped.
CREATE TABLE foryou_settings (
  user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  settings TEXT NOT NULL,
  onboarded_at TEXT,
  updated_at TEXT NOT NULL
);
