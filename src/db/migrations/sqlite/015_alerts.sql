-- Alerts (issue 15 items 1, 3, 4): what a reader wants to be told about, the events that fired,
-- and the queue of changes the events are computed from (src/alerts/).

-- One row per thing a reader watches. `kind`:
--   search | author | category: a new paper matches the query / is by the author / is in the
--     category (`target`: the query text, the author's name, the arXiv code);
--   version | code: a new arXiv version of / code released for any paper the reader saved
--     (`target` is 'library'; the saved papers are read from collection_papers at event time);
--   trending: the saved paper `paper_id` reaches `threshold` votes (local plus imported).
-- `delivery` is a comma-separated subset of digest,mail,feed,webhook (src/alerts/types.ts).
CREATE TABLE alerts (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('search', 'author', 'category', 'version', 'code', 'trending')),
  target TEXT NOT NULL,
  paper_id INTEGER REFERENCES papers (id) ON DELETE CASCADE,
  threshold INTEGER,
  delivery TEXT NOT NULL,
  paused INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
  created_at TEXT NOT NULL,
  last_fired_at TEXT,
  last_reason TEXT,
  UNIQUE (user_id, kind, target)
);
-- The event computation reads the follow kinds as a whole and the paper kinds by paper.
CREATE INDEX alerts_kind ON alerts (kind) WHERE paused = 0;
CREATE INDEX alerts_paper ON alerts (paper_id) WHERE paper_id IS NOT NULL;

-- One row per event. The unique key makes re-running the same harvest a no-op: `key` is the
-- version for paper.version, the threshold for paper.trending, 0 otherwise.
-- `mailed_at` / `digested_at`: when the batched mail / a digest carried it (NULL: not yet).
CREATE TABLE alert_events (
  id INTEGER PRIMARY KEY,
  alert_id INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
  type TEXT NOT NULL,
  key INTEGER NOT NULL,
  reason TEXT NOT NULL,
  created_at TEXT NOT NULL,
  mailed_at TEXT,
  digested_at TEXT,
  UNIQUE (alert_id, paper_id, type, key)
);
CREATE INDEX alert_events_user ON alert_events (user_id, id);
CREATE INDEX alert_events_unmailed ON alert_events (user_id) WHERE mailed_at IS NULL;
-- Deleting a paper (demo removal) finds its events here instead of scanning them all.
CREATE INDEX alert_events_paper ON alert_events (paper_id);

-- The hourly alert mail: when each reader's last one was claimed. A conditional upsert claims the
-- next (src/alerts/mail.ts), so two processes never both mail a reader within the hour.
CREATE TABLE alert_mailings (
  user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  last_sent_at TEXT NOT NULL
);

-- What changed since the events were last computed, written by the triggers below in the same
-- transaction as the change, whoever makes it (harvest, import, submission, vote), and deleted
-- by id once its events are stored. A queue, not a cursor: ids committed out of order (two
-- writers on PostgreSQL) are never skipped. kind: new (a paper's category rows appeared), version
-- (a version row appeared), code (a code link it did not have), votes (its counters moved).
CREATE TABLE alert_changes (
  id INTEGER PRIMARY KEY,
  paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('new', 'version', 'code', 'votes')),
  version INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX alert_changes_paper ON alert_changes (paper_id);

-- A stored paper's child rows (versions, links, categories) are rewritten — deleted, then
-- inserted — on every update (src/papers/papers.*.repo.ts): a row deleted is parked here, and
-- inserting it again takes it back out instead of counting as news. `what`: 'v<version>',
-- 'c<category>' or the code URL. No foreign key: the rows of a deleted paper (demo removal) are
-- deleted after it, and theirs here are harmless.
--
-- The triggers sit on those child tables, not on `papers`: a trigger on `papers` gives each row's
-- INSERT a statement savepoint, at which FTS5 flushes its pending terms, so a bulk import would
-- write one full-text segment per paper instead of one per transaction (test/import/fts-merge).
-- The children are written after every full-text row of the batch.
CREATE TABLE alert_rows_gone (
  paper_id INTEGER NOT NULL,
  what TEXT NOT NULL,
  PRIMARY KEY (paper_id, what)
) WITHOUT ROWID;

-- A new paper: its category rows appear (a cross-list to a new category of a recent paper is
-- news for that category too).
CREATE TRIGGER alert_category_deleted AFTER DELETE ON paper_categories BEGIN
  INSERT OR IGNORE INTO alert_rows_gone (paper_id, what) VALUES (OLD.paper_id, 'c' || OLD.category);
END;
CREATE TRIGGER alert_category_added AFTER INSERT ON paper_categories BEGIN
  INSERT INTO alert_changes (paper_id, kind)
    SELECT NEW.paper_id, 'new'
    WHERE NOT EXISTS (SELECT 1 FROM alert_rows_gone WHERE paper_id = NEW.paper_id AND what = 'c' || NEW.category);
  DELETE FROM alert_rows_gone WHERE paper_id = NEW.paper_id AND what = 'c' || NEW.category;
END;
-- A new version: its row appears (a new paper's versions too; compute.ts tells them apart).
CREATE TRIGGER alert_version_deleted AFTER DELETE ON paper_versions BEGIN
  INSERT OR IGNORE INTO alert_rows_gone (paper_id, what) VALUES (OLD.paper_id, 'v' || OLD.version);
END;
CREATE TRIGGER alert_version_added AFTER INSERT ON paper_versions BEGIN
  INSERT INTO alert_changes (paper_id, kind, version)
    SELECT NEW.paper_id, 'version', NEW.version
    WHERE NOT EXISTS (SELECT 1 FROM alert_rows_gone WHERE paper_id = NEW.paper_id AND what = 'v' || NEW.version);
  DELETE FROM alert_rows_gone WHERE paper_id = NEW.paper_id AND what = 'v' || NEW.version;
END;
-- Code released: a code link the paper did not have.
CREATE TRIGGER alert_code_deleted AFTER DELETE ON paper_links WHEN OLD.kind = 'code' BEGIN
  INSERT OR IGNORE INTO alert_rows_gone (paper_id, what) VALUES (OLD.paper_id, OLD.url);
END;
CREATE TRIGGER alert_code_added AFTER INSERT ON paper_links WHEN NEW.kind = 'code' BEGIN
  INSERT INTO alert_changes (paper_id, kind)
    SELECT NEW.paper_id, 'code'
    WHERE NOT EXISTS (SELECT 1 FROM alert_rows_gone WHERE paper_id = NEW.paper_id AND what = NEW.url);
  DELETE FROM alert_rows_gone WHERE paper_id = NEW.paper_id AND what = NEW.url;
END;
CREATE TRIGGER alert_votes_insert AFTER INSERT ON paper_stats BEGIN
  INSERT INTO alert_changes (paper_id, kind) VALUES (NEW.paper_id, 'votes');
END;
CREATE TRIGGER alert_votes_update AFTER UPDATE OF votes, imported_votes ON paper_stats
  WHEN NEW.votes + NEW.imported_votes > OLD.votes + OLD.imported_votes BEGIN
  INSERT INTO alert_changes (paper_id, kind) VALUES (NEW.paper_id, 'votes');
END;
