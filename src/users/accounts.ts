/**
 * Accounts: sign-up with emailed verification, login/logout with database sessions, password reset
 * by emailed link, roles and bans, personal API tokens.
 *
 * Answers never reveal whether an email has an account: sign-up and reset say "check your inbox"
 * either way (the owner of a known address gets a note instead of a link), and a failed login is
 * "wrong email or password" after the same argon2 cost as a real check.
 */
import type { Mailer } from '../digest/mail.ts';
import { ForbiddenError, InvalidInputError, NotFoundError, UnauthorizedError } from '../errors.ts';
import type { PasswordHasher } from './password.ts';
import type { Limit, RateLimiter } from './rate-limit.ts';
import { newToken, tokenHash } from './secrets.ts';
import type { Role, SessionRecord, User, UserRepository } from './types.ts';
import { normalizeEmail, validateName, validatePassword } from './user.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const SESSION_DAYS = 30;
export const VERIFY_LINK_HOURS = 48;
export const RESET_LINK_HOURS = 1;
/** Mails of one kind per account per day: a form cannot be used to flood someone's inbox. */
export const MAILS_PER_ACCOUNT_PER_DAY = 3;

export const LIMITS = {
  loginPerIp: { max: 20, windowMs: 15 * 60_000 },
  loginPerAccount: { max: 10, windowMs: 15 * 60_000 },
  signupPerIp: { max: 10, windowMs: HOUR },
  resetPerIp: { max: 10, windowMs: HOUR },
} satisfies Record<string, Limit>;

export const CHECK_INBOX =
  'Check your inbox: if the address can be used, a message with a link is on its way. The link works once.';
export const WRONG_LOGIN = 'Wrong email or password.';

export interface AccountDeps {
  users: UserRepository;
  hasher: PasswordHasher;
  limiter: RateLimiter;
  mailer: () => Mailer;
  baseUrl: string;
  siteName: string;
  now?: () => Date;
}

export interface NewSession {
  token: string;
  csrfToken: string;
  user: User;
  expiresAt: string;
}

export class AccountService {
  readonly #d: AccountDeps;
  readonly #now: () => Date;

  constructor(deps: AccountDeps) {
    this.#d = deps;
    this.#now = deps.now ?? (() => new Date());
  }

  #iso(offsetMs = 0): string {
    return new Date(this.#now().getTime() + offsetMs).toISOString();
  }

