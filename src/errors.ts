/**
 * Typed domain errors. Services throw these; the web layer maps them to HTTP in exactly one
 * place (`statusOf` in src/web/app.ts) and the CLI maps them to exit codes.
 */
export class DomainError extends Error {
  override name = 'DomainError';
}
export class NotFoundError extends DomainError {
  override name = 'NotFoundError';
}
export class InvalidInputError extends DomainError {
  override name = 'InvalidInputError';
}
export class UnauthorizedError extends DomainError {
  override name = 'UnauthorizedError';
}
export class ForbiddenError extends DomainError {
  override name = 'ForbiddenError';
}
export class RateLimitedError extends DomainError {
  override name = 'RateLimitedError';
  readonly retryAfterSeconds: number;
  constructor(message: string, retryAfterSeconds: number) {
    super(message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
export class UpstreamUnavailableError extends DomainError {
  override name = 'UpstreamUnavailableError';
}
/** A request body past the size its form accepts (413: send less). */
export class PayloadTooLargeError extends DomainError {
  override name = 'PayloadTooLargeError';
}
/** A search stopped at its time budget (503: the query, not the client, must change). */
export class QueryTooBroadError extends DomainError {
  override name = 'QueryTooBroadError';
}
/** Every search slot is taken (429 + Retry-After: the same query may work in a moment). */
export class SearchBusyError extends RateLimitedError {
  override name = 'SearchBusyError';
}
/**
 * The database did not answer: down, unreachable, refusing connections, or stalled past the
 * statement/connection timeout (src/db/unavailable.ts recognises these). 503 + Retry-After: the
 * same request should work once the database is back, with no restart (issue 18 item 3).
 */
export class DatabaseUnavailableError extends DomainError {
  override name = 'DatabaseUnavailableError';
  readonly retryAfterSeconds: number;
  /** The driver's own words (ECONNREFUSED …), for the log and /health; pages show only the message. */
  readonly reason: string;
  constructor(reason: string, retryAfterSeconds = 5) {
    super(`The database is not answering right now; please try again in ${retryAfterSeconds} seconds.`);
    this.reason = reason;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
