/** Exit codes shared by every command (documented in the README). */
export const EXIT = { ok: 0, failure: 1, usage: 2, partial: 3 } as const;

export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `usage: paperboy <command> [options]

commands:
  serve [--port N] [--host H]        run the web server (and scheduler)
  import <file> [--json] [--batch N] import an arXiv metadata snapshot (JSON Lines, plain or .gz)
  search "<query>" [--json] [--limit N]  keyword search
  help                               this text

common options:
  --data DIR            data directory (default ./data, env PAPERBOY_DATA)
  --database-url URL    use PostgreSQL (env DATABASE_URL)
  --config FILE         JSON config file (env PAPERBOY_CONFIG)

exit codes: 0 ok, 1 failure, 2 bad usage, 3 finished but some input was rejected`;
