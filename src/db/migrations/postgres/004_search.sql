-- Semantic search (src/search/): the same tables as sqlite/004_search.sql. The trained embedder
-- lives here so every instance that shares the database can embed queries; paper vectors are
-- compact int8 blobs that each instance loads into its in-process vector index (pgvector is not
-- packaged for this Debian, see docs/ARCHITECTURE.md) and follows by `seq`.
CREATE TABLE search_models (
  version TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('builtin', 'transformers')),
  dimensions INTEGER NOT NULL,
  model BYTEA,
  created_at TEXT COLLATE "C" NOT NULL,
  active BOOLEAN NOT NULL DEFAULT FALSE
);

CREATE SEQUENCE paper_vectors_seq;
CREATE TABLE paper_vectors (
  model TEXT NOT NULL,
  paper_id BIGINT NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
  -- Write order. One writer at a time (reindex holds the `search-vectors` lease), so seq order
  -- is commit order and an instance following `seq > last` misses nothing.
  seq BIGINT NOT NULL DEFAULT nextval('paper_vectors_seq'),
  content_hash TEXT NOT NULL,
  vector BYTEA NOT NULL,
  PRIMARY KEY (model, paper_id)
);
CREATE INDEX paper_vectors_seq_idx ON paper_vectors (model, seq);
