-- Papers and everything the foundation stores about them: the same tables, columns and
-- constraints as sqlite/001_papers.sql. Dates stay ISO 8601 text (not timestamptz) so values
-- round-trip byte-identical on both dialects; COLLATE "C" makes them sort bytewise as in SQLite
-- whatever the database's locale.
CREATE TABLE papers (
  id BIGSERIAL PRIMARY KEY,
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
  submitted_at TEXT COLLATE "C" NOT NULL,
  updated_at TEXT COLLATE "C" NOT NULL,
  -- Hash of the normalized record: re-importing identical data is detected without a field diff.
  content_hash TEXT NOT NULL,
  demo BOOLEAN NOT NULL DEFAULT FALSE,
  ingested_at TEXT COLLATE "C" NOT NULL,
  -- Keyword search document. Generated, so it can never drift from the row. Each field gets its
  -- own weight label, which both ranks (ts_rank_cd weights, see src/search/search.pg.repo.ts) and serves
  -- field filters (`'x':A` = title only; see db/tsquery.ts):
  --   A title, B authors, C abstract (english: stemmed, stop words dropped),
  --   D categories as squashed tokens ("cs.CV" -> "cscv", as prepared.ts categoryToken) through the
  --   `simple` config, so the stemmer never rewrites a category name; plus two recency tokens,
  --   `ym202411` (month) and `yr2024` (year) of submitted_at. Those let keyword search take its
  --   newest candidates inside the GIN index (term AND recent month) instead of reading every
  --   match from the heap; see keyword() in src/search/search.pg.repo.ts.
  -- '<' and '>' become spaces first: the default parser reads `<script>` or `<i>` as an HTML tag
  -- and drops it, where FTS5 (and a reader) sees the word; tsquery.ts does the same to queries.
  search TSVECTOR GENERATED ALWAYS AS (
    setweight(to_tsvector('english'::regconfig, translate(title, '<>', '  ')), 'A')
    || setweight(to_tsvector('english'::regconfig, translate(authors_text, '<>', '  ')), 'B')
    || setweight(to_tsvector('english'::regconfig, translate(abstract, '<>', '  ')), 'C')
    || setweight(to_tsvector('simple'::regconfig, regexp_replace(lower(categories), '[^a-z0-9 ]', '', 'g')
      || ' ym' || substr(submitted_at, 1, 4) || substr(submitted_at, 6, 2) || ' yr' || substr(submitted_at, 1, 4)), 'D')
  ) STORED
);
CREATE INDEX papers_submitted ON papers (submitted_at DESC, id DESC);
-- GIN finds matches (and the newest ones, via the recency tokens); ranking is bounded in the query.
CREATE INDEX papers_search ON papers USING GIN (search);

CREATE TABLE paper_versions (
  paper_id BIGINT NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  size TEXT,
  PRIMARY KEY (paper_id, version)
);

CREATE TABLE paper_authors (
  paper_id BIGINT NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  name TEXT NOT NULL,
  keyname TEXT NOT NULL,
  forenames TEXT NOT NULL,
  suffix TEXT NOT NULL,
  affiliation TEXT,
  PRIMARY KEY (paper_id, position)
);

CREATE TABLE paper_links (
  paper_id BIGINT NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('code', 'project')),
  url TEXT NOT NULL,
  host TEXT NOT NULL,
  PRIMARY KEY (paper_id, position)
);

-- Category pages list a category's papers newest first: an index-ordered range scan.
CREATE TABLE paper_categories (
  category TEXT NOT NULL,
  submitted_at TEXT COLLATE "C" NOT NULL,
  paper_id BIGINT NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
  PRIMARY KEY (category, submitted_at, paper_id)
);
-- Replacing a paper's categories deletes by paper_id; without this that is a full scan.
CREATE INDEX paper_categories_paper ON paper_categories (paper_id);

-- A paper is featured on the day it entered the feed (submission, import, or operator rule).
CREATE TABLE featured (
  day TEXT COLLATE "C" NOT NULL,
  paper_id BIGINT NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
  source TEXT NOT NULL CHECK (source IN ('submission', 'import', 'rule')),
  submitted_by TEXT,
  imported_upvotes INTEGER NOT NULL DEFAULT 0,
  created_at TEXT COLLATE "C" NOT NULL,
  PRIMARY KEY (day, paper_id)
);
CREATE INDEX featured_paper ON featured (paper_id);

-- Saved positions of long jobs (import offsets, harvest cursors), written in the same
-- transaction as the data they describe.
CREATE TABLE cursors (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
