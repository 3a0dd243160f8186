/**
 * The one-time setup link. While no admin account exists, `paperboy serve` (and `paperboy setup`)
 * print `<baseUrl>/setup?token=…`; the setup page creates the admin with it and the token is
 * deleted in the same step, so a used or leaked link is refused afterwards.
 *
 * The token is stored as given, not hashed, so `paperboy setup` can print the same link again:
 * whoever can read the database already controls the site, and the token is worthless once an
 * admin exists.
 */
import { newToken, sameSecret } from '../users/secrets.ts';
import type { SetupStore } from './store.ts';

const TOKEN_KEY = 'setup_token';

export interface SetupTokenRecord {
  token: string;
  createdAt: string;
}

/** The setup URL to print, creating the token if needed; null once an admin exists. */
export async function setupUrl(store: SetupStore, baseUrl: string, now = new Date()): Promise<string | null> {
  if ((await store.firstRun.adminCount()) > 0) return null;
  let rec = await store.firstRun.getSetting<SetupTokenRecord>(TOKEN_KEY);
  if (!rec) {
    rec = { token: newToken(), createdAt: now.toISOString() };
    await store.firstRun.setSetting(TOKEN_KEY, rec, rec.createdAt);
    // Two processes starting at once may both write; read back so both print the one that won.
    rec = (await store.firstRun.getSetting<SetupTokenRecord>(TOKEN_KEY)) ?? rec;
  }
  return `${baseUrl.replace(/\/$/, '')}/setup?token=${rec.token}`;
}

/** True while setup is pending and `token` is the current one (constant-time compare). */
export async function tokenValid(store: SetupStore, token: unknown): Promise<SetupTokenRecord | null> {
  if (typeof token !== 'string' || token.length < 20 || token.length > 100) return null;
  const rec = await store.firstRun.getSetting<SetupTokenRecord>(TOKEN_KEY);
  if (!rec || !sameSecret(rec.token, token)) return null;
  if ((await store.firstRun.adminCount()) > 0) return null;
  return rec;
}

/** Consumes the token atomically; false when another request used it first. */
export async function consumeToken(store: SetupStore, rec: SetupTokenRecord): Promise<boolean> {
  return store.firstRun.takeSetting(TOKEN_KEY, rec);
}

export async function restoreToken(store: SetupStore, rec: SetupTokenRecord): Promise<void> {
  await store.firstRun.setSetting(TOKEN_KEY, rec, rec.createdAt);
}
