/** Random tokens for cookies, emailed links and API keys; the database keeps only their SHA-256. */
import { createHash, randomFillSync, timingSafeEqual } from 'node:crypto';

/**
 * Random bytes are drawn 4 KB at a time (as crypto.randomUUID does): a signed-out reader of a
 * cached page gets a fresh CSRF cookie token per request, and one randomBytes call per token cost
 * more than the rest of serving the cached page (bench/http.bench.ts, profiled).
 */
const pool = Buffer.alloc(4096);
let used = pool.length;

export function newToken(bytes = 32): string {
  if (bytes > pool.length) return randomFillSync(Buffer.alloc(bytes)).toString('base64url');
  if (used + bytes > pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const token = pool.toString('base64url', used, used + bytes);
  used += bytes;
  return token;
}

export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Constant-time comparison of two strings (false when lengths differ). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
