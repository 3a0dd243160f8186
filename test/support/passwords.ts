/**
 * The password tests sign up and reset with. The site refuses guessable passwords
 * (users/user.ts validatePassword: zxcvbn score ≥ 3), so tests share one that passes.
 */
export const STRONG_PASSWORD = 'correct horse battery';
/** A second strong one, for "change the password" steps. */
export const OTHER_STRONG_PASSWORD = 'a new long password';
