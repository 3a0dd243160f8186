/**
 * Which storage errors mean "the database is not answering" rather than "this request is wrong":
 * the server is stopped or restarting, unreachable, out of connections, or stalled past the
 * statement/pool timeouts (src/db/postgres.ts). They become one typed error, DatabaseUnavailableError
 * (503 + Retry-After in src/web/app.ts), instead of a 500 page, and `paperboy serve` retries on them
 * at startup (src/cli/commands/serve.ts). Everything else (a bad query, a constraint) stays a bug.
 */
import { DatabaseUnavailableError } from '../errors.ts';

/** Socket-level failures (node:net), on pg's connection or wrapped in an AggregateError. */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/**
 * SQLSTATEs: class 08 (connection exception), 53300 too_many_connections, 57014 query_canceled
 * (our statement_timeout; the search budget turns its own into QueryTooBroadError first,
 * src/search/search.pg.repo.ts), 57P01–57P03 (admin/crash shutdown, cannot connect now: a
 * restart in progress), 55P03 lock_not_available.
 */
const SQLSTATES = new Set(['53300', '57014', '57P01', '57P02', '57P03', '55P03']);

/** pg-pool's and pg's own messages for a connection that could not be made or was lost. */
const PG_MESSAGES =
  /timeout exceeded when trying to connect|Connection terminated|connection timeout|not queryable|Connection ended/i;

function reason(err: unknown, depth = 0): string | null {
  if (!err || typeof err !== 'object' || depth > 3) return null;
  const e = err as {
    code?: unknown;
    errcode?: unknown;
    message?: unknown;
    errors?: unknown;
    cause?: unknown;
  };
  const code = typeof e.code === 'string' ? e.code : '';
  const message = typeof e.message === 'string' ? e.message : '';
  if (SOCKET_CODES.has(code)) return `${code}${message && !message.includes(code) ? ` (${message})` : ''}`;
  if (SQLSTATES.has(code) || code.startsWith('08')) {
    if (code === '57014') return 'a statement ran past databaseStatementTimeoutMs';
    return message || `SQLSTATE ${code}`;
  }
  // node:sqlite: SQLITE_BUSY (5) / SQLITE_LOCKED (6), another process holding the write lock too long.
  if (code === 'ERR_SQLITE_ERROR' && (e.errcode === 5 || e.errcode === 6)) return message;
  if (PG_MESSAGES.test(message)) return message;
  for (const inner of Array.isArray(e.errors) ? e.errors : []) {
    const r = reason(inner, depth + 1);
    if (r) return r;
  }
  return reason(e.cause, depth + 1);
}

/** The typed error for `err` when it means the database is not answering; null otherwise. */
export function databaseUnavailable(err: unknown): DatabaseUnavailableError | null {
  if (err instanceof DatabaseUnavailableError) return err;
  const why = reason(err);
  return why ? new DatabaseUnavailableError(why) : null;
}
