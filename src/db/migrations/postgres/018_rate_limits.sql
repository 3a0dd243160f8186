-- Rate limits shared by every instance (issue 18 item 5; src/users/rate-limits.pg.repo.ts): one
-- row per key (`login:ip:203.0.113.9`), its fixed window and the hits counted in it.
-- UNLOGGED: counters are worth no WAL. A crash empties the table, which forgives at most one
-- window's hits; a write per login or search costs no fsync.
CREATE UNLOGGED TABLE rate_limits (
  key TEXT COLLATE "C" PRIMARY KEY,
  window_start BIGINT NOT NULL,
  window_ms INTEGER NOT NULL,
  count INTEGER NOT NULL
);
