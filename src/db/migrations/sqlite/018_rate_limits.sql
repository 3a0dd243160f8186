-- Number 018 is postgres/018_rate_limits.sql: the table of rate-limit windows that several
-- instances share. The embedded store is served by one process, which keeps its windows in memory
-- (src/users/rate-limits.memory.ts), so SQLite has no table; the file keeps the numbering equal.
SELECT 1;
