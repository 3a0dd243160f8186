-- Alerts (issue 15 items 1, 3, 4): the same tables, keys and triggers as sqlite/015_alerts.sql,
-- where each is explained.
CREATE TABLE alerts (
  id BIGSERIAL PRIMARY KEY,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('search', 'author', 'category', 'version', 'code', 'trending')),
  target TEXT NOT NULL,
  paper_id BIGINT REFERENCES papers (id) ON DELETE CASCADE,
  threshold INTEGER,
  delivery TEXT NOT NULL,
  paused INTEGER NOT NULL DEFAULT 0 CHECK (paused IN (0, 1)),
  created_at TEXT COLLATE "C" NOT NULL,
  last_fired_at TEXT COLLATE "C",
  last_reason TEXT,
  UNIQUE (user_id, kind, target)
);
CREATE INDEX alerts_kind ON alerts (kind) WHERE paused = 0;
CREATE INDEX alerts_paper ON alerts (paper_id) WHERE paper_id IS NOT NULL;

CREATE TABLE alert_events (
  id BIGSERIAL PRIMARY KEY,
  alert_id BIGINT NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
  user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  paper_id BIGINT NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
  type TEXT NOT NULL,
  key INTEGER NOT NULL,
  reason TEXT NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  mailed_at TEXT COLLATE "C",
  digested_at TEXT COLLATE "C",
  UNIQUE (alert_id, paper_id, type, key)
);
CREATE INDEX alert_events_user ON alert_events (user_id, id);
CREATE INDEX alert_events_unmailed ON alert_events (user_id) WHERE mailed_at IS NULL;
CREATE INDEX alert_events_paper ON alert_events (paper_id);

-- The hourly alert mail: when each reader's last one was claimed. A conditional upsert claims the
-- next (src/alerts/mail.ts), so two processes never both mail a reader within the hour.
CREATE TABLE alert_mailings (
  user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  last_sent_at TEXT COLLATE "C" NOT NULL
);

CREATE TABLE alert_changes (
  id BIGSERIAL PRIMARY KEY,
  paper_id BIGINT NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
  kind TEXT NOT NULL CHECK (kind IN ('new', 'version', 'code', 'votes')),
  version INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX alert_changes_paper ON alert_changes (paper_id);

CREATE TABLE alert_rows_gone (
  paper_id BIGINT NOT NULL,
  what TEXT NOT NULL,
  PRIMARY KEY (paper_id, what)
);

-- One function per child table (plpgsql cannot name a column another table lacks): a row parked by
-- its delete is taken back by its insert, else the insert is news.
CREATE FUNCTION alert_row_news(paper BIGINT, row_what TEXT, kind TEXT, version INTEGER) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM alert_rows_gone WHERE paper_id = paper AND what = row_what;
  IF NOT FOUND THEN
    INSERT INTO alert_changes (paper_id, kind, version) VALUES (paper, kind, version);
  END IF;
END $$;
CREATE FUNCTION alert_category_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    INSERT INTO alert_rows_gone VALUES (OLD.paper_id, 'c' || OLD.category) ON CONFLICT DO NOTHING;
  ELSE
    PERFORM alert_row_news(NEW.paper_id, 'c' || NEW.category, 'new', 0);
  END IF;
  RETURN NULL;
END $$;
CREATE FUNCTION alert_version_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    INSERT INTO alert_rows_gone VALUES (OLD.paper_id, 'v' || OLD.version) ON CONFLICT DO NOTHING;
  ELSE
    PERFORM alert_row_news(NEW.paper_id, 'v' || NEW.version, 'version', NEW.version);
  END IF;
  RETURN NULL;
END $$;
CREATE FUNCTION alert_code_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    INSERT INTO alert_rows_gone VALUES (OLD.paper_id, OLD.url) ON CONFLICT DO NOTHING;
  ELSE
    PERFORM alert_row_news(NEW.paper_id, NEW.url, 'code', 0);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER alert_category_deleted AFTER DELETE ON paper_categories
  FOR EACH ROW EXECUTE FUNCTION alert_category_change();
CREATE TRIGGER alert_category_added AFTER INSERT ON paper_categories
  FOR EACH ROW EXECUTE FUNCTION alert_category_change();
CREATE TRIGGER alert_version_deleted AFTER DELETE ON paper_versions
  FOR EACH ROW EXECUTE FUNCTION alert_version_change();
CREATE TRIGGER alert_version_added AFTER INSERT ON paper_versions
  FOR EACH ROW EXECUTE FUNCTION alert_version_change();
CREATE TRIGGER alert_code_deleted AFTER DELETE ON paper_links
  FOR EACH ROW WHEN (OLD.kind = 'code') EXECUTE FUNCTION alert_code_change();
CREATE TRIGGER alert_code_added AFTER INSERT ON paper_links
  FOR EACH ROW WHEN (NEW.kind = 'code') EXECUTE FUNCTION alert_code_change();

CREATE FUNCTION alert_votes_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO alert_changes (paper_id, kind) VALUES (NEW.paper_id, 'votes');
  RETURN NULL;
END $$;
CREATE TRIGGER alert_votes_insert AFTER INSERT ON paper_stats
  FOR EACH ROW EXECUTE FUNCTION alert_votes_change();
CREATE TRIGGER alert_votes_update AFTER UPDATE OF votes, imported_votes ON paper_stats
  FOR EACH ROW WHEN (NEW.votes + NEW.imported_votes > OLD.votes + OLD.imported_votes)
  EXECUTE FUNCTION alert_votes_change();
