/**
 * Signed links in mails: `<purpose>.<id>.<expiry>[.<ref>].<signature>`, the signature an HMAC-SHA256 over
 * a canonical string that also names what the token is bound to (the subscriber's address, or a
 * digest's Message-ID) without carrying it. A token is accepted only when it is *exactly* the token
 * we would issue for those parsed values — the whole string is rebuilt and compared in constant
 * time — so an altered, truncated, re-encoded (leading zeros, padding, other base64 alphabet) or
 * cross-purpose token is refused, and refusing it changes nothing. Binding to the address means a
 * token outlives neither an erase nor a reuse of the numeric id.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Config } from '../config/config.ts';
import type { DigestRepository } from './digest.repo.ts';

export type TokenPurpose = 'confirm' | 'unsubscribe' | 'preferences' | 'web' | 'bounce';
const PURPOSES: readonly TokenPurpose[] = ['confirm', 'unsubscribe', 'preferences', 'web', 'bounce'];

export interface TokenClaims {
  purpose: TokenPurpose;
  /** Subscriber id (outbox id for `web`). */
  id: number;
  /** Epoch seconds; 0 = no expiry. */
  exp: number;
  /** What inside the subject it names (`d20261127`: the daily digest of that day), if anything. */
  ref?: string;
}

const SHAPE =
  /^([a-z]{1,16})\.([1-9][0-9]{0,15})\.(0|[1-9][0-9]{0,11})\.(?:([a-z0-9]{1,24})\.)?([A-Za-z0-9_-]{43})$/;
const REF = /^[a-z0-9]{1,24}$/;

function canonical(c: TokenClaims, binding: string): string {
  return `paperboy-token-v1\n${c.purpose}\n${c.id}\n${c.exp}\n${c.ref ?? ''}\n${binding}`;
}

export function signToken(secret: string, c: TokenClaims, binding: string): string {
  if (c.ref !== undefined && !REF.test(c.ref)) throw new RangeError(`token ref must match ${REF}`);
  const sig = createHmac('sha256', secret).update(canonical(c, binding)).digest('base64url');
  return `${c.purpose}.${c.id}.${c.exp}.${c.ref ? `${c.ref}.` : ''}${sig}`;
}

/** The claims a token states, before any check: used to find what to verify it against. */
export function readToken(token: string, purpose: TokenPurpose): TokenClaims | null {
  if (typeof token !== 'string' || token.length > 120) return null;
  const m = SHAPE.exec(token);
  if (!m || m[1] !== purpose || !PURPOSES.includes(m[1] as TokenPurpose)) return null;
  const id = Number(m[2]);
  const exp = Number(m[3]);
  if (!Number.isSafeInteger(id) || !Number.isSafeInteger(exp)) return null;
  return m[4] ? { purpose, id, exp, ref: m[4] } : { purpose, id, exp };
}

/** True when `token` is exactly what we issue for its claims and `binding`, and not expired. */
export function verifyToken(
  secret: string,
  token: string,
  purpose: TokenPurpose,
  binding: string,
  nowMs: number,
): TokenClaims | null {
  const claims = readToken(token, purpose);
  if (!claims) return null;
  const expected = Buffer.from(signToken(secret, claims, binding));
  const given = Buffer.from(token);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  if (claims.exp !== 0 && claims.exp * 1000 <= nowMs) return null;
  return claims;
}

/** Keyed hash (not reversible without the secret) for suppressions and consent IPs. */
export function keyedHash(secret: string, kind: 'email' | 'ip', value: string): string {
  return createHmac('sha256', secret).update(`paperboy-${kind}\n${value}`).digest('base64url');
}

const secrets = new WeakMap<DigestRepository, Promise<string>>();

/** `tokenSecret` from config, else one generated once and kept in the database for every instance. */
export function tokenSecret(config: Pick<Config, 'tokenSecret'>, repo: DigestRepository): Promise<string> {
  if (config.tokenSecret) return Promise.resolve(config.tokenSecret);
  let s = secrets.get(repo);
  if (!s) {
    s = repo.secret('token', randomBytes(32).toString('base64url'));
    s.catch(() => secrets.delete(repo));
    secrets.set(repo, s);
  }
  return s;
}
