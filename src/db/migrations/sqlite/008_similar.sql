-- "Similar papers" lists, computed once per paper and stored (src/search/similar.ts), so a paper
-- page reads one row instead of running a nearest-neighbour or keyword search per request (a
-- keyword fallback took 50–360 ms a call at 1M papers). A row is used only while `model` names
-- the current way of computing (the active embedder's version, or 'keyword' before vectors
-- exist) and `paper_hash` equals the paper's content_hash; older rows are recomputed in the
-- background, never while a page waits.
CREATE TABLE paper_similar (
  paper_id INTEGER PRIMARY KEY REFERENCES papers (id) ON DELETE CASCADE,
  model TEXT NOT NULL,
  paper_hash TEXT NOT NULL,
  computed_at TEXT NOT NULL,
  -- JSON array of papers.id, nearest first.
  ids TEXT NOT NULL
);
