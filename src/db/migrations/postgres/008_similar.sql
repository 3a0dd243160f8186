-- "Similar papers" lists: the same table as sqlite/008_similar.sql (see there for why).
CREATE TABLE paper_similar (
  paper_id BIGINT PRIMARY KEY REFERENCES papers (id) ON DELETE CASCADE,
  model TEXT NOT NULL,
  paper_hash TEXT NOT NULL,
  computed_at TEXT COLLATE "C" NOT NULL,
  -- JSON array of papers.id, nearest first.
  ids TEXT NOT NULL
);
