/** The one place domain errors (src/errors.ts) become HTTP statuses; used by app.ts's error handler. */
import {
  DatabaseUnavailableError,
  DomainError,
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  UnauthorizedError,
} from '../errors.ts';

export function statusOf(err: unknown): number {
  if (err instanceof NotFoundError) return 404;
  if (err instanceof InvalidInputError) return 400;
  if (err instanceof UnauthorizedError) return 401;
  if (err instanceof ForbiddenError) return 403;
  if (err instanceof RateLimitedError) return 429;
  if (err instanceof PayloadTooLargeError) return 413;
  if (err instanceof DatabaseUnavailableError) return 503;
  if (err instanceof DomainError) return 503;
  const s = (err as { statusCode?: number }).statusCode;
  return typeof s === 'number' && s >= 400 && s < 600 ? s : 500;
}
