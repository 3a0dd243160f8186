/**
 * Webhook signatures, modelled on Standard Webhooks (https://www.standardwebhooks.com/): the
 * secret is `whsec_` + base64 of 32 random bytes; each request carries `webhook-id` (the delivery
 * id, the receiver's de-duplication key), `webhook-timestamp` (Unix seconds of this attempt) and
 * `webhook-signature: v1,<base64 HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`. A receiver
 * recomputes the HMAC, compares in constant time and refuses timestamps far from its clock (a
 * replay of an old request fails that check; the README shows a receiver).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX = 'whsec_';

export function newWebhookSecret(): string {
  return PREFIX + randomBytes(32).toString('base64');
}

function keyOf(secret: string): Buffer {
  return Buffer.from(secret.startsWith(PREFIX) ? secret.slice(PREFIX.length) : secret, 'base64');
}

/** The `v1,<base64>` signature of one request. */
function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  return `v1,${createHmac('sha256', keyOf(secret)).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

export function webhookHeaders(
  secret: string,
  id: string,
  timestamp: number,
  body: string,
): Record<string, string> {
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(secret, id, timestamp, body),
  };
}

/** Tolerance a receiver allows between its clock and webhook-timestamp (Standard Webhooks suggests 5 min). */
const TIMESTAMP_TOLERANCE_S = 300;

/**
 * The receiver's check (used by the tests as a real receiver would be): a valid `v1` signature
 * among the space-separated ones, and a timestamp within the tolerance of `nowS`.
 */
export function verifyWebhook(
  secret: string,
  headers: { id: string; timestamp: string; signature: string },
  body: string,
  nowS: number,
): boolean {
  const ts = Number(headers.timestamp);
  if (!Number.isInteger(ts) || Math.abs(nowS - ts) > TIMESTAMP_TOLERANCE_S) return false;
  const want = Buffer.from(signWebhook(secret, headers.id, ts, body));
  return headers.signature.split(' ').some((s) => {
    const got = Buffer.from(s);
    return got.length === want.length && timingSafeEqual(got, want);
  });
}
