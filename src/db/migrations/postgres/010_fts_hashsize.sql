-- FTS5's pending-terms hash size is a SQLite setting (sqlite/010_fts_hashsize.sql); PostgreSQL's
-- GIN index has its own pending list. This migration keeps the version numbers aligned.
SELECT 1;
