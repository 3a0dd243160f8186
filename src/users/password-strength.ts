/**
 * How guessable a password is, by zxcvbn (@zxcvbn-ts/core with the common-password and English
 * dictionaries). Loaded on the first check and kept: the dictionaries take ~0.5 s and ~9 MB to
 * load, which a process that never sets a password (the CLI, a reader-only instance) never pays.
 * `createRequire` keeps the check synchronous (validatePassword is called from sync code).
 */
import { createRequire } from 'node:module';
import type { ZxcvbnFactory } from '@zxcvbn-ts/core';

/** zxcvbn's scale is 0–4; 3 is "safely unguessable" for an online attack (~10^8 guesses). */
export const MIN_PASSWORD_SCORE = 3;
/**
 * Only this many leading characters are scored, and l33t variants are tried one substitution
 * deep: on this machine a random 256-character password took 3.7 s of event-loop time with the
 * defaults (256 characters, 100 substitutions), 64 characters still 0.8 s; with both bounds the
 * worst of 30 random 256-character inputs took ~70 ms, and `P@ssw0rd` still scores 0. A strong
 * prefix makes the whole password strong, so a long passphrase loses nothing by the cut.
 */
const SCORED_LENGTH = 64;
const L33T_SUBSTITUTIONS = 1;

let checker: ZxcvbnFactory | null = null;

function load(): ZxcvbnFactory {
  const require = createRequire(import.meta.url);
  const core = require('@zxcvbn-ts/core') as typeof import('@zxcvbn-ts/core');
  const common = require('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common');
  const en = require('@zxcvbn-ts/language-en') as typeof import('@zxcvbn-ts/language-en');
  return new core.ZxcvbnFactory({
    translations: en.translations,
    graphs: common.adjacencyGraphs,
    dictionary: { ...common.dictionary, ...en.dictionary },
    maxLength: SCORED_LENGTH,
    l33tMaxSubstitutions: L33T_SUBSTITUTIONS,
  });
}

export interface Strength {
  score: number;
  /** Why it is weak (zxcvbn's warning), if it says. */
  warning: string | null;
  suggestions: string[];
}

/** The password's strength; `userInputs` (name, email) count as known words. */
export function passwordStrength(password: string, userInputs: string[] = []): Strength {
  checker ??= load();
  const r = checker.check(password, userInputs);
  return { score: r.score, warning: r.feedback.warning, suggestions: r.feedback.suggestions };
}

/** Whether the dictionaries are loaded (tests check that importing does not load them). */
export const strengthLoaded = (): boolean => checker !== null;
