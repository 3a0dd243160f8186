-- FTS5 buffers a transaction's new terms in an in-memory hash and writes them out as a new index
-- segment whenever the hash passes `hashsize` (default 1 MB). An import transaction of 10,000-
-- 20,000 papers holds 12-25 MB of terms, so the default cut it into a dozen or more small segments
-- to be merged again. 64 MB makes one segment per transaction: a bare FTS5 bulk insert of 200k
-- generated papers (20,000 per transaction) went from ~8,900 to ~10,300-11,400 rows/s. The hash is freed at commit,
-- so the memory is only held while a transaction writes. The setting is stored in papers_fts_config.
INSERT INTO papers_fts (papers_fts, rank) VALUES ('hashsize', 67108864);
