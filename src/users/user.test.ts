/** The password and address rules (issue 12), and that zxcvbn loads on first use only. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InvalidInputError } from '../errors.ts';
import { strengthLoaded } from './password-strength.ts';
import { normalizeEmail, validatePassword } from './user.ts';

test('zxcvbn is loaded by the first password check, not by importing the rules', () => {
  assert.equal(strengthLoaded(), false);
  validatePassword('correct horse battery');
  assert.equal(strengthLoaded(), true);
});

test('validatePassword refuses short, long, blank and guessable passwords, saying why', () => {
  const refused: [string, RegExp][] = [
    ['short', /at least 8 characters/],
    ['x'.repeat(257), /at most 256/],
    [' '.repeat(12), /only spaces/],
    ['\t\t\t\t\t\t\t\t\t', /only spaces/],
    ['password1', /too easy to guess\. This is a commonly used password\./],
    ['qwertyuiop', /too easy to guess/],
    ['11111111', /too easy to guess/],
    ['P@ssw0rd', /too easy to guess/],
  ];
  for (const [pw, why] of refused)
    assert.throws(
      () => validatePassword(pw),
      (e: unknown) => e instanceof InvalidInputError && why.test(e.message),
      pw,
    );
  for (const pw of ['correct horse battery', 'staple-orbit-lantern-42', 'Tr0ub4dour&3x'])
    assert.equal(validatePassword(pw), pw);
  // Built from the user's own name: weak for that user.
  assert.throws(() => validatePassword('marguerite2024', ['marguerite']), InvalidInputError);
});

test('normalizeEmail uses the mailer’s rule (digest/mail.ts isMailAddress)', () => {
  assert.equal(normalizeEmail('  Ada@Example.ORG '), 'ada@example.org');
  for (const bad of [
    'üser@example.org',
    'x@exa_mple.org',
    'a@b',
    'no-at.example.org',
    'a@-x.org',
    'a b@x.org',
  ])
    assert.throws(() => normalizeEmail(bad), /not an email address we can send to/, bad);
});
