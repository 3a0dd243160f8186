/**
 * Accounts: sign-up with emailed verification, login/logout with database sessions, password reset
 * by emailed link, roles and bans, personal API tokens.
 *
 * Answers never reveal whether an email has an account: sign-up and reset say "check your inbox"
 * either way (the owner of a known address gets a note instead of a link), with mails sent after
 * the answer, and a failed login is "wrong email or password" after the same argon2 cost as a
 * real check.
 */
import type { Mailer } from '../digest/mail.ts';
import {
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  RateLimitedError,
  UnauthorizedError,
} from '../errors.ts';
import { log } from '../shared/log.ts';
import { sleep } from '../shared/sleep.ts';
import { AccountSettings, checkPassword } from './account-settings.ts';
import { accountMailsSettled, sendAfterAnswer } from './mail-later.ts';
import type { PasswordHasher } from './password.ts';
import type { Limit, RateLimiter } from './rate-limit.ts';
import { newToken, tokenHash } from './secrets.ts';
import type { Role, SessionRecord, User, UserRepository } from './types.ts';
import { accountNames, normalizeEmail, validatePassword } from './user.ts';

export { accountMailsSettled };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MINUTE = 60_000;
const SESSION_DAYS = 30;
const VERIFY_LINK_HOURS = 48;
const RESET_LINK_HOURS = 1;
/**
 * Mails of one kind per account per day, whoever asks: generous enough that strangers asking
 * for the owner's reset link cannot use up the owner's own (issue 12: at 3 a day, three
 * requests from strangers did), small enough that the form cannot flood an inbox.
 */
const MAILS_PER_ACCOUNT_PER_DAY = 10;

/**
 * Throttling slows the guesser, never locks the owner out (issue 12: 10 wrong passwords from one
 * address used to lock the account for everyone for 15 minutes, renewable by the attacker):
 * - every client is limited overall (`loginPerIp`), and per account it guesses at
 *   (`loginFailuresPerAccountAndIp`: wrong passwords only, a hard limit for that client only);
 * - an account guessed at from many clients answers each further wrong password more slowly
 *   (`failureDelayMs`), up to a cap; a right password is never delayed or refused for it.
 * Reset and verification mails are counted per requesting client, per (account, client), and per
 * account with a generous ceiling (MAILS_PER_ACCOUNT_PER_DAY, durable in the database).
 */
export const LIMITS = {
  loginPerIp: { max: 20, windowMs: 15 * MINUTE },
  loginFailuresPerAccountAndIp: { max: 5, windowMs: 15 * MINUTE },
  loginFailuresPerAccount: { max: Number.MAX_SAFE_INTEGER, windowMs: 15 * MINUTE },
  signupPerIp: { max: 10, windowMs: HOUR },
  resetPerIp: { max: 10, windowMs: HOUR },
  /** Submissions of the new-password form (each one is scored by zxcvbn before the link is read). */
  resetSubmitPerIp: { max: 20, windowMs: HOUR },
  mailsPerAccountAndIp: { max: 2, windowMs: DAY },
} satisfies Record<string, Limit>;

/** Wrong passwords an account takes (from all clients, per 15 minutes) before answers slow down. */
const FREE_FAILURES = 5;
const FIRST_DELAY_MS = 250;
export const MAX_FAILURE_DELAY_MS = 8_000;

/** How long the n-th wrong password on an account (in the window) waits before its answer. */
export function failureDelayMs(n: number): number {
  if (n <= FREE_FAILURES) return 0;
  return Math.min(MAX_FAILURE_DELAY_MS, FIRST_DELAY_MS * 2 ** (n - FREE_FAILURES - 1));
}

const CHECK_INBOX =
  'Check your inbox: if the address can be used, a message with a link is on its way. The link works once.';
const WRONG_LOGIN = 'Wrong email or password.';

export interface AccountDeps {
  users: UserRepository;
  hasher: PasswordHasher;
  limiter: RateLimiter;
  mailer: () => Mailer;
  baseUrl: string;
  siteName: () => string;
  now?: () => Date;
  /** Waits before a slowed wrong-password answer (tests record the delays instead). */
  sleep?: (ms: number) => Promise<void>;
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
  readonly #sleep: (ms: number) => Promise<void>;
  /** Where a mail that failed after the answer is reported (the web app sets its logger). */
  onMailError: (err: unknown, what: string) => void = (err, what) => log.warn(`${what} failed`, { err });

