/**
 * Account settings storage (issue 16 item 14, migration 014) on both databases: the display name
 * beside the handle, a password change that keeps this session only, and an email change that
 * counts only once its link is followed (once, before it expires, unless another account has
 * the address by then), with pending changes gone when the account is deleted.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Store } from '../../src/app/store.ts';

const NOW = '2097-03-01T10:00:00.000Z';
const LATER = '2097-03-01T11:00:00.000Z';
const EXPIRES = '2097-03-03T10:00:00.000Z';
const AFTER_EXPIRY = '2097-03-04T10:00:00.000Z';

async function account(s: Store, handle: string, displayName?: string) {
  const u = await s.users.create({
    email: `${handle}@example.org`,
    name: handle,
    ...(displayName ? { displayName } : {}),
    passwordHash: '$argon2id$old',
    now: NOW,
  });
  assert.ok(u, handle);
  return u;
}

async function session(s: Store, userId: number, hash: string) {
  await s.users.createSession({ tokenHash: hash, userId, csrfToken: 'c', now: NOW, expiresAt: EXPIRES });
}

export function accountSettingsContract(store: () => Store): void {
  describe('account settings', () => {
    test('a display name is kept beside the handle; without one the handle is shown', async () => {
      const s = store();
      const ada = await account(s, 'as-ada-admin', 'Ada Admin');
      assert.equal(ada.name, 'as-ada-admin');
      assert.equal(ada.displayName, 'Ada Admin');
      const plain = await account(s, 'as-plain');
      assert.equal(plain.displayName, 'as-plain');
      await s.users.setDisplayName(plain.id, 'Zoë Ångström');
      assert.equal((await s.users.byName('as-plain'))!.displayName, 'Zoë Ångström');
      assert.equal((await s.users.byEmail('as-plain@example.org'))!.displayName, 'Zoë Ångström');
    });

    test('a password change keeps this session only and spends unused reset links', async () => {
      const s = store();
      const u = await account(s, 'as-pw');
      await session(s, u.id, 'as-pw-this');
      await session(s, u.id, 'as-pw-other');
      await s.users.createOneTime({
        tokenHash: 'as-pw-reset',
        userId: u.id,
        purpose: 'reset',
        now: NOW,
        expiresAt: EXPIRES,
      });
      await s.users.changePassword(u.id, '$argon2id$new', 'as-pw-this', LATER);
      assert.equal((await s.users.byEmail('as-pw@example.org'))!.passwordHash, '$argon2id$new');
      assert.ok(await s.users.session('as-pw-this', LATER), 'this browser stays signed in');
      assert.equal(await s.users.session('as-pw-other', LATER), null, 'other sessions end');
      assert.equal(
        await s.users.completeReset('as-pw-reset', '$argon2id$x', LATER),
        null,
        'old reset link spent',
      );
    });

    test('an email change counts once its link is followed; once; not after it expires', async () => {
      const s = store();
      const u = await account(s, 'as-mail');
      const change = (tokenHash: string, newEmail: string) =>
        s.users.createEmailChange({ tokenHash, userId: u.id, newEmail, now: NOW, expiresAt: EXPIRES });
      await change('as-mail-1', 'as-mail-new@example.org');
      await change('as-mail-2', 'as-mail-other@example.org');
      assert.equal(await s.users.countEmailChanges(u.id, NOW), 2);
      assert.equal(await s.users.countEmailChanges(u.id, LATER), 0);
      // Pending: the old address is still the account's.
      assert.equal((await s.users.byId(u.id))!.email, 'as-mail@example.org');
      assert.equal(await s.users.completeEmailChange('as-mail-1', AFTER_EXPIRY), null, 'expired');
      assert.equal(await s.users.completeEmailChange('unknown', LATER), null);
      assert.deepEqual(await s.users.completeEmailChange('as-mail-1', LATER), {
        userId: u.id,
        email: 'as-mail-new@example.org',
      });
      const now = (await s.users.byId(u.id))!;
      assert.equal(now.email, 'as-mail-new@example.org');
      assert.ok(now.emailVerifiedAt, 'following the link proved the address');
      assert.equal(await s.users.byEmail('as-mail@example.org'), null);
      assert.equal(await s.users.completeEmailChange('as-mail-1', LATER), null, 'a link works once');
      assert.equal(
        await s.users.completeEmailChange('as-mail-2', LATER),
        null,
        'other pending changes are spent',
      );
    });

    test('an address another account has by now is not taken over; the link stays usable', async () => {
      const s = store();
      const u = await account(s, 'as-race');
      await s.users.createEmailChange({
        tokenHash: 'as-race-1',
        userId: u.id,
        newEmail: 'as-race-win@example.org',
        now: NOW,
        expiresAt: EXPIRES,
      });
      const other = await account(s, 'as-race-win');
      assert.equal(await s.users.completeEmailChange('as-race-1', LATER), 'taken');
      assert.equal((await s.users.byId(u.id))!.email, 'as-race@example.org');
      assert.equal((await s.users.byId(other.id))!.email, 'as-race-win@example.org');
    });

    test('deleting the account deletes its pending email changes', async () => {
      const s = store();
      const u = await account(s, 'as-gone');
      await s.users.createEmailChange({
        tokenHash: 'as-gone-1',
        userId: u.id,
        newEmail: 'as-gone-new@example.org',
        now: NOW,
        expiresAt: EXPIRES,
      });
      await s.accountData.deleteAccount(u.id, LATER);
      assert.equal(await s.users.countEmailChanges(u.id, NOW), 0);
      assert.equal(await s.users.completeEmailChange('as-gone-1', LATER), null);
    });
  });
}
