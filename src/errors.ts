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
