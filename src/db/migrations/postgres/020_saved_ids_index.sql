-- A reader's saved papers, newest first (For you's positives, every uncached /for-you page,
-- src/library/library.sql.ts savedPaperIds), from the index alone: with added_at in it, grouping
-- by paper and ordering by the newest save no longer looks each row up in the table.
CREATE INDEX collection_papers_user_added ON collection_papers (user_id, paper_id, added_at);
DROP INDEX collection_papers_user;
