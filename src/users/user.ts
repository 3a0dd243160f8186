/** Rules for what a user types: email, public name, password. Pure. */
import { InvalidInputError } from '../errors.ts';
import { MAX_PASSWORD_LENGTH } from './password.ts';

export const MIN_PASSWORD_LENGTH = 8;
const EMAIL = /^[^\s@<>"(),;:\\[\]]+@[^\s@<>"(),;:\\[\]]+\.[^\s@<>"(),;:\\[\]]+$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{1,29}$/;

/** Trimmed and lowercased, so one mailbox is one account. */
export function normalizeEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (email.length > 254 || !EMAIL.test(email)) throw new InvalidInputError('Enter a valid email address.');
  return email;
}

export function validateName(raw: string): string {
  const name = raw.trim();
  if (!NAME.test(name))
    throw new InvalidInputError(
      'Names are 2–30 letters, digits, "-" or "_", starting with a letter or digit.',
    );
  return name;
}

export function validatePassword(pw: string): string {
  if (pw.length < MIN_PASSWORD_LENGTH)
    throw new InvalidInputError(`Passwords need at least ${MIN_PASSWORD_LENGTH} characters.`);
  if (pw.length > MAX_PASSWORD_LENGTH)
    throw new InvalidInputError(`Passwords can be at most ${MAX_PASSWORD_LENGTH} characters.`);
  return pw;
}

export const canModerate = (u: { role: string }) => u.role === 'moderator' || u.role === 'admin';
