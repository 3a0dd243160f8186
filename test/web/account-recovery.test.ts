/**
 * Issue 12, item 5 (account recovery and enumeration), through the real app: reset mails go out
 * after the answer, throttling slows a guesser without locking the owner out, sign-up answers
 * the same for a taken name whatever the email, a reset kills older links and says API tokens
 * live on, guessable passwords and addresses the mailer cannot use are refused.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Mailer, MailMessage, SendResult } from '../../src/digest/mail.ts';
import { accountMailsSettled } from '../../src/users/accounts.ts';
import { PasswordHasher } from '../../src/users/password.ts';
import { startApp, type TestApp } from '../support/app.ts';
import { OTHER_STRONG_PASSWORD, STRONG_PASSWORD } from '../support/passwords.ts';
import { lastMail, linkIn, signUpAndLogIn, WebClient } from '../support/web-client.ts';

let t: TestApp;
const hasher = new PasswordHasher({ maxConcurrent: 2 });

before(async () => {
  t = await startApp({ config: { pageCacheMs: 0 }, siteOptions: { hasher } });
});
after(() => t.close());

const CSRF = 'tok1234567890abcdefghij';
/** A form POST from a given client address (the CSRF double-submit cookie set by hand). */
const postFrom = (app: TestApp, ip: string, url: string, fields: Record<string, string>) =>
  app.app.inject({
    method: 'POST',
    url,
    remoteAddress: ip,
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `__Host-pb_csrf=${CSRF}` },
    payload: new URLSearchParams({ csrf: CSRF, ...fields }).toString(),
  });

/** Mails written to `to` so far (after the account mails in flight). */
async function mailsTo(dataDir: string, to: string): Promise<number> {
  await accountMailsSettled();
  const dir = path.join(dataDir, 'mail');
  let files: string[];
  try {
    files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
  } catch {
    return 0;
  }
  return files.filter((f) => new RegExp(`^To: ${to}$`, 'mi').test(readFileSync(path.join(dir, f), 'utf8')))
    .length;
}

/** Page text without the per-request CSRF token, to compare answers. */
const normalize = (html: string) => html.replace(/name="csrf" value="[^"]+"/g, 'name="csrf"');

/** A mailer whose send() waits until released: shows whether an answer waited for the mail. */
function blockingMailer() {
  let entered!: () => void;
  const sendCalled = new Promise<void>((r) => {
    entered = r;
  });
  let release!: () => void;
  const released = new Promise<void>((r) => {
    release = r;
  });
  const sent: MailMessage[] = [];
  const mailer: Mailer = {
    kind: 'file',
    async send(m): Promise<SendResult> {
      entered();
      await released;
      sent.push(m);
      return { messageId: '<x@test>', accepted: true };
    },
    async verify() {},
    async close() {},
  };
  return { mailer, sendCalled, release, sent };
}

test('POST /reset-password answers a known address without waiting for the mail (same path as an unknown one)', async () => {
  const blocking = blockingMailer();
  const app = await startApp({ config: { pageCacheMs: 0 }, siteOptions: { mailer: blocking.mailer } });
  try {
    const u = await app.store.users.create({
      email: 'waiting@example.org',
      name: 'waiting',
      passwordHash: 'x',
      now: new Date().toISOString(),
    });
    await app.store.users.markVerified(u!.id, new Date().toISOString());
    const c = new WebClient(app.url);
    const answer = c.submit('/reset-password', '/reset-password', { email: 'waiting@example.org' });
    await blocking.sendCalled; // the mail is being sent, and stays blocked until released
    // A watchdog, not a timing assertion: before the fix the answer waited for the release.
    const first = await Promise.race([answer, sleep(10_000, 'still waiting')]);
    assert.notEqual(first, 'still waiting', 'the answer waited for the blocked mail');
    const res = first as Response;
    assert.equal(res.status, 200);
    const known = normalize(await res.text());
    const unknown = await c.submit('/reset-password', '/reset-password', { email: 'nobody@example.org' });
    assert.equal(unknown.status, 200);
    assert.equal(normalize(await unknown.text()), known);
    assert.equal(blocking.sent.length, 0, 'still blocked while both answers arrived');
    blocking.release();
    await accountMailsSettled();
    assert.equal(blocking.sent.length, 1);
    assert.equal(blocking.sent[0]!.to, 'waiting@example.org');
  } finally {
    blocking.release();
    await app.close();
  }
});