  async #mail(to: string, subject: string, text: string): Promise<void> {
    await this.#d.mailer().send({ to, subject: `${this.#d.siteName}: ${subject}`, text });
  }

  async #sendLink(user: User, purpose: 'verify' | 'reset'): Promise<boolean> {
    const sent = await this.#d.users.countOneTime(user.id, purpose, this.#iso(-DAY));
    if (sent >= MAILS_PER_ACCOUNT_PER_DAY) return false;
    const token = newToken();
    const hours = purpose === 'verify' ? VERIFY_LINK_HOURS : RESET_LINK_HOURS;
    await this.#d.users.createOneTime({
      tokenHash: tokenHash(token),
      userId: user.id,
      purpose,
      now: this.#iso(),
      expiresAt: this.#iso(hours * HOUR),
    });
    const url = `${this.#d.baseUrl}/${purpose}?token=${token}`;
    if (purpose === 'verify') {
      await this.#mail(
        user.email,
        'confirm your email address',
        `Hello ${user.name},\n\nConfirm your address to finish signing up:\n\n${url}\n\nThe link works once and for ${hours} hours. If you did not sign up, ignore this message.\n`,
      );
    } else {
      await this.#mail(
        user.email,
        'reset your password',
        `Hello ${user.name},\n\nChoose a new password here:\n\n${url}\n\nThe link works once and for ${hours} hour. If you did not ask for it, ignore this message: your password stays as it is.\n`,
      );
    }
    return true;
  }

  /** Always answers CHECK_INBOX for a valid form, whether or not the email already had an account. */
  async signup(input: { email: string; name: string; password: string }, ip: string): Promise<string> {
    const email = normalizeEmail(input.email);
    const name = validateName(input.name);
    const password = validatePassword(input.password);
    this.#d.limiter.check(
      `signup:ip:${ip}`,
      LIMITS.signupPerIp,
      'Too many sign-ups from your network; try again later.',
    );
    const named = await this.#d.users.byName(name);
    if (named && named.email !== email)
      throw new InvalidInputError(`The name "${name}" is taken; choose another.`);
    // Hash before looking at the email, so known and unknown addresses cost the same.
    const passwordHash = await this.#d.hasher.hash(password);
    const existing = named ?? (await this.#d.users.byEmail(email));
    if (existing) {
      const sent = await this.#d.users.countOneTime(existing.id, 'reset', this.#iso(-DAY));
      if (sent < MAILS_PER_ACCOUNT_PER_DAY && !existing.bannedAt) {
        // Counted as a reset mail so this note cannot flood the inbox either.
        await this.#sendLink(existing, 'reset');
      }
      return CHECK_INBOX;
    }
    const user = await this.#d.users.create({ email, name, passwordHash, now: this.#iso() });
    if (user) await this.#sendLink(user, 'verify');
    return CHECK_INBOX;
  }

  /** Consumes a verification link. */
  async verifyEmail(token: string): Promise<User> {
    const userId = await this.#d.users.consumeOneTime(tokenHash(token), 'verify', this.#iso());
    if (userId === null)
      throw new InvalidInputError('This link is invalid, used or expired. Log in to get a new one.');
    await this.#d.users.markVerified(userId, this.#iso());
    return (await this.#d.users.byId(userId))!;
  }

  async login(input: { email: string; password: string }, ip: string): Promise<NewSession> {
    this.#d.limiter.check(
      `login:ip:${ip}`,
      LIMITS.loginPerIp,
      'Too many login attempts; wait a few minutes.',
    );
    let email: string;
    try {
      email = normalizeEmail(input.email);
    } catch {
      await this.#d.hasher.verifyNobody(input.password.slice(0, 256));
      throw new UnauthorizedError(WRONG_LOGIN);
    }
    this.#d.limiter.check(
      `login:acct:${email}`,
      LIMITS.loginPerAccount,
      'Too many login attempts; wait a few minutes.',
    );
    const user = await this.#d.users.byEmail(email);
    const ok =
      input.password.length <= 256 && user
        ? await this.#d.hasher.verify(user.passwordHash, input.password)
        : await this.#d.hasher.verifyNobody(input.password.slice(0, 256));
    if (!user || !ok) throw new UnauthorizedError(WRONG_LOGIN);
    if (user.bannedAt) throw new ForbiddenError('This account is banned.');
    if (!user.emailVerifiedAt) {
      await this.#sendLink(user, 'verify');
      throw new ForbiddenError('Confirm your email address first: we sent you a new link (up to 3 a day).');
    }
    return this.#startSession(user);
  }

  async #startSession(user: User): Promise<NewSession> {
    const token = newToken();
    const csrfToken = newToken();
    const expiresAt = this.#iso(SESSION_DAYS * DAY);
    await this.#d.users.createSession({
      tokenHash: tokenHash(token),
      userId: user.id,
      csrfToken,
      now: this.#iso(),
      expiresAt,
    });
    return { token, csrfToken, user, expiresAt };
  }

  async session(token: string): Promise<SessionRecord | null> {
    if (!token || token.length > 100) return null;
    return this.#d.users.session(tokenHash(token), this.#iso());
  }

  async logout(token: string): Promise<void> {
    await this.#d.users.deleteSession(tokenHash(token));
  }

  /** Always answers CHECK_INBOX. */
  async requestReset(rawEmail: string, ip: string): Promise<string> {
    this.#d.limiter.check(`reset:ip:${ip}`, LIMITS.resetPerIp, 'Too many reset requests; try again later.');
    let email: string;
    try {
      email = normalizeEmail(rawEmail);
    } catch {
      return CHECK_INBOX;
    }
    const user = await this.#d.users.byEmail(email);
    if (user && !user.bannedAt) await this.#sendLink(user, 'reset');
    return CHECK_INBOX;
  }

  /** Sets a new password from a reset link; every session of the account ends. */
  async resetPassword(token: string, newPassword: string): Promise<User> {
    const password = validatePassword(newPassword);
    const passwordHash = await this.#d.hasher.hash(password);
    const userId = await this.#d.users.consumeOneTime(tokenHash(token), 'reset', this.#iso());
    if (userId === null)
      throw new InvalidInputError('This link is invalid, used or expired. Ask for a new one.');
    await this.#d.users.setPassword(userId, passwordHash);
    await this.#d.users.deleteSessions(userId);
    // Following the emailed link proved the address.
    await this.#d.users.markVerified(userId, this.#iso());
    return (await this.#d.users.byId(userId))!;
  }

  async setRole(email: string, role: Role): Promise<User> {
    const user = await this.#d.users.byEmail(normalizeEmail(email));
    if (!user) throw new NotFoundError(`No account with the email ${email}; sign up on the site first.`);
    await this.#d.users.setRole(user.id, role);
    return (await this.#d.users.byId(user.id))!;
  }

  async setBanned(userId: number, banned: boolean): Promise<void> {
    const user = await this.#d.users.byId(userId);
    if (!user) throw new NotFoundError('No such account.');
    if (banned && user.role === 'admin') throw new ForbiddenError('Admins cannot be banned from the site.');
    await this.#d.users.setBanned(userId, banned ? this.#iso() : null);
  }

  /** A new personal API token; the plain value is returned once and never stored. */
  async createApiToken(user: User, name: string): Promise<{ id: number; token: string }> {
    const label = name.trim().slice(0, 60) || 'token';
    const token = `pb_${newToken()}`;
    const id = await this.#d.users.createApiToken({
      userId: user.id,
      name: label,
      tokenHash: tokenHash(token),
      now: this.#iso(),
    });
    return { id, token };
  }

  async apiUser(token: string): Promise<User | null> {
    if (!token.startsWith('pb_') || token.length > 100) return null;
    return this.#d.users.apiTokenUser(tokenHash(token), this.#iso());
  }
}
