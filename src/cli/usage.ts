/** Exit codes shared by every command (documented in the README). */
export const EXIT = { ok: 0, failure: 1, usage: 2, partial: 3 } as const;

export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `usage: paperboy <command> [options]

commands:
  serve [--port N] [--host H]        run the web server (and scheduler)
  import <file> [--json] [--batch N] import an arXiv metadata snapshot (JSON Lines, plain or .gz)
  search "<query>" [--json] [--limit N]  search as the site does (query language; by meaning too
                                     once reindex has run); --limit up to 100
  reindex [--retrain] [--json]      build semantic search: train the built-in embedder (or load
                                     embedderModel), embed new/changed papers, write the vector index
  ingest <source> [--since DATE] [--dry-run] [--json]  harvest one upstream source now
      oai          [--since DATE] [--until DATE] [--set cs] [--format arXivRaw|arXiv]
                   no saved position and no --since: the whole archive (bulk); then incremental
      arxiv-api    --ids 2401.00001,2401.00002 | --categories cs.LG [--since DATE] | --query Q
      rss          [--categories cs.LG+cs.CV] (default: rssCategories + featureCategories)
      daily-papers [--since DATE] (needs dailyPapersUrl)
  digest send [--dry-run] [--to EMAIL] [--period YYYY-MM-DD] [--json]
                                     plan and send one day's digests (re-run to finish after a crash)
  digest preview <email> [--period YYYY-MM-DD] [--out FILE]  render a digest to FILE.html + .txt
  digest bounce <file.eml|-> ...     feed bounce (DSN) and complaint (ARF) reports in
  digest export|erase <email>        a subscriber's data as JSON / delete it (keeps a hashed suppression)
  doctor [--json]                    check config, database, SMTP (connects) and the index
  users add-admin <email>            make a signed-up account an admin (also add-moderator, remove-role)
  setup                              print the one-time setup link again (until an admin exists)
  backup <file> [--force] [--json]   copy the database to <file> while the service runs, then verify
                                     the copy (PostgreSQL: prints the pg_dump command)
  restore <file> [--force] [--json]  put a backup in place of the database (server stopped); the old
                                     one is kept as paperboy.db.before-restore
  demo [--papers N] | demo --remove  load a generated demo corpus (marked, with a banner) / delete exactly it
  help                               this text

common options:
  --data DIR            data directory (default ./data, env PAPERBOY_DATA)
  --database-url URL    use PostgreSQL (env DATABASE_URL)
  --config FILE         JSON config file (env PAPERBOY_CONFIG)

exit codes: 0 ok, 1 failure, 2 bad usage, 3 finished but some input was rejected`;
