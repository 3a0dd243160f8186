-- Papers and everything the foundation stores about them.
-- Child tables are WITHOUT ROWID and keyed by (paper_id, …) so a bulk import appends in key
-- order (paper ids grow), which keeps inserts sequential and cheap.
CREATE TABLE papers (
  id INTEGER PRIMARY KEY,
  arxiv_id TEXT NOT NULL UNIQUE,
  version INTEGER NOT NULL,
  title TEXT NOT NULL,
  abstract TEXT NOT NULL,
  -- Display names joined with ", ", in order; the structured list is in paper_authors.
  authors_text TEXT NOT NULL,
  author_count INTEGER NOT NULL,
  comments TEXT,
  journal_ref TEXT,
  doi TEXT,
  report_no TEXT,
  license TEXT,
  submitter TEXT,
  -- Space-separated, primary first.
  categories TEXT NOT NULL,
  primary_category TEXT NOT NULL,
  submitted_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  -- Hash of the normalized record: re-importing identical data is detected without a field diff.
  content_hash TEXT NOT NULL,
  demo INTEGER NOT NULL DEFAULT 0,
  ingested_at TEXT NOT NULL
);
CREATE INDEX papers_submitted ON papers (submitted_at DESC, id DESC);

CREATE TABLE paper_versions (
  paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  size TEXT,
  PRIMARY KEY (paper_id, version)
) WITHOUT ROWID;

CREATE TABLE paper_authors (
  paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  keyname TEXT NOT NULL,
  forenames TEXT NOT NULL,
  suffix TEXT NOT NULL,
  affiliation TEXT,
  PRIMARY KEY (paper_id, position)
) WITHOUT ROWID;

CREATE TABLE paper_links (
  paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('code', 'project')),
  url TEXT NOT NULL,
  host TEXT NOT NULL,
  PRIMARY KEY (paper_id, position)
) WITHOUT ROWID;

-- Category pages list a category's papers newest first: an index-ordered range scan.
CREATE TABLE paper_categories (
  category TEXT NOT NULL,
  submitted_at TEXT NOT NULL,
  paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
  PRIMARY KEY (category, submitted_at, paper_id)
) WITHOUT ROWID;

-- A paper is featured on the day it entered the feed (submission, import, or operator rule).
CREATE TABLE featured (
  day TEXT NOT NULL,
  paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
  source TEXT NOT NULL CHECK (source IN ('submission', 'import', 'rule')),
  submitted_by TEXT,
  imported_upvotes INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  PRIMARY KEY (day, paper_id)
) WITHOUT ROWID;
CREATE INDEX featured_paper ON featured (paper_id);

-- Saved positions of long jobs (import offsets, harvest cursors), written in the same
-- transaction as the data they describe.
CREATE TABLE cursors (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

-- External-content FTS5: the text is stored once (in papers); the index is kept in step by the
-- repository in the same transaction. Title is weighted over abstract through the rank setting.
-- Categories are indexed as squashed tokens ("cs.CV" -> "cscv") so `cat:` filters are FTS terms.
CREATE VIRTUAL TABLE papers_fts USING fts5 (
  title, abstract, authors, categories,
  content = '', contentless_delete = 1,
  tokenize = 'porter unicode61 remove_diacritics 2'
);
INSERT INTO papers_fts (papers_fts, rank) VALUES ('rank', 'bm25(10.0, 1.0, 3.0, 0.0)');