  /** What the signed-in reader changes on /settings (account-settings.ts). */
  readonly settings: AccountSettings;

  constructor(deps: AccountDeps) {
    this.#d = deps;
    this.#now = deps.now ?? (() => new Date());
    this.#sleep = deps.sleep ?? sleep;
    this.settings = new AccountSettings(deps, this.#now, (err, what) => this.onMailError(err, what));
  }

  #iso(offsetMs = 0): string {
    return new Date(this.#now().getTime() + offsetMs).toISOString();
  }

  async #mail(to: string, subject: string, text: string): Promise<void> {
    await this.#d.mailer().send({ to, subject: `${this.#d.siteName()}: ${subject}`, text });
  }

  /**
   * Sends a link after the request has been answered: the answer must not wait for (or fail
   * with) the mail, and its timing must not tell a known address from an unknown one (issue 12:
   * known addresses took 3.5–10.6 ms, unknown 1.4–2.4 ms, because only real accounts awaited
   * the mail). Quota checks and the token insert run here too, for the same reason.
   */
  #sendLater(user: User, purpose: 'verify' | 'reset', ip: string): void {
    sendAfterAnswer(
      () => this.#sendLink(user, purpose, ip),
      (err) => this.onMailError(err, `${purpose} mail to account ${user.id}`),
    );
  }

  /** Resolves once every mail queued so far has been sent or has failed (shutdown). */
  settled(): Promise<void> {
    return accountMailsSettled();
  }

  async #sendLink(user: User, purpose: 'verify' | 'reset', ip: string): Promise<boolean> {
    if (!(await this.#d.limiter.hit(`mail:${purpose}:${user.id}|${ip}`, LIMITS.mailsPerAccountAndIp)).allowed)
      return false;
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

  /**
   * Answers CHECK_INBOX for a valid form whether or not the email already had an account, and
   * "name taken" whenever the name is taken, whatever the email. Names are public (profile pages,
   * comments), so saying one is taken tells nothing new; answering "check your inbox" instead
   * would leave a newcomer waiting for a mail that never comes. What must not happen is the
   * answer depending on the email when the name is taken (issue 12: the owner's email got
   * "check your inbox", any other "name taken", which told who owns the name).
   */
  async signup(
    input: { email: string; name: string; handle?: string; password: string },
    ip: string,
  ): Promise<string> {
    const email = normalizeEmail(input.email);
    const { name, displayName } = accountNames(input);
    const password = validatePassword(input.password, [name, displayName, email]);
    await this.#d.limiter.check(
      `signup:ip:${ip}`,
      LIMITS.signupPerIp,
      'Too many sign-ups from your network; try again later.',
    );
    const nameTaken = () =>
      new InvalidInputError(`Handle: "${name}" is taken; type another in the Handle field.`);
    if (await this.#d.users.byName(name)) throw nameTaken();
    // Hash before looking at the email, so known and unknown addresses cost the same.
    const passwordHash = await this.#d.hasher.hash(password);
    const existing = await this.#d.users.byEmail(email);
    if (existing) {
      // The owner gets a reset link instead (counted as one, so this cannot flood the inbox).
      if (!existing.bannedAt) this.#sendLater(existing, 'reset', ip);
      return CHECK_INBOX;
    }
    const user = await this.#d.users.create({ email, name, displayName, passwordHash, now: this.#iso() });
    if (user) this.#sendLater(user, 'verify', ip);
    else if (await this.#d.users.byName(name)) throw nameTaken(); // lost a race for the name
    return CHECK_INBOX;
  }

  /**
   * Consumes a verification link and signs the reader in (issue 16 item 14): the link proved the
   * mailbox, as a reset link does, so asking for the password next adds nothing. A banned
   * account is verified but gets no session.
   */
  async verifyEmail(token: string): Promise<{ user: User; session: NewSession | null }> {
    const userId = await this.#d.users.consumeOneTime(tokenHash(token), 'verify', this.#iso());
    if (userId === null)
      throw new InvalidInputError('This link is invalid, used or expired. Log in to get a new one.');
    await this.#d.users.markVerified(userId, this.#iso());
    const user = (await this.#d.users.byId(userId))!;
    return { user, session: user.bannedAt ? null : await this.#startSession(user) };
  }

  async login(input: { email: string; password: string }, ip: string): Promise<NewSession> {
    await this.#d.limiter.check(
      `login:ip:${ip}`,
      LIMITS.loginPerIp,
      'Too many login attempts; wait a few minutes.',
    );
    const email = normalizeEmail(input.email);
    const pairKey = `login:fail:${email}|${ip}`;
    const pair = await this.#d.limiter.peek(pairKey, LIMITS.loginFailuresPerAccountAndIp);
    if (!pair.allowed)
      throw new RateLimitedError(
        `Too many wrong passwords for this account from your network; wait ${Math.ceil(pair.resetSeconds / 60)} minutes or reset your password.`,
        pair.resetSeconds,
      );
    const user = await this.#d.users.byEmail(email);
    const ok =
      input.password.length <= 256 && user
        ? await this.#d.hasher.verify(user.passwordHash, input.password)
        : await this.#d.hasher.verifyNobody(input.password.slice(0, 256));
    if (!user || !ok) {
      // Keyed by the address typed, known or not, so the slowdown tells nothing about accounts.
      await this.#d.limiter.hit(pairKey, LIMITS.loginFailuresPerAccountAndIp);
      const n = (await this.#d.limiter.hit(`login:fail:${email}`, LIMITS.loginFailuresPerAccount)).count;
      const delay = failureDelayMs(n);
      if (delay > 0) await this.#sleep(delay);
      throw new UnauthorizedError(WRONG_LOGIN);
    }
    if (user.bannedAt) throw new ForbiddenError('This account is banned.');
    if (!user.emailVerifiedAt) {
      this.#sendLater(user, 'verify', ip);
      throw new ForbiddenError(
        `Confirm your email address first: we sent you a new link (up to ${MAILS_PER_ACCOUNT_PER_DAY} a day).`,
      );
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

  /** Ends every session of the account but this browser's. API tokens are not sessions: they stay. */
  async logoutOthers(user: User, keepToken: string): Promise<void> {
    await this.#d.users.deleteSessions(user.id, tokenHash(keepToken));
  }

  /**
   * Always answers CHECK_INBOX for a well-formed address, after the same work for known and
   * unknown ones (one lookup); the mail, if any, goes out after the answer.
   */
  async requestReset(rawEmail: string, ip: string): Promise<string> {
    await this.#d.limiter.check(
      `reset:ip:${ip}`,
      LIMITS.resetPerIp,
      'Too many reset requests; try again later.',
    );
    const email = normalizeEmail(rawEmail);
    const user = await this.#d.users.byEmail(email);
    if (user && !user.bannedAt) this.#sendLater(user, 'reset', ip);
    return CHECK_INBOX;
  }

  /**
   * Sets a new password from a reset link: every session of the account ends and every other
   * reset link stops working, in one transaction. API tokens stay (the caller lists them).
   */
  async resetPassword(token: string, newPassword: string, ip: string): Promise<User> {
    await this.#d.limiter.check(
      `reset-submit:ip:${ip}`,
      LIMITS.resetSubmitPerIp,
      'Too many attempts; try again later.',
    );
    const password = validatePassword(newPassword);
    const passwordHash = await this.#d.hasher.hash(password);
    const userId = await this.#d.users.completeReset(tokenHash(token), passwordHash, this.#iso());
    if (userId === null)
      throw new InvalidInputError('This link is invalid, used or expired. Ask for a new one.');
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

  /**
   * Checks the signed-in reader's password before an irreversible step (deleting the account): a
   * stolen session alone cannot do it. Wrong answers are limited per account as logins are per
   * (account, client), so the form cannot be used to guess the password.
   */
  async confirmPassword(user: User, password: string): Promise<void> {
    await checkPassword(this.#d, user, password, 'Wrong password: nothing was deleted.');
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
