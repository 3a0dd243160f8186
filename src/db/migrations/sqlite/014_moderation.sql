-- Moderation (issue 16 item 16). A reader reports a paper or one of its comments with a reason;
-- the report stays open until a moderator resolves or dismisses it (src/users/moderation.ts).
-- Reports go with the reporter's account, the paper or the comment.
CREATE TABLE reports (
  id INTEGER PRIMARY KEY,
  reporter_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
  comment_id INTEGER REFERENCES comments (id) ON DELETE CASCADE,
  reason TEXT NOT NULL,
  created_at TEXT NOT NULL,
  closed_at TEXT,
  closed_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
  outcome TEXT CHECK (outcome IN ('resolved', 'dismissed'))
);
CREATE INDEX reports_open ON reports (created_at, id) WHERE closed_at IS NULL;

-- The audit log: every report, resolution, dismissal, ban and unban, with who and why. Names are
-- copied so an entry still reads after the account or paper is gone.
CREATE TABLE moderation_log (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
  actor_name TEXT NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('report', 'resolve', 'dismiss', 'ban', 'unban')),
  target TEXT NOT NULL,
  reason TEXT NOT NULL
);
CREATE INDEX moderation_log_at ON moderation_log (at, id);
