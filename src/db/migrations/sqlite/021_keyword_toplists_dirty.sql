-- Keyword top lists survive edits (issue 18 item 7; src/db/toplists.ts, toplists-dirty.ts).
-- Migration 007 counted every edit or deletion of indexed text and switched every list off
-- until a complete rebuild (607 s at 2.7M papers after a harvest with 400 replaced papers).
-- Now each edited or deleted paper is recorded here instead; queries drop these rows from the
-- lists and score them from their current text, and only past a bound (toplists.ts
-- maxDirtyRows) does maintainKeywordIndex rebuild.
--
-- `seq` is the state's change count after the edit: a rebuild that started at count c ranked
-- every row edited at or before c with its new text, so it forgets the rows with seq <= c.
CREATE TABLE keyword_toplists_dirty (
  paper_id INTEGER PRIMARY KEY,
  seq INTEGER NOT NULL
);

-- The current text of edited papers (and of new ones, below), tokenized as papers_fts (sqlite/001_papers.sql), so FTS5
-- itself says which of them match a phrase and how often (toplists-dirty.ts recovers each
-- phrase's weighted frequency from this table's bm25 and scores it with papers_fts's
-- statistics). Categories are squashed as src/papers/prepared.ts categoryToken does for arXiv's
-- category names (letters, digits, '.', '-'); the column has bm25 weight 0 and lists never hold
-- category phrases, so it only decides whether an unfielded word such as "cscv" matches.
CREATE VIRTUAL TABLE keyword_dirty_fts USING fts5 (
  title, abstract, authors, categories,
  tokenize = 'porter unicode61 remove_diacritics 2'
);

-- Papers added since the last rebuild (ids above `built_upto`, its highest id) are indexed there
-- too: ranking them in papers_fts (`MATCH ? AND rowid > ?`) walked the phrase's whole doclist and
-- counted it for bm25 on every query, 140 ms for "model" and 300 ms for "we" at 2.7M papers.
-- Up to 4% above `built_upto` (the lists step aside past 2% growth); an import into an empty
-- library (no lists yet) adds nothing here.
ALTER TABLE keyword_toplists_state ADD COLUMN built_upto INTEGER;
CREATE TRIGGER papers_text_added AFTER INSERT ON papers
WHEN new.id > (SELECT built_upto FROM keyword_toplists_state WHERE id = 1)
  AND new.id <= (SELECT built_upto + built_upto / 25 + 1 FROM keyword_toplists_state WHERE id = 1)
BEGIN
  INSERT INTO keyword_dirty_fts (rowid, title, abstract, authors, categories)
    VALUES (new.id, new.title, new.abstract, new.authors_text,
      lower(replace(replace(new.categories, '.', ''), '-', '')));
END;

DROP TRIGGER papers_text_changed;
DROP TRIGGER papers_deleted;

CREATE TRIGGER papers_text_changed AFTER UPDATE OF title, abstract, authors_text, categories ON papers
WHEN old.title IS NOT new.title OR old.abstract IS NOT new.abstract
  OR old.authors_text IS NOT new.authors_text OR old.categories IS NOT new.categories
BEGIN
  UPDATE keyword_toplists_state SET changes = changes + 1 WHERE id = 1;
  INSERT INTO keyword_toplists_dirty (paper_id, seq)
    VALUES (new.id, (SELECT changes FROM keyword_toplists_state WHERE id = 1))
    ON CONFLICT (paper_id) DO UPDATE SET seq = excluded.seq;
  DELETE FROM keyword_dirty_fts WHERE rowid = new.id;
  INSERT INTO keyword_dirty_fts (rowid, title, abstract, authors, categories)
    VALUES (new.id, new.title, new.abstract, new.authors_text,
      lower(replace(replace(new.categories, '.', ''), '-', '')));
END;

CREATE TRIGGER papers_deleted AFTER DELETE ON papers
BEGIN
  UPDATE keyword_toplists_state SET changes = changes + 1 WHERE id = 1;
  INSERT INTO keyword_toplists_dirty (paper_id, seq)
    VALUES (old.id, (SELECT changes FROM keyword_toplists_state WHERE id = 1))
    ON CONFLICT (paper_id) DO UPDATE SET seq = excluded.seq;
  DELETE FROM keyword_dirty_fts WHERE rowid = old.id;
END;

-- Lists are now used while `built_changes` >= `valid_changes` (the count at which the last
-- rebuild started). Edits made before this migration are not in the table above: lists they
-- made stale (valid_changes behind changes) stay unused until the next rebuild, which
-- maintainKeywordIndex then finds due.
UPDATE keyword_toplists_state SET valid_changes = NULL WHERE valid_changes IS NOT changes;

-- Lists in use: the rebuild's highest id is their lowest `upto` (remembered lists come later);
-- papers added since then go into the side table now, as the trigger will put the next ones.
UPDATE keyword_toplists_state SET built_upto = (SELECT min(upto) FROM keyword_toplists)
  WHERE id = 1 AND valid_changes IS NOT NULL;
INSERT INTO keyword_dirty_fts (rowid, title, abstract, authors, categories)
  SELECT p.id, p.title, p.abstract, p.authors_text, lower(replace(replace(p.categories, '.', ''), '-', ''))
  FROM papers p, keyword_toplists_state s
  WHERE s.id = 1 AND p.id > s.built_upto AND p.id <= s.built_upto + s.built_upto / 25 + 1;
