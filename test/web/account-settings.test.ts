/**
 * Issue 16 items 14 and 15 through the real pages: names with spaces at sign-up (a handle made
 * from them, the rule said on the form), `/settings` with name, password, re-verified address,
 * the digest subscription of the account's address, API tokens and deletion; profiles list
 * upvotes and submissions by title.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startApp, type TestApp } from '../support/app.ts';
import { makePaper } from '../support/papers.ts';
import { OTHER_STRONG_PASSWORD, STRONG_PASSWORD } from '../support/passwords.ts';
import { lastMail, linkIn, mailCount, signUpAndLogIn, WebClient } from '../support/web-client.ts';

let t: TestApp;
before(async () => {
  t = await startApp({ config: { pageCacheMs: 0 } });
});
after(() => t.close());

/** The path+query of the email-change link in a mail. */
function changeLink(text: string): string {
  const m = /https?:\/\/[^\s/]+(\/settings\/email\/confirm\?token=[A-Za-z0-9_-]+)/.exec(text);
  if (!m) throw new Error(`no email-change link in:\n${text}`);
  return m[1]!;
}

async function logIn(email: string, password: string) {
  const c = new WebClient(t.url);
  const res = await c.submit('/login', '/login', { email, password, next: '/' });
  return { c, status: res.status, text: await res.text() };
}

test('sign-up takes a name with spaces as the display name, makes the handle from it, and says the rule', async () => {
  const form = await new WebClient(t.url).text('/signup');
  assert.match(form, /Ada Admin gets ada-admin/);
  assert.match(form, /name="handle"/);
  const c = new WebClient(t.url);
  const res = await c.submit('/signup', '/signup', {
    email: 'ada.admin@example.org',
    name: 'Ada Admin',
    password: STRONG_PASSWORD,
  });
  assert.equal(res.status, 200, await res.text());
  const link = linkIn((await lastMail(t.dataDir, 'ada.admin@example.org')).text, 'verify');
  const token = new URL(link, 'http://x').searchParams.get('token')!;
  assert.equal((await c.submit(link, '/verify', { token })).status, 200);
  const profile = await c.text('/users/ada-admin');
  assert.match(profile, /<h1>Ada Admin/);
  assert.match(profile, /@ada-admin/);

  // A taken handle names the field; a typed handle is used as typed.
  const again = await new WebClient(t.url).submit('/signup', '/signup', {
    email: 'ada2@example.org',
    name: 'Ada Admin',
    password: STRONG_PASSWORD,
  });
  assert.equal(again.status, 400);
  const text = await again.text();
  assert.match(text, /Handle: &quot;ada-admin&quot; is taken/);
  assert.match(text, /value="Ada Admin"/, 'what was typed stays');
  const bad = await new WebClient(t.url).submit('/signup', '/signup', {
    email: 'ada3@example.org',
    name: 'Ada Admin',
    handle: 'ada admin!',
    password: STRONG_PASSWORD,
  });
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /Handle: .*cannot be used; a handle .* is 2–30 letters/);
});

test('/settings: signed-out readers log in first; the page has every part of the account', async () => {
  const anon = await new WebClient(t.url).get('/settings');
  assert.equal(anon.status, 303);
  assert.equal(anon.headers.get('location'), '/login?next=/settings');
  const c = await signUpAndLogIn(t.url, t.dataDir, 'setpage');
  const page = await c.text('/settings');
  for (const action of [
    '/settings/name',
    '/settings/password',
    '/settings/email',
    '/settings/account/delete',
    '/digest/subscribe',
  ])
    assert.match(page, new RegExp(`action="${action}"`), action);
  assert.match(page, /Deleted at once: your account, login sessions, API tokens/);
  assert.match(page, /href="\/users\/setpage#tokens"/);
  // The digest form is prefilled with the account's address.
  assert.match(page, /name="email" value="setpage@example.org"/);

  const sub = await c.submit('/settings', '/digest/subscribe', {
    email: 'setpage@example.org',
    frequency: 'weekly',
    weekday: '1',
    form: 'account',
  });
  assert.equal(sub.status, 200);
  const after = await c.text('/settings');
  assert.match(after, /waits for the link in the confirmation mail/);
  assert.match(after, /href="[^"]*\/digest\/preferences\/[^"]+">Digest preferences/);
});

test('display name: saved and shown; a refused one names the field and keeps what was typed', async () => {
  const c = await signUpAndLogIn(t.url, t.dataDir, 'renamer');
  const ok = await c.submit('/settings', '/settings/name', { name: 'Grace  Hopper' });
  assert.equal(ok.status, 200);
  assert.match(await ok.text(), /shown as “Grace Hopper”/);
  assert.match(await c.text('/users/renamer'), /<h1>Grace Hopper/);
  const bad = await c.submit('/settings', '/settings/name', { name: 'x' });
  assert.equal(bad.status, 400);
  const text = await bad.text();
  assert.match(text, /Name: &quot;x&quot; cannot be used; a name is 2–50 characters/);
  assert.match(text, /id="display-name"[^>]*value="x"/);
});