test('a reset mail that fails after the answer is logged, never the client’s error', async () => {
  const failing: Mailer = {
    kind: 'file',
    async send() {
      throw new Error('SMTP down');
    },
    async verify() {},
    async close() {},
  };
  const app = await startApp({ config: { pageCacheMs: 0 }, siteOptions: { mailer: failing } });
  try {
    await app.store.users.create({
      email: 'down@example.org',
      name: 'down',
      passwordHash: 'x',
      now: '2024-01-01',
    });
    const res = await postFrom(app, '192.0.2.50', '/reset-password', { email: 'down@example.org' });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /Check your inbox/);
    await accountMailsSettled();
  } finally {
    await app.close();
  }
});

test('10 wrong passwords from client A: A is throttled (429), the owner on client B logs in at once', async () => {
  await signUpAndLogIn(t.url, t.dataDir, 'besieged');
  const email = 'besieged@example.org';
  const fromA: number[] = [];
  for (let i = 0; i < 12; i++)
    fromA.push(
      (await postFrom(t, '198.51.100.66', '/login', { email, password: 'guess number one' })).statusCode,
    );
  assert.deepEqual(fromA.slice(0, 5), [401, 401, 401, 401, 401]);
  assert.deepEqual(fromA.slice(5), Array(7).fill(429), `A is throttled: ${fromA}`);
  const owner = await postFrom(t, '203.0.113.5', '/login', { email, password: STRONG_PASSWORD, next: '/' });
  assert.equal(owner.statusCode, 303, 'the owner on another client is not locked out');
  const againA = await postFrom(t, '198.51.100.66', '/login', { email, password: STRONG_PASSWORD });
  assert.equal(againA.statusCode, 429, 'A stays throttled for this account');
  assert.ok(Number(againA.headers['retry-after']) > 0);
});

test('reset mails: strangers asking from other clients do not use up the owner’s own; one client gets 2 a day', async () => {
  await signUpAndLogIn(t.url, t.dataDir, 'popular');
  const email = 'popular@example.org';
  const before = await mailsTo(t.dataDir, email);
  for (const ip of ['192.0.2.11', '192.0.2.12', '192.0.2.13', '192.0.2.14'])
    assert.equal((await postFrom(t, ip, '/reset-password', { email })).statusCode, 200);
  assert.equal(await mailsTo(t.dataDir, email), before + 4);
  const owner = await postFrom(t, '203.0.113.9', '/reset-password', { email });
  assert.equal(owner.statusCode, 200);
  assert.equal(await mailsTo(t.dataDir, email), before + 5, 'the owner’s own request still sends a mail');
  // One stranger repeating: its third request answers the same and sends nothing.
  for (let i = 0; i < 3; i++) {
    const r = await postFrom(t, '192.0.2.99', '/reset-password', { email });
    assert.equal(r.statusCode, 200);
    assert.match(r.body, /Check your inbox/);
  }
  assert.equal(await mailsTo(t.dataDir, email), before + 7);
});

test('sign-up with a taken name answers "name taken" whatever the email (the owner’s or not)', async () => {
  await signUpAndLogIn(t.url, t.dataDir, 'namedone');
  const c = new WebClient(t.url);
  const answer = async (email: string) => {
    const r = await c.submit('/signup', '/signup', { email, name: 'namedone', password: STRONG_PASSWORD });
    return { status: r.status, body: normalize(await r.text()).replace(email, 'EMAIL') };
  };
  const owners = await answer('namedone@example.org');
  const other = await answer('someone-else@example.org');
  assert.deepEqual(owners, other);
  assert.equal(owners.status, 400);
  assert.match(owners.body, /Handle: &quot;namedone&quot; is taken/);
});

