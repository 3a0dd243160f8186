-- Alert webhooks (issue 15 item 2; src/alerts/webhook*.ts, README "Alert webhooks").
-- A webhook belongs to a reader; with a collection it receives only events about papers in that
-- collection. `disabled_at`/`disabled_reason` say why it stopped (410, or failing for a day:
-- src/alerts/webhook-worker.ts); `failures` counts failed attempts since the last success and
-- `failing_since` is when that run of failures began. The secret is kept as is: signing needs it.
CREATE TABLE webhooks (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  collection_id INTEGER REFERENCES collections (id) ON DELETE CASCADE,
  url TEXT NOT NULL,
  secret TEXT NOT NULL,
  created_at TEXT NOT NULL,
  disabled_at TEXT,
  disabled_reason TEXT,
  failures INTEGER NOT NULL DEFAULT 0,
  failing_since TEXT
);
CREATE INDEX webhooks_user ON webhooks (user_id, id);

-- One row per (webhook, event): the unique key makes a repeated enqueue a no-op. `id` is the
-- delivery id receivers de-duplicate on (sent as webhook-id); `payload` is the JSON body, fixed
-- when queued so every retry sends the same bytes. status: pending | delivered | failed |
-- dropped (its webhook was disabled). A worker claims a due row by setting claimed_by and
-- lease_until; an expired lease (or a holder provably gone) lets another worker take it.
CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY,
  webhook_id INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  event_id INTEGER,
  event_type TEXT NOT NULL,
  payload TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at TEXT NOT NULL,
  last_status INTEGER,
  last_error TEXT,
  claimed_by TEXT,
  lease_until TEXT,
  created_at TEXT NOT NULL,
  UNIQUE (webhook_id, event_id)
);
-- The claim reads due pending rows in time order.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
CREATE INDEX webhook_deliveries_hook ON webhook_deliveries (webhook_id, created_at);

-- Every attempt, shown to the webhook's owner on /alerts/webhooks.
CREATE TABLE webhook_attempts (
  id INTEGER PRIMARY KEY,
  delivery_id TEXT NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
  webhook_id INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
  attempt INTEGER NOT NULL,
  at TEXT NOT NULL,
  status_code INTEGER,
  error TEXT,
  duration_ms INTEGER NOT NULL
);
CREATE INDEX webhook_attempts_hook ON webhook_attempts (webhook_id, id);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id);