test('password: the current one is asked, the new one follows the sign-up rules, other sessions end', async () => {
  const c = await signUpAndLogIn(t.url, t.dataDir, 'pwchanger');
  const other = await logIn('pwchanger@example.org', STRONG_PASSWORD);
  assert.equal(other.status, 303);

  const wrong = await c.submit('/settings', '/settings/password', {
    current: 'nope',
    password: OTHER_STRONG_PASSWORD,
  });
  assert.equal(wrong.status, 401);
  assert.match(await wrong.text(), /Current password: wrong; nothing was changed/);
  const weak = await c.submit('/settings', '/settings/password', {
    current: STRONG_PASSWORD,
    password: 'password1',
  });
  assert.equal(weak.status, 400);
  assert.match(await weak.text(), /too easy to guess/);

  const done = await c.submit('/settings', '/settings/password', {
    current: STRONG_PASSWORD,
    password: OTHER_STRONG_PASSWORD,
  });
  assert.equal(done.status, 200);
  assert.match(await done.text(), /Password changed/);
  assert.match(await c.text('/'), /\/users\/pwchanger/, 'this browser stays signed in');
  assert.doesNotMatch(await other.c.text('/'), /\/users\/pwchanger/, 'the other session ended');
  assert.equal((await logIn('pwchanger@example.org', STRONG_PASSWORD)).status, 401);
  assert.equal((await logIn('pwchanger@example.org', OTHER_STRONG_PASSWORD)).status, 303);
});

test('email: the new address confirms by its link; the old one stays until then and is told', async () => {
  const c = await signUpAndLogIn(t.url, t.dataDir, 'mover');
  const wrong = await c.submit('/settings', '/settings/email', {
    email: 'moved@example.org',
    password: 'nope',
  });
  assert.equal(wrong.status, 401);
  assert.match(await wrong.text(), /value="moved@example.org"/, 'the typed address stays');
  const before = await mailCount(t.dataDir);
  const asked = await c.submit('/settings', '/settings/email', {
    email: 'Moved@Example.org',
    password: STRONG_PASSWORD,
  });
  assert.equal(asked.status, 200);
  assert.match(await asked.text(), /Check the inbox of moved@example.org/);
  assert.equal(await mailCount(t.dataDir), before + 2);
  const notice = await lastMail(t.dataDir, 'mover@example.org');
  assert.match(notice.text, /asked to change its address to moved@example.org/);
  const link = changeLink((await lastMail(t.dataDir, 'moved@example.org')).text);

  // Not yet: the old address still logs in, the new one does not.
  assert.equal((await logIn('mover@example.org', STRONG_PASSWORD)).status, 303);
  assert.equal((await logIn('moved@example.org', STRONG_PASSWORD)).status, 401);

  // The link's GET shows a button only; the POST changes the address, once.
  const elsewhere = new WebClient(t.url);
  assert.match(await elsewhere.text(link), /Make this my address/);
  const token = new URL(link, 'http://x').searchParams.get('token')!;
  const confirmed = await elsewhere.submit(link, '/settings/email/confirm', { token });
  assert.equal(confirmed.status, 200);
  assert.match(await confirmed.text(), /moved@example.org is now the address of your account/);
  assert.equal((await elsewhere.submit(link, '/settings/email/confirm', { token })).status, 400);
  assert.equal((await logIn('mover@example.org', STRONG_PASSWORD)).status, 401);
  assert.equal((await logIn('moved@example.org', STRONG_PASSWORD)).status, 303);

  // An address another account has gets the same answer and no mail.
  const count = await mailCount(t.dataDir);
  const taken = await c.submit('/settings', '/settings/email', {
    email: 'renamer@example.org',
    password: STRONG_PASSWORD,
  });
  assert.equal(taken.status, 200);
  assert.match(await taken.text(), /Check the inbox of renamer@example.org/);
  assert.equal(await mailCount(t.dataDir), count);
});

test('profiles list upvotes and submissions by title, linking to the papers (item 15)', async () => {
  await t.store.papers.upsertMany([
    makePaper({ arxivId: '2401.01615', title: 'Voted paper about $\\ell_1$ sparsity' }),
  ]);
  const c = await signUpAndLogIn(t.url, t.dataDir, 'voter15');
  const user = (await t.store.users.byName('voter15'))!;
  const paper = (await t.store.papers.get('2401.01615'))!;
  await t.store.community.setVote(user.id, paper.id, true, new Date().toISOString());
  const profile = await c.text('/users/voter15');
  assert.match(profile, /<a href="\/papers\/2401.01615">Voted paper about <math/);
  assert.doesNotMatch(profile, />arXiv:2401.01615<\/a>/, 'not the bare id as the link');
});