test('a password reset kills every older reset link, and its page says API tokens stay valid (with the list)', async () => {
  const c = await signUpAndLogIn(t.url, t.dataDir, 'relinked');
  const email = 'relinked@example.org';
  await c.submit('/users/relinked', '/settings/tokens', { name: 'ci-runner' });
  const anon = new WebClient(t.url);
  await anon.submit('/reset-password', '/reset-password', { email });
  const older = linkIn((await lastMail(t.dataDir, email)).text, 'reset');
  await anon.submit('/reset-password', '/reset-password', { email });
  const newer = linkIn((await lastMail(t.dataDir, email)).text, 'reset');
  assert.notEqual(older, newer);
  const token = (link: string) => new URL(link, 'http://x').searchParams.get('token')!;
  const done = await anon.submit(newer, '/reset', { token: token(newer), password: OTHER_STRONG_PASSWORD });
  assert.equal(done.status, 200);
  const page = await done.text();
  assert.match(page, /API token stays valid until you revoke it/);
  assert.match(page, /ci-runner/);
  assert.doesNotMatch(page, /Every session of your account has ended\. Log in/);
  const stale = await anon.submit(older, '/reset', {
    token: token(older),
    password: 'yet another strong phrase',
  });
  assert.equal(stale.status, 400, 'the older link no longer works');
  const login = await anon.submit('/login', '/login', { email, password: OTHER_STRONG_PASSWORD });
  assert.equal(login.status, 303, 'the password is the one set through the newer link');
});

test('"log out everywhere else" ends the other sessions, keeps this one, and lists the API tokens that stay', async () => {
  const here = await signUpAndLogIn(t.url, t.dataDir, 'traveller');
  const there = new WebClient(t.url);
  const login = await there.submit('/login', '/login', {
    email: 'traveller@example.org',
    password: STRONG_PASSWORD,
  });
  assert.equal(login.status, 303);
  await here.submit('/users/traveller', '/settings/tokens', { name: 'laptop-script' });
  const forged = await here.post('/settings/sessions/end', {});
  assert.equal(forged.status, 403, 'POST without the CSRF token is refused');
  const res = await here.submit('/users/traveller', '/settings/sessions/end', {});
  assert.equal(res.status, 200);
  const page = await res.text();
  assert.match(page, /Every other login session of your account has ended/);
  assert.match(page, /API token stays valid until you revoke it/);
  assert.match(page, /laptop-script[\s\S]*Revoke/);
  assert.match(await here.text('/'), /\/users\/traveller/, 'this session stays');
  assert.doesNotMatch(await there.text('/'), /\/users\/traveller/, 'the other one ended');
});

test('guessable and whitespace-only passwords are refused at sign-up and reset, saying why', async () => {
  const c = new WebClient(t.url);
  for (const [password, why] of [
    ['password1', /too easy to guess.*commonly used password/],
    ['qwertyuiop', /too easy to guess/],
    ['          ', /cannot be only spaces/],
  ] as const) {
    const r = await c.submit('/signup', '/signup', { email: 'weak@example.org', name: 'weakling', password });
    assert.equal(r.status, 400, password);
    assert.match(await r.text(), why);
  }
  assert.equal(await t.store.users.byName('weakling'), null);
  await signUpAndLogIn(t.url, t.dataDir, 'resetweak');
  await c.submit('/reset-password', '/reset-password', { email: 'resetweak@example.org' });
  const link = linkIn((await lastMail(t.dataDir, 'resetweak@example.org')).text, 'reset');
  const token = new URL(link, 'http://x').searchParams.get('token')!;
  const weak = await c.submit(link, '/reset', { token, password: 'iloveyou123' });
  assert.equal(weak.status, 400);
  assert.match(await weak.text(), /too easy to guess/);
  const strong = await c.submit(link, '/reset', { token, password: OTHER_STRONG_PASSWORD });
  assert.equal(strong.status, 200, 'the refused password did not use up the link');
});

test('addresses the mailer cannot use are a 400 with a message at sign-up, reset and login; no account is made', async () => {
  const c = new WebClient(t.url);
  for (const [email, name] of [
    ['üser@example.org', 'umlauted'],
    ['x@exa_mple.org', 'underscored'],
  ] as const) {
    const signup = await c.submit('/signup', '/signup', { email, name, password: STRONG_PASSWORD });
    assert.equal(signup.status, 400, email);
    assert.match(await signup.text(), /is not an email address we can send to/);
    assert.equal(await t.store.users.byName(name), null, 'no account holds the name');
    const reset = await c.submit('/reset-password', '/reset-password', { email });
    assert.equal(reset.status, 400);
    assert.match(await reset.text(), /is not an email address we can send to/);
    const login = await c.submit('/login', '/login', { email, password: STRONG_PASSWORD });
    assert.equal(login.status, 400);
  }
  // The name is free for a valid address afterwards.
  const ok = await c.submit('/signup', '/signup', {
    email: 'umlauted@example.org',
    name: 'umlauted',
    password: STRONG_PASSWORD,
  });
  assert.equal(ok.status, 200);
});
