-- Keyword top lists (src/db/toplists.ts): for phrases that match many papers, the best K
-- papers by bm25 are stored so a query need not score every match (a common word matches 10-30%
-- of the library; FTS5 scores each match, ~1 us apiece, 100-300 ms at 1M papers).
-- A list is the exact FTS5 ranking of one phrase (its MATCH text is the key) over rows up to
-- `upto`; rows added later are ranked at query time. Scores add up across AND-ed phrases
-- (bm25 is a per-phrase sum), which lets multi-word queries combine lists with a proven bound.
CREATE TABLE keyword_toplists (
  phrase TEXT PRIMARY KEY,
  upto INTEGER NOT NULL,
  complete INTEGER NOT NULL,
  ids BLOB NOT NULL,
  scores BLOB NOT NULL,
  built_at TEXT NOT NULL,
  built_changes INTEGER NOT NULL
);

-- One row. `changes` counts edits and deletions of indexed paper text; a list built when it had
-- another value may hold stale scores, so lists are used only while `changes` equals the value
-- recorded by the last complete rebuild (`valid_changes`). New papers never invalidate: they get
-- higher rowids and are ranked live.
CREATE TABLE keyword_toplists_state (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  changes INTEGER NOT NULL,
  valid_changes INTEGER
);
INSERT INTO keyword_toplists_state (id, changes, valid_changes) VALUES (1, 0, NULL);

CREATE TRIGGER papers_text_changed AFTER UPDATE OF title, abstract, authors_text, categories ON papers
WHEN old.title IS NOT new.title OR old.abstract IS NOT new.abstract
  OR old.authors_text IS NOT new.authors_text OR old.categories IS NOT new.categories
BEGIN
  UPDATE keyword_toplists_state SET changes = changes + 1 WHERE id = 1;
END;

CREATE TRIGGER papers_deleted AFTER DELETE ON papers
BEGIN
  UPDATE keyword_toplists_state SET changes = changes + 1 WHERE id = 1;
END;
