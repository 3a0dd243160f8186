/**
 * The one gate for pages that need a role (issue 12). Levels: anonymous < user < moderator < admin.
 *
 * Every route under `/admin` passes `Guard.onRequest` (registered once in app.ts), keyed on the
 * route that matched, so a page added under /admin later is admin-only unless `ROLE_OF` says
 * otherwise. Handlers that need the user call `requireRole`.
 *
 * Before setup (no admin account yet) the admin pages also answer a request made directly on this
 * machine: a loopback peer, no forwarding headers, and a Host that is the configured base URL's or
 * a loopback name. That is how the site is looked after before anyone can log in. Once an admin
 * exists only the role counts, whatever the client address: a same-host proxy (stunnel, haproxy
 * in TCP mode, nginx without X-Forwarded-For) makes every visitor's connection come from
 * 127.0.0.1, and a foreign Host on a loopback connection is the DNS-rebinding shape (a page on
 * evil.example whose name now resolves to 127.0.0.1).
 *
 * The Host check applies to that loopback path only, not to every request: a session cookie is
 * bound to the site's own host, so a rebinding page cannot carry it, and CSRF checks refuse a
 * foreign Origin; checking Host everywhere would refuse readers who reach the site by another of
 * its names (a LAN address, ::1) for no gain.
 */
import type { FastifyRequest } from 'fastify';
import type { Store } from '../app/store.ts';
import { ForbiddenError, UnauthorizedError } from '../errors.ts';
import type { User } from '../users/types.ts';

export type Level = 'anonymous' | 'user' | 'moderator' | 'admin';

const RANK: Record<Level, number> = { anonymous: 0, user: 1, moderator: 2, admin: 3 };
const RANK_OF_ROLE: Record<string, number> = { user: 1, moderator: 2, admin: 3 };

/** Routes under /admin that need less than the admin role (matched route patterns). */
const ROLE_OF: [RegExp, Level][] = [
  [/^\/admin\/moderation(\/|$)/, 'moderator'],
  [/^\/admin\/users\//, 'moderator'],
];

export function levelOfRoute(route: string | undefined): Level {
  if (route === undefined || !/^\/admin(\/|\.|$)/.test(route)) return 'anonymous';
  return ROLE_OF.find(([re]) => re.test(route))?.[1] ?? 'admin';
}

const LOOPBACK_PEER = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;
const LOOPBACK_NAME = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/i;
const FORWARDING_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip', 'x-forwarded-host'];

function has(user: User | undefined, level: Level): boolean {
  return RANK[level] === 0 || (user !== undefined && (RANK_OF_ROLE[user.role] ?? 0) >= RANK[level]);
}

/**
 * The signed-in user when their role is at least `level`; else 401 (a signed-out page view: log
 * in and come back) or 403 (wrong role, or a signed-out form post, which no login can redeem).
 */
export function requireRole(req: FastifyRequest, level: Exclude<Level, 'anonymous'>): User {
  const user = req.viewer?.user;
  if (!user) {
    const message = `Log in as ${article(level)} ${level} to open this page.`;
    if (req.method === 'GET' || req.method === 'HEAD') throw new UnauthorizedError(message);
    throw new ForbiddenError(message);
  }
  if (!has(user, level)) throw new ForbiddenError(`Only ${article(level)} ${level} can open this page.`);
  return user;
}

const article = (level: Level) => (level === 'admin' ? 'an' : 'a');

export class Guard {
  readonly #store: Store;
  readonly #baseHost: string;
  /** Once an admin has existed the loopback path stays closed (the safe direction); never reset. */
  #adminSeen = false;

  constructor(store: Store, baseUrl: string) {
    this.#store = store;
    this.#baseHost = new URL(baseUrl).host.toLowerCase();
  }

  /** True while no admin account exists (setup not done). */
  async setupPending(): Promise<boolean> {
    if (this.#adminSeen) return false;
    this.#adminSeen = (await this.#store.firstRun.adminCount()) > 0;
    return !this.#adminSeen;
  }

  /** A request made on this machine itself: loopback peer, nothing forwarded, our own Host. */
  direct(req: FastifyRequest): boolean {
    const peer = req.raw.socket.remoteAddress ?? '';
    if (!LOOPBACK_PEER.test(peer)) return false;
    if (FORWARDING_HEADERS.some((h) => req.headers[h] !== undefined)) return false;
    const host = (req.headers.host ?? '').toLowerCase();
    return host === this.#baseHost || LOOPBACK_NAME.test(host);
  }

  /** Whether this request may open pages of `level` (for links: show only what opens). */
  async allows(req: FastifyRequest, level: Level): Promise<boolean> {
    if (has(req.viewer?.user, level)) return true;
    return level === 'admin' && this.direct(req) && (await this.setupPending());
  }

  /** Throws 401/403 unless the request may open pages of `level`. */
  async require(req: FastifyRequest, level: Level): Promise<void> {
    if (await this.allows(req, level)) return;
    if (level === 'admin' && (await this.setupPending()))
      throw new ForbiddenError(
        'Until setup is done, admin pages answer only on this machine itself (http://localhost, no proxy). ' +
          'Finish setup with the link `paperboy serve` printed, then log in as the admin.',
      );
    if (level !== 'anonymous') requireRole(req, level);
    // Signed in with the role is handled above; reaching here means a refused loopback path.
    throw new ForbiddenError('This page needs a signed-in account with the right role.');
  }

  /** onRequest for the whole app: every route under /admin needs its level. */
  readonly onRequest = async (req: FastifyRequest): Promise<void> => {
    const level = levelOfRoute(req.routeOptions.url);
    if (level !== 'anonymous') await this.require(req, level);
  };
}
