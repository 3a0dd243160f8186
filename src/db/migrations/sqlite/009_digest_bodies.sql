-- Digest bodies move out of the outbox row. A row changes state several times (claimed, renewed,
-- retried, sent) and SQLite rewrites the whole record on every UPDATE, so a ~30 KB body made
-- each state change cost its overflow pages in the WAL (and the checkpoints that follow): the
-- ledger, not the mail server, set the sending rate. Bodies are written once and only read.
CREATE TABLE digest_bodies (
  outbox_id INTEGER PRIMARY KEY REFERENCES digest_outbox (id) ON DELETE CASCADE,
  subject TEXT NOT NULL,
  text_body TEXT NOT NULL,
  html_body TEXT NOT NULL
);
INSERT INTO digest_bodies (outbox_id, subject, text_body, html_body)
  SELECT id, subject, text_body, html_body FROM digest_outbox;
ALTER TABLE digest_outbox DROP COLUMN subject;
ALTER TABLE digest_outbox DROP COLUMN text_body;
ALTER TABLE digest_outbox DROP COLUMN html_body;
