/**
 * What a signed-in reader changes about the account on /settings (issue 16 item 14): the name
 * shown, the password, the email address. Each change that could hand the account to someone
 * else (password, address) asks for the current password first, so a stolen session alone
 * cannot take the account over; a new address counts only once the link mailed to it is
 * followed, and until then the old one stays the account's.
 */
import type { Mailer } from '../digest/mail.ts';
import { InvalidInputError, RateLimitedError, UnauthorizedError } from '../errors.ts';
import { sendAfterAnswer } from './mail-later.ts';
import type { PasswordHasher } from './password.ts';
import type { Limit, RateLimiter } from './rate-limit.ts';
import { newToken, tokenHash } from './secrets.ts';
import type { User, UserRepository } from './types.ts';
import { normalizeEmail, validateDisplayName, validatePassword } from './user.ts';

const HOUR = 3_600_000;
const EMAIL_LINK_HOURS = 48;
/** Email-change links per account per day (each is a mail to an address the reader typed). */
const EMAIL_CHANGES_PER_DAY = 5;
/** Wrong current passwords per account before a pause: the same bound as wrong logins (accounts.ts). */
const WRONG_PASSWORDS: Limit = { max: 5, windowMs: 15 * 60_000 };

export interface SettingsDeps {
  users: UserRepository;
  hasher: PasswordHasher;
  limiter: RateLimiter;
  mailer: () => Mailer;
  baseUrl: string;
  siteName: () => string;
}

/**
 * The signed-in reader's own password, before a step a stolen session must not take alone.
 * Wrong answers are limited per account, so the form cannot be used to guess the password.
 */
export async function checkPassword(
  d: Pick<SettingsDeps, 'users' | 'hasher' | 'limiter'>,
  user: User,
  password: string,
  wrong: string,
): Promise<void> {
  const key = `confirm:fail:${user.id}`;
  const state = await d.limiter.peek(key, WRONG_PASSWORDS);
  if (!state.allowed)
    throw new RateLimitedError(
      `Too many wrong passwords; wait ${Math.ceil(state.resetSeconds / 60)} minutes.`,
      state.resetSeconds,
    );
  const stored = await d.users.byEmail(user.email);
  const ok =
    stored !== null && password.length <= 256 && (await d.hasher.verify(stored.passwordHash, password));
  if (!ok) {
    await d.limiter.hit(key, WRONG_PASSWORDS);
    throw new UnauthorizedError(wrong);
  }
}

export class AccountSettings {
  readonly #d: SettingsDeps;
  readonly #now: () => Date;
  readonly #onMailError: (err: unknown, what: string) => void;

  constructor(deps: SettingsDeps, now: () => Date, onMailError: (err: unknown, what: string) => void) {
    this.#d = deps;
    this.#now = now;
    this.#onMailError = onMailError;
  }

  #iso(offsetMs = 0): string {
    return new Date(this.#now().getTime() + offsetMs).toISOString();
  }

  async setDisplayName(user: User, raw: string): Promise<string> {
    const name = validateDisplayName(raw);
    await this.#d.users.setDisplayName(user.id, name);
    return name;
  }

  /**
   * A new password under the sign-up rules (zxcvbn, with the account's names and address as
   * weak inputs). Every other session ends and unused reset links stop working; this browser
   * stays signed in. API tokens and personal feed links stay (the page says so).
   */
  async changePassword(
    user: User,
    sessionToken: string,
    input: { current: string; password: string },
  ): Promise<void> {
    await checkPassword(this.#d, user, input.current, 'Current password: wrong; nothing was changed.');
    const password = validatePassword(input.password, [user.name, user.displayName, user.email]);
    if (password === input.current)
      throw new InvalidInputError('New password: it is the current one; choose a different one.');
    const hash = await this.#d.hasher.hash(password);
    await this.#d.users.changePassword(user.id, hash, tokenHash(sessionToken), this.#iso());
  }

  /**
   * Mails a confirmation link to the new address and a note to the old one. The answer is the
   * same whether or not another account has the new address (no mail goes there then), so the
   * form cannot tell who has an account.
   */
  async requestEmailChange(user: User, input: { email: string; password: string }): Promise<string> {
    const email = normalizeEmail(input.email);
    if (email === user.email) throw new InvalidInputError(`New email: ${email} is already your address.`);
    await checkPassword(this.#d, user, input.password, 'Password: wrong; the address was not changed.');
    const answer = `Check the inbox of ${email}: follow the link there within ${EMAIL_LINK_HOURS} hours to make it your address. Until then ${user.email} stays your address.`;
    if ((await this.#d.users.countEmailChanges(user.id, this.#iso(-24 * HOUR))) >= EMAIL_CHANGES_PER_DAY)
      throw new RateLimitedError(
        `You asked for ${EMAIL_CHANGES_PER_DAY} address changes today; try again tomorrow.`,
        24 * 3600,
      );
    if (await this.#d.users.byEmail(email)) return answer;
    const token = newToken();
    await this.#d.users.createEmailChange({
      tokenHash: tokenHash(token),
      userId: user.id,
      newEmail: email,
      now: this.#iso(),
      expiresAt: this.#iso(EMAIL_LINK_HOURS * HOUR),
    });
    const site = this.#d.siteName();
    const url = `${this.#d.baseUrl}/settings/email/confirm?token=${token}`;
    sendAfterAnswer(
      async () => {
        const mailer = this.#d.mailer();
        await mailer.send({
          to: email,
          subject: `${site}: confirm your new email address`,
          text: `Hello ${user.displayName},\n\nConfirm that ${email} is to be the address of your account "${user.name}":\n\n${url}\n\nThe link works once and for ${EMAIL_LINK_HOURS} hours. If you did not ask for this, ignore this message: nothing changes.\n`,
        });
        await mailer.send({
          to: user.email,
          subject: `${site}: a change of your email address was asked`,
          text: `Hello ${user.displayName},\n\nSomeone signed in to your account "${user.name}" asked to change its address to ${email}. Nothing changes until the link sent there is followed.\n\nIf this was not you, log in, change your password, and use "Log out everywhere else".\n`,
        });
      },
      (err) => this.#onMailError(err, `email-change mail for account ${user.id}`),
    );
    return answer;
  }

  /** Follows the link mailed to the new address: from now on the account has that address. */
  async confirmEmailChange(token: string): Promise<string> {
    const r = await this.#d.users.completeEmailChange(tokenHash(token), this.#iso());
    if (r === 'taken')
      throw new InvalidInputError(
        'Another account has this address by now, so your address was not changed. Choose another on your settings page.',
      );
    if (r === null)
      throw new InvalidInputError(
        'This link is invalid, used or expired; your address was not changed. Ask for a new link on your settings page.',
      );
    return r.email;
  }
}
