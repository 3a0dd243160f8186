/**
 * `X-Request-Id` (issue 18 item 6): one id per request, in every log line of it (Fastify's
 * `reqId`) and in the answer's header, so a reader's report, the proxy's log and each instance's
 * log can be joined. A proxy's id is kept when it looks like an id; anything else (too long,
 * spaces, quotes, control characters: text that would forge or break a log line) is replaced.
 * Generated ids are random UUIDs, unique across instances without coordination (a per-process
 * counter, Fastify's default, repeats on every instance and restart).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const REQUEST_ID_HEADER = 'x-request-id';

/** Letters, digits and the punctuation trace ids use (UUIDs, W3C traceparent, AWS `Root=1-…`). */
const WELL_FORMED = /^[A-Za-z0-9._:=+/-]{1,128}$/;

export function requestId(req: IncomingMessage): string {
  const given = req.headers[REQUEST_ID_HEADER];
  return typeof given === 'string' && WELL_FORMED.test(given) ? given : randomUUID();
}
