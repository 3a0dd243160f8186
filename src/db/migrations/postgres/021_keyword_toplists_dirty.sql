-- Keyword top lists survive edits (issue 18 item 7), as sqlite/021_keyword_toplists_dirty.sql.
-- PostgreSQL already records each edited or deleted paper in keyword_text_changes (019); the
-- lists now stay in use while that log is small (src/search/toplists.pg.ts: its papers are
-- dropped from the lists and ranked live), so queries look up its size and its papers.
CREATE INDEX keyword_text_changes_paper ON keyword_text_changes (paper_id);
