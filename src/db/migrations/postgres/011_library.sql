-- A reader's library (issue 14): the same tables and rules as sqlite/011_library.sql (read the
-- comments there). Dates are ISO 8601 text with COLLATE "C", as in 001.

CREATE TABLE collections (
  id BIGSERIAL PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  is_default BOOLEAN NOT NULL DEFAULT FALSE,
  is_public BOOLEAN NOT NULL DEFAULT FALSE,
  created_at TEXT COLLATE "C" NOT NULL,
  updated_at TEXT COLLATE "C" NOT NULL
);
CREATE INDEX collections_user ON collections (user_id, id);
CREATE UNIQUE INDEX collections_default ON collections (user_id) WHERE is_default;

CREATE TABLE collection_papers (
  collection_id BIGINT NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
  paper_id BIGINT NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  added_at TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (collection_id, paper_id)
);
CREATE INDEX collection_papers_user ON collection_papers (user_id, paper_id);
CREATE INDEX collection_papers_added ON collection_papers (collection_id, added_at);
CREATE INDEX collection_papers_paper ON collection_papers (paper_id);
