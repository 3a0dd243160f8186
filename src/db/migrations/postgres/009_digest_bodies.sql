-- Digest bodies move out of the outbox row (see the SQLite migration: there every state change
-- rewrote the whole record). PostgreSQL's TOAST already kept them apart; the schema stays the same
-- in both dialects so one repository serves both.
CREATE TABLE digest_bodies (
  outbox_id BIGINT PRIMARY KEY REFERENCES digest_outbox (id) ON DELETE CASCADE,
  subject TEXT NOT NULL,
  text_body TEXT NOT NULL,
  html_body TEXT NOT NULL
);
INSERT INTO digest_bodies (outbox_id, subject, text_body, html_body)
  SELECT id, subject, text_body, html_body FROM digest_outbox;
ALTER TABLE digest_outbox DROP COLUMN subject, DROP COLUMN text_body, DROP COLUMN html_body;
