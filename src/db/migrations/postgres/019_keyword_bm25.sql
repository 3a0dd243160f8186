-- Keyword search ranked as on SQLite (issue 18 item 1): FTS5's bm25 over the whole match set,
-- with the same tokens and the same per-phrase top lists (src/search/toplists.pg.ts).
--
-- Same stemming and stop-word policy as FTS5's `porter unicode61` (sqlite/001_papers.sql): the
-- `paperboy` configuration stems with Snowball's original Porter stemmer and keeps every word
-- (`english` dropped "each", "which", "we", "both", so they matched nothing). Hyphenated words
-- index their parts only ("zero-shot" -> zero, shot), as unicode61 splits them.
CREATE TEXT SEARCH DICTIONARY paperboy_porter (TEMPLATE = snowball, Language = porter);
CREATE TEXT SEARCH CONFIGURATION paperboy (COPY = english);
ALTER TEXT SEARCH CONFIGURATION paperboy
  ALTER MAPPING FOR asciiword, word, hword_part, hword_asciipart WITH paperboy_porter;
ALTER TEXT SEARCH CONFIGURATION paperboy DROP MAPPING FOR asciihword, hword, numhword;

-- The search document again, through `paperboy` (labels as in 001: A title, B authors,
-- C abstract, D categories). The recency tokens of 001 are gone: keyword search no longer takes
-- its newest candidates (search.pg.repo.ts).
DROP INDEX papers_search;
ALTER TABLE papers DROP COLUMN search;
ALTER TABLE papers ADD COLUMN search TSVECTOR GENERATED ALWAYS AS (
  setweight(to_tsvector('paperboy'::regconfig, translate(title, '<>', '  ')), 'A')
  || setweight(to_tsvector('paperboy'::regconfig, translate(authors_text, '<>', '  ')), 'B')
  || setweight(to_tsvector('paperboy'::regconfig, translate(abstract, '<>', '  ')), 'C')
  || setweight(to_tsvector('simple'::regconfig, regexp_replace(lower(categories), '[^a-z0-9 ]', '', 'g')), 'D')
) STORED;
-- bm25's document length: the row's tokens in all four FTS5 columns, as unicode61 counts them
-- (runs of letters and digits; stop words count). Written by the repository, which counts in
-- JavaScript (src/papers/papers.pg.repo.ts docLength): as a generated column, PostgreSQL's regex
-- engine cost ~0.13 ms a paper, a fifth of an import. Existing rows are counted here once.
ALTER TABLE papers ADD COLUMN doc_len INTEGER NOT NULL DEFAULT 0;
UPDATE papers SET doc_len = regexp_count(title || ' ' || abstract || ' ' || authors_text,
    '[^[:space:][:punct:]\u00a0\u00ab\u00b7\u00bb\u2010-\u2027\u2030-\u205e]+')
  + regexp_count(categories, '[^ ]+');
CREATE INDEX papers_search ON papers USING GIN (search);

-- Per-phrase top lists, as sqlite/007_keyword_toplists.sql: the best rows of one phrase by bm25
-- (ids and scores as packed int4/float8 arrays), its match count `df`, and the rows it covers
-- (`upto`). Built by maintainKeywordIndex (src/app/postgres.store.ts) and remembered by queries.
CREATE TABLE keyword_toplists (
  phrase TEXT PRIMARY KEY,
  upto BIGINT NOT NULL,
  df INTEGER NOT NULL,
  complete BOOLEAN NOT NULL,
  ids BYTEA NOT NULL,
  scores BYTEA NOT NULL,
  built_at TEXT NOT NULL
);
-- One row: whether the lists may be used, and the statistics their scores were computed with.
CREATE TABLE keyword_toplists_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  valid BOOLEAN NOT NULL,
  docs BIGINT NOT NULL,
  total_len BIGINT NOT NULL
);
INSERT INTO keyword_toplists_state (id, valid, docs, total_len) VALUES (1, FALSE, 0, 0);

-- Edits and deletions of indexed text make listed scores stale. Each one leaves a row here,
-- inserted by the writing transaction (inserts never wait on each other, unlike a counter row
-- every writer would lock until commit); lists are used only while this table is empty. A
-- rebuild reads the papers and deletes the rows in one snapshot, so a change committed after it
-- stays here and keeps the lists unused until the next rebuild.
CREATE TABLE keyword_text_changes (
  id BIGSERIAL PRIMARY KEY,
  paper_id BIGINT NOT NULL
);
CREATE FUNCTION keyword_text_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO keyword_text_changes (paper_id) VALUES (old.id);
  RETURN NULL;
END $$;
CREATE TRIGGER papers_text_changed AFTER UPDATE OF title, abstract, authors_text, categories ON papers
  FOR EACH ROW WHEN (old.title IS DISTINCT FROM new.title OR old.abstract IS DISTINCT FROM new.abstract
    OR old.authors_text IS DISTINCT FROM new.authors_text OR old.categories IS DISTINCT FROM new.categories)
  EXECUTE FUNCTION keyword_text_changed();
CREATE TRIGGER papers_deleted AFTER DELETE ON papers
  FOR EACH ROW EXECUTE FUNCTION keyword_text_changed();

-- Writers' id claims (src/papers/papers.pg.repo.ts): without one global write lock, paper ids
-- no longer become visible in id order. A writer records the sequence position before its
-- transaction (`low`: its ids are all above it) and deletes the claim in that transaction, so
-- every id at or below the lowest open claim is settled; readers that walk ids upwards
-- (SearchRepository.maxPaperId) stop there. A claim older than its expiry is a dead writer's.
CREATE TABLE paper_id_claims (
  id BIGSERIAL PRIMARY KEY,
  low BIGINT NOT NULL,
  claimed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
