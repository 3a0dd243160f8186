-- Moderation (issue 16 item 16): the same tables and rules as sqlite/014_moderation.sql (read the
-- comments there).
CREATE TABLE reports (
  id BIGSERIAL PRIMARY KEY,
  reporter_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  paper_id BIGINT NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
  comment_id BIGINT REFERENCES comments (id) ON DELETE CASCADE,
  reason TEXT NOT NULL,
  created_at TEXT COLLATE "C" NOT NULL,
  closed_at TEXT COLLATE "C",
  closed_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
  outcome TEXT CHECK (outcome IN ('resolved', 'dismissed'))
);
CREATE INDEX reports_open ON reports (created_at, id) WHERE closed_at IS NULL;

CREATE TABLE moderation_log (
  id BIGSERIAL PRIMARY KEY,
  at TEXT COLLATE "C" NOT NULL,
  actor_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
  actor_name TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('report', 'resolve', 'dismiss', 'ban', 'unban')),
  target TEXT NOT NULL,
  reason TEXT NOT NULL
);
CREATE INDEX moderation_log_at ON moderation_log (at, id);
