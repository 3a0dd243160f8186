-- A reader's library (issue 14, item 1): named collections of papers, one of them the default
-- "Saved" (made on the first save, src/library/library.ts), each private or public.

CREATE TABLE collections (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  -- Shown as text everywhere (escaped); 1-100 characters, control characters dropped by the service.
  name TEXT NOT NULL,
  -- 1 for the account's default collection, which the one-click save fills.
  is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
  is_public INTEGER NOT NULL DEFAULT 0 CHECK (is_public IN (0, 1)),
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX collections_user ON collections (user_id, id);
-- At most one default per account: two first saves at once both insert-or-ignore, then read it.
CREATE UNIQUE INDEX collections_default ON collections (user_id) WHERE is_default;

-- `user_id` repeats the collection's owner so the two questions every page asks are one index
-- range each, no join: "which of these cards has this reader saved" and "every paper this reader
-- saved" (the For-you model's positives) read (user_id, paper_id).
CREATE TABLE collection_papers (
  collection_id INTEGER NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
  paper_id INTEGER NOT NULL REFERENCES papers (id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  added_at TEXT NOT NULL,
  PRIMARY KEY (collection_id, paper_id)
) WITHOUT ROWID;
CREATE INDEX collection_papers_user ON collection_papers (user_id, paper_id);
-- A collection's page lists newest first.
CREATE INDEX collection_papers_added ON collection_papers (collection_id, added_at);
-- Deleting a paper (demo removal) cascades here; without it each deletion would scan the table.
CREATE INDEX collection_papers_paper ON collection_papers (paper_id);
