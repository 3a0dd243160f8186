-- Subscriptions and email digests (issue 6), as sqlite/005_digest.sql. Times: ISO text for
-- display columns, epoch ms (BIGINT) where the sender compares against a clock (leases, retries,
-- expiry). Text columns compared by range use COLLATE "C" so ordering matches SQLite's.

-- One row per address (lowercased). Status: pending (waiting for the confirming POST; expires
-- after 7 days), confirmed, unsubscribed, bounced (hard bounce or soft-bounce limit), complained.
CREATE TABLE subscribers (
  id BIGSERIAL PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL CHECK (status IN ('pending', 'confirmed', 'unsubscribed', 'bounced', 'complained')),
  frequency TEXT NOT NULL DEFAULT 'daily' CHECK (frequency IN ('daily', 'weekly')),
  -- Weekly digests go out on this day (0 = Sunday … 6 = Saturday, in digestTimeZone).
  weekday INTEGER NOT NULL DEFAULT 1 CHECK (weekday BETWEEN 0 AND 6),
  paper_count INTEGER NOT NULL DEFAULT 10 CHECK (paper_count BETWEEN 5 AND 50),
  -- JSON {categories: [], keywords: [], authors: []}
  interests TEXT NOT NULL DEFAULT '{"categories":[],"keywords":[],"authors":[]}',
  -- Set when an account holder subscribed from their account page (users table of issue 4).
  user_id BIGINT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  confirm_expires_at BIGINT,
  confirmed_at TEXT,
  unsubscribed_at TEXT,
  soft_bounces INTEGER NOT NULL DEFAULT 0,
  -- Slot (epoch ms) of the last digest planned for them: "since the last digest" starts here.
  last_digest_at BIGINT
);
CREATE INDEX subscribers_status ON subscribers (status, id);

-- The consent record: what was asked for, when, from which form, under which consent text.
CREATE TABLE subscriber_consents (
  id BIGSERIAL PRIMARY KEY,
  subscriber_id BIGINT NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
  action TEXT NOT NULL,
  at TEXT NOT NULL,
  form TEXT NOT NULL,
  -- HMAC of the client IP: enough to show two requests came from one place, not who it was.
  ip_hash TEXT,
  settings TEXT NOT NULL,
  text_version TEXT NOT NULL
);
CREATE INDEX subscriber_consents_subscriber ON subscriber_consents (subscriber_id);

-- Addresses never to mail again (hard bounce, complaint, erased on request), by keyed hash only.
CREATE TABLE digest_suppressions (
  email_hash TEXT PRIMARY KEY,
  reason TEXT NOT NULL CHECK (reason IN ('bounced', 'complained', 'erased')),
  created_at TEXT NOT NULL
);

-- One row per digest run (scheduler slot or `paperboy digest send`), shown at /admin/digests.
CREATE TABLE digest_runs (
  id BIGSERIAL PRIMARY KEY,
  slot TEXT NOT NULL,
  started_by TEXT NOT NULL,
  holder TEXT NOT NULL,
  started_at TEXT NOT NULL,
  finished_at TEXT,
  status TEXT NOT NULL CHECK (status IN ('running', 'ok', 'partial', 'failed', 'interrupted')),
  planned INTEGER NOT NULL DEFAULT 0,
  skipped_empty INTEGER NOT NULL DEFAULT 0,
  sent INTEGER NOT NULL DEFAULT 0,
  failed INTEGER NOT NULL DEFAULT 0,
  expired INTEGER NOT NULL DEFAULT 0,
  message TEXT
);

-- The delivery ledger: exactly one row per (subscriber, period), pending → sending (leased) →
-- sent | failed | expired (| skipped: unsubscribed or suppressed before it went out). The
-- composed message is stored, so a resend after a crash is the same bytes and the same Message-ID.
CREATE TABLE digest_outbox (
  id BIGSERIAL PRIMARY KEY,
  subscriber_id BIGINT NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
  period TEXT COLLATE "C" NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'expired', 'skipped')),
  run_id BIGINT,
  message_id TEXT NOT NULL,
  subject TEXT NOT NULL,
  text_body TEXT NOT NULL,
  html_body TEXT NOT NULL,
  papers TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  lease_holder TEXT,
  lease_until BIGINT NOT NULL DEFAULT 0,
  expires_at BIGINT NOT NULL,
  created_at TEXT NOT NULL,
  sent_at TEXT,
  last_error TEXT,
  UNIQUE (subscriber_id, period)
);
CREATE INDEX digest_outbox_due ON digest_outbox (status, next_attempt_at);
CREATE INDEX digest_outbox_period ON digest_outbox (period, status);

-- Papers a subscriber was sent (or is about to be), so no paper reaches them twice.
CREATE TABLE digest_items (
  subscriber_id BIGINT NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
  arxiv_id TEXT NOT NULL,
  period TEXT NOT NULL,
  PRIMARY KEY (subscriber_id, arxiv_id)
);

-- Bounce and complaint reports as they were fed in (DSN / ARF), for the operator.
CREATE TABLE digest_bounces (
  id BIGSERIAL PRIMARY KEY,
  subscriber_id BIGINT REFERENCES subscribers (id) ON DELETE SET NULL,
  kind TEXT NOT NULL CHECK (kind IN ('hard', 'soft', 'complaint')),
  status_code TEXT,
  detail TEXT,
  at TEXT NOT NULL
);

-- Fixed-window counters for the subscribe form (per IP, per address), shared by all instances.
CREATE TABLE digest_rate (
  key TEXT PRIMARY KEY,
  window_start BIGINT NOT NULL,
  count INTEGER NOT NULL
);

-- Secrets generated on first use (token signing key) when tokenSecret is not configured, kept in
-- the database so every instance sharing it signs and checks links alike.
CREATE TABLE digest_secrets (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  created_at TEXT NOT NULL
);
