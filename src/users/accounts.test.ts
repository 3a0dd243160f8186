/**
 * Login throttling on the service, with the waits recorded instead of slept (issue 12): an
 * account guessed at from many clients answers wrong passwords more and more slowly, up to a
 * cap, and the right password is never slowed or refused for it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { SqliteStore } from '../app/sqlite.store.ts';
import { UnauthorizedError } from '../errors.ts';
import { AccountService, failureDelayMs, MAX_FAILURE_DELAY_MS } from './accounts.ts';
import { PasswordHasher } from './password.ts';
import { RateLimiter } from './rate-limit.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'paperboy-accounts-'));
const store = new SqliteStore(path.join(dir, 'paperboy.db'));
after(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

test('failureDelayMs: free failures, then doubling, then the cap', () => {
  const delays = [1, 5, 6, 7, 8, 9, 10, 11, 12, 50].map(failureDelayMs);
  assert.deepEqual(delays, [0, 0, 250, 500, 1000, 2000, 4000, 8000, 8000, MAX_FAILURE_DELAY_MS]);
});

test('wrong passwords from many clients slow down; the right one is answered at once', async () => {
  const hasher = new PasswordHasher();
  const waits: number[] = [];
  const accounts = new AccountService({
    users: store.users,
    hasher,
    limiter: new RateLimiter(),
    mailer: () => {
      throw new Error('no mail here');
    },
    baseUrl: 'http://localhost',
    siteName: () => 'test',
    sleep: async (ms) => {
      waits.push(ms);
    },
  });
  const now = new Date().toISOString();
  const u = await store.users.create({
    email: 'owner@example.org',
    name: 'owner',
    passwordHash: await hasher.hash('correct horse battery'),
    now,
  });
  await store.users.markVerified(u!.id, now);
  for (let i = 1; i <= 8; i++)
    await assert.rejects(
      accounts.login({ email: 'owner@example.org', password: 'wrong guess' }, `198.51.100.${i}`),
      UnauthorizedError,
    );
  assert.deepEqual(waits, [250, 500, 1000], 'the 6th, 7th and 8th wrong password waited');
  const session = await accounts.login(
    { email: 'owner@example.org', password: 'correct horse battery' },
    '203.0.113.1',
  );
  assert.equal(session.user.id, u!.id);
  assert.deepEqual(waits, [250, 500, 1000], 'the right password did not wait');
});
