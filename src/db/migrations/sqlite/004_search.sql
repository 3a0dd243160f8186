-- Semantic search (src/search/). The trained embedder lives here so every instance that shares
-- the database can embed queries; paper vectors are compact int8 blobs that each instance loads
-- into its in-process vector index (and follows by `seq` as new vectors are written).
CREATE TABLE search_models (
  -- The embedder id: `builtin-<content hash>` or `transformers-<model name>`.
  version TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('builtin', 'transformers')),
  dimensions INTEGER NOT NULL,
  -- The serialized built-in model; NULL for transformers (loaded from its folder or hub name).
  model BLOB,
  created_at TEXT NOT NULL,
  -- Exactly one active model at a time (the one queries are embedded with).
  active INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE paper_vectors (
  model TEXT NOT NULL,
  paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
  -- Write order, so an instance loads only what changed since its last look.
  seq INTEGER NOT NULL,
  -- papers.content_hash at embedding time: a changed paper is embedded again.
  content_hash TEXT NOT NULL,
  -- `dimensions` int8 components scaled so the largest is ±127 (cosine ignores the scale).
  vector BLOB NOT NULL,
  PRIMARY KEY (model, paper_id)
) WITHOUT ROWID;
CREATE INDEX paper_vectors_seq ON paper_vectors (model, seq);
