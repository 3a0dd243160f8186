/**
 * Sessions and CSRF for the web pages.
 *
 * Cookies: `__Host-pb_session` (HttpOnly, Secure, SameSite=Lax, Path=/) carries a random session
 * token; the database keeps its SHA-256. `__Host-` cookies must be Secure, which browsers accept
 * over https and over plain http only on loopback (Chromium and Firefox treat http://localhost and
 * 127.0.0.1 as secure contexts). So: an https baseUrl or a loopback one gets `__Host-` + Secure;
 * any other plain-http baseUrl (a LAN address) gets `pb_session` without Secure, and the server
 * warns at startup that sessions travel unencrypted. Put TLS in front for real use.
 *
 * CSRF: every non-GET request must carry a token equal to the session's (signed in) or to the
 * `__Host-pb_csrf` double-submit cookie (signed out: login, sign-up, reset forms), in the `csrf`
 * form field or an `X-CSRF-Token` header, and any Origin (or Referer) it sends must be ours.
 * A route that must accept cross-site posts (RFC 8058 one-click unsubscribe) or authenticates by
 * API token instead of cookies opts out with `config: { csrf: false }`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config/config.ts';
import { ForbiddenError } from '../errors.ts';
import { newToken, sameSecret } from '../users/secrets.ts';
import type { Site } from './site.ts';
import type { Viewer } from './views/layout.view.ts';

declare module 'fastify' {
  interface FastifyRequest {
    viewer: Viewer | null;
    sessionToken: string | null;
  }
  interface FastifyContextConfig {
    /** false: this route does its own authentication and takes no CSRF token. */
    csrf?: boolean;
  }
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export interface CookiePolicy {
  secure: boolean;
  session: string;
  csrf: string;
}

function cookiePolicy(baseUrl: string): CookiePolicy {
  const u = new URL(baseUrl);
  const secure = u.protocol === 'https:' || LOOPBACK_HOSTS.has(u.hostname);
  return secure
    ? { secure, session: '__Host-pb_session', csrf: '__Host-pb_csrf' }
    : { secure, session: 'pb_session', csrf: 'pb_csrf' };
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 1) continue;
    const name = part.slice(0, eq).trim();
    if (!out.has(name)) out.set(name, part.slice(eq + 1).trim());
  }
  return out;
}

function cookieHeader(policy: CookiePolicy, name: string, value: string, maxAgeSeconds: number): string {
  return `${name}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${policy.secure ? '; Secure' : ''}`;
}

function appendCookie(reply: FastifyReply, cookie: string): void {
  const prev = reply.getHeader('set-cookie');
  const list = prev === undefined ? [] : Array.isArray(prev) ? prev : [String(prev)];
  reply.header('set-cookie', [...list, cookie]);
}

export class Auth {
  readonly policy: CookiePolicy;
  readonly #site: Site;
  readonly #origins: Set<string>;

  constructor(site: Site, config: Config) {
    this.#site = site;
    this.policy = cookiePolicy(config.baseUrl!);
    this.#origins = new Set([new URL(config.baseUrl!).origin]);
  }

  /** onRequest: resolves the session cookie (no database work for requests without one). */
  async attach(req: FastifyRequest): Promise<void> {
    req.viewer = null;
    req.sessionToken = null;
    const token = parseCookies(req.headers.cookie).get(this.policy.session);
    if (!token) return;
    const s = await this.#site.accounts.session(token);
    if (!s) return;
    req.sessionToken = token;
    req.viewer = { user: s.user, csrf: s.csrfToken };
  }

  startSession(reply: FastifyReply, token: string, expiresAt: string): void {
    const maxAge = Math.max(0, Math.floor((Date.parse(expiresAt) - Date.now()) / 1000));
    appendCookie(reply, cookieHeader(this.policy, this.policy.session, token, maxAge));
  }

  endSession(reply: FastifyReply): void {
    appendCookie(reply, cookieHeader(this.policy, this.policy.session, '', 0));
  }

  /** The token a form on this page must carry; sets the double-submit cookie for signed-out readers. */
  formToken(req: FastifyRequest, reply: FastifyReply): string {
    if (req.viewer) return req.viewer.csrf;
    const existing = parseCookies(req.headers.cookie).get(this.policy.csrf);
    if (existing && /^[A-Za-z0-9_-]{20,100}$/.test(existing)) return existing;
    const token = newToken();
    appendCookie(reply, cookieHeader(this.policy, this.policy.csrf, token, 12 * 3600));
    return token;
  }

  #sameOrigin(req: FastifyRequest): boolean {
    const own = `${req.protocol}://${req.headers.host ?? ''}`;
    const origin = req.headers.origin;
    if (origin !== undefined) return origin === own || this.#origins.has(origin);
    const referer = req.headers.referer;
    if (referer === undefined) return true; // non-browser clients: the token alone decides
    const r = URL.parse(referer);
    return r !== null && (r.origin === own || this.#origins.has(r.origin));
  }

  /** preHandler for every non-GET request: 403 unless origin and token check out. */
  check(req: FastifyRequest): void {
    if (!this.#sameOrigin(req)) throw new ForbiddenError('Cross-site request refused.');
    const body = (req.body ?? {}) as Record<string, unknown>;
    const sent = typeof body.csrf === 'string' ? body.csrf : req.headers['x-csrf-token'];
    const expected = req.viewer ? req.viewer.csrf : parseCookies(req.headers.cookie).get(this.policy.csrf);
    if (typeof sent !== 'string' || !expected || !sameSecret(sent, expected))
      throw new ForbiddenError(
        'This form has expired or did not come from this site; reload the page and try again.',
      );
  }
}

const LOCAL_BASE = 'http://local.invalid';

/**
 * Only paths on this site: `/x?y`, never `//host`, `/\host`, `https://…` or control characters.
 * Checked again AFTER the URL parser has normalised the path: it turns `/..//evil.example`,
 * `/.//evil.example` and `/%2e%2e//evil.example` into `//evil.example`, which a browser reads as
 * another host (issue 12). Encoded slashes (`%2f`, `%5c`) stay encoded, so they stay one path.
 */
export function localPath(next: unknown, fallback = '/'): string {
  if (typeof next !== 'string' || next.length > 2000) return fallback;
  if (!next.startsWith('/') || /^\/[/\\]/.test(next)) return fallback;
  if (/[\u0000-\u001F\u007F-\u009F\\]/.test(next)) return fallback;
  const u = URL.parse(next, LOCAL_BASE);
  if (u?.origin !== LOCAL_BASE) return fallback;
  const out = `${u.pathname}${u.search}${u.hash}`;
  if (!out.startsWith('/') || /^\/[/\\]/.test(out) || URL.parse(out, LOCAL_BASE)?.origin !== LOCAL_BASE)
    return fallback;
  return out;
}
