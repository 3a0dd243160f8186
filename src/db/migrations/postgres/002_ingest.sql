-- Ingestion (issue 3), as sqlite/002_ingest.sql: the record of every harvest, database leases
-- for jobs and sources, and upstream deletions.

-- One row per run of a source (`paperboy ingest …` or the scheduler). Counts are refreshed after
-- every committed page; the exact running counts of an unfinished harvest live in its cursor.
CREATE TABLE ingest_runs (
  id BIGSERIAL PRIMARY KEY,
  source TEXT NOT NULL,
  -- JSON text, as in SQLite, so both dialects hand back the same string.
  params TEXT NOT NULL DEFAULT '{}',
  status TEXT NOT NULL CHECK (status IN ('running', 'ok', 'partial', 'failed', 'interrupted')),
  started_at TEXT COLLATE "C" NOT NULL,
  finished_at TEXT COLLATE "C",
  holder TEXT NOT NULL,
  resumed BOOLEAN NOT NULL DEFAULT FALSE,
  requests INTEGER NOT NULL DEFAULT 0,
  seen INTEGER NOT NULL DEFAULT 0,
  inserted INTEGER NOT NULL DEFAULT 0,
  updated INTEGER NOT NULL DEFAULT 0,
  unchanged INTEGER NOT NULL DEFAULT 0,
  rejected INTEGER NOT NULL DEFAULT 0,
  withdrawn INTEGER NOT NULL DEFAULT 0,
  featured INTEGER NOT NULL DEFAULT 0,
  error_count INTEGER NOT NULL DEFAULT 0,
  -- The first issues only (JSON array of {where, reason}); error_count has the total.
  errors TEXT NOT NULL DEFAULT '[]',
  message TEXT
);
CREATE INDEX ingest_runs_source_status ON ingest_runs (source, status);

-- Named leases: `job:<name>` for scheduled jobs, `ingest:<source>` for harvests. A holder owns
-- the row until lease_until (epoch ms) and renews it while working; last_slot records the last
-- schedule slot finished, so a daily job runs once per day however many instances share the DB.
CREATE TABLE job_leases (
  name TEXT PRIMARY KEY,
  holder TEXT,
  lease_until BIGINT NOT NULL DEFAULT 0,
  last_slot TEXT COLLATE "C",
  updated_at TEXT NOT NULL
);

-- OAI-PMH deleted records mark a paper withdrawn (the day of the deletion); the row stays because
-- votes, comments and featurings point at it.
ALTER TABLE papers ADD COLUMN withdrawn_at TEXT COLLATE "C";
