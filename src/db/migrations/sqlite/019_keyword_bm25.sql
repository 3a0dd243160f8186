-- PostgreSQL-only changes (keyword bm25 configuration, top lists, id claims): SQLite already
-- ranks with FTS5 and writes under one lock. This migration keeps the version numbers aligned.
SELECT 1;
