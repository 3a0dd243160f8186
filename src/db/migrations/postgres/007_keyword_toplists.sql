-- Keyword top lists are a SQLite/FTS5 structure (src/db/toplists.ts): PostgreSQL ranks a
-- bounded candidate set in SQL instead (search.pg.repo.ts). This migration keeps the version
-- numbers of both dialects aligned.
SELECT 1;
