-- First run (issue 7): settings chosen on the setup page (site name, followed categories, featuring
-- mode, SMTP), the one-time setup token and the bootstrap harvest's progress, as JSON values by key;
-- and the accounts `paperboy demo` created. Demo papers carry papers.demo = 1; featurings, votes,
-- comments and counters of demo papers go with them (ON DELETE CASCADE), so removing the demo
-- papers and the demo accounts deletes exactly what the demo loaded.
CREATE TABLE site_settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at TEXT NOT NULL
);

CREATE TABLE demo_users (
  user_id INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX papers_demo ON papers (id) WHERE demo = 1;
