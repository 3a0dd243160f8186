/** Rules for what a user types: email, public name, password. Pure. */
import { isMailAddress, normalizeAddress } from '../digest/mail.ts';
import { InvalidInputError } from '../errors.ts';
import { MAX_PASSWORD_LENGTH } from './password.ts';
import { MIN_PASSWORD_SCORE, passwordStrength } from './password-strength.ts';

export const MIN_PASSWORD_LENGTH = 8;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{1,29}$/;

/**
 * Trimmed and lowercased, so one mailbox is one account. The rule is the mailer's own
 * (digest/mail.ts isMailAddress, also used by the digest subscription form): an address the
 * mailer would refuse (`üser@example.org`, `x@exa_mple.org`) used to pass here, create an account
 * holding the name, and fail with a 500 when the verification mail was sent.
 */
export function normalizeEmail(raw: string): string {
  const email = normalizeAddress(raw);
  if (!isMailAddress(email))
    throw new InvalidInputError(
      `"${email.slice(0, 80)}" is not an email address we can send to: use plain ASCII letters, digits and .!#$%&'*+/=?^_\`{|}~- before the @, and a domain of letters, digits and hyphens after it.`,
    );
  return email;
}

/** The rules in words, as the forms say them (sign-up, setup, settings). */
export const HANDLE_RULE = '2–30 letters (a–z), digits, "-" or "_", starting with a letter or digit';
export const DISPLAY_NAME_RULE = '2–50 characters; spaces and letters of any language are fine';
const DISPLAY_MAX = 50;

/** A handle: the profile address /users/<handle>. */
function validateName(raw: string): string {
  const name = raw.trim();
  if (!NAME.test(name))
    throw new InvalidInputError(
      `Handle: "${name.slice(0, 40)}" cannot be used; a handle (your profile address, /users/<handle>) is ${HANDLE_RULE}.`,
    );
  return name;
}

/** The name shown: spaces collapsed, no control or format characters. */
export function validateDisplayName(raw: string): string {
  const name = raw.normalize('NFC').replace(/\s+/g, ' ').trim();
  if ([...name].length < 2 || [...name].length > DISPLAY_MAX || /[\p{Cc}\p{Cf}]/u.test(name))
    throw new InvalidInputError(
      `Name: "${name.slice(0, 60)}" cannot be used; a name is ${DISPLAY_NAME_RULE}.`,
    );
  return name;
}

/**
 * The handle made from a name when none is typed: a name that already is a handle is kept as it
 * is; otherwise accents are dropped, letters lowercased, and every run of other characters
 * becomes one "-" ("Ada Admin" → "ada-admin", "Zoë Ångström" → "zoe-angstrom"). Null when
 * nothing usable is left (a name in another script): the reader types a handle then.
 */
function handleFrom(displayName: string): string | null {
  if (NAME.test(displayName)) return displayName;
  const h = displayName
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '-')
    .replace(/^[-_]+/, '')
    .slice(0, 30)
    .replace(/-+$/, '');
  return NAME.test(h) ? h : null;
}

/** The name shown and the handle, from a form's "name" and optional "handle" fields. */
export function accountNames(input: { name: string; handle?: string | undefined }): {
  name: string;
  displayName: string;
} {
  const displayName = validateDisplayName(input.name);
  const typed = (input.handle ?? '').trim();
  if (typed) return { name: validateName(typed), displayName };
  const derived = handleFrom(displayName);
  if (!derived)
    throw new InvalidInputError(
      `Handle: none can be made from the name "${displayName}"; type one in the Handle field (${HANDLE_RULE}).`,
    );
  return { name: derived, displayName };
}

/**
 * The one password rule (sign-up, reset, the setup page): a length range, not only spaces, and
 * not easy to guess (zxcvbn score ≥ MIN_PASSWORD_SCORE, with its reason in the message).
 * `userInputs` (the email, the name) make passwords built from them weak.
 */
export function validatePassword(pw: string, userInputs: string[] = []): string {
  if (pw.length < MIN_PASSWORD_LENGTH)
    throw new InvalidInputError(`Passwords need at least ${MIN_PASSWORD_LENGTH} characters.`);
  if (pw.length > MAX_PASSWORD_LENGTH)
    throw new InvalidInputError(`Passwords can be at most ${MAX_PASSWORD_LENGTH} characters.`);
  if (pw.trim() === '') throw new InvalidInputError('A password cannot be only spaces.');
  const s = passwordStrength(pw, userInputs);
  if (s.score < MIN_PASSWORD_SCORE) {
    const why = s.warning ?? 'It would be guessed quickly.';
    const fix = s.suggestions.length ? s.suggestions.join(' ') : 'Add another uncommon word or two.';
    throw new InvalidInputError(`This password is too easy to guess. ${why} ${fix}`);
  }
  return pw;
}

export const canModerate = (u: { role: string }) => u.role === 'moderator' || u.role === 'admin';
