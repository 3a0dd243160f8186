/**
 * Issue 16 item 9: the setup page keeps what was typed. "Send test mail" (through a real SMTP
 * peer) and a refused field bring the page back with every other field as it was — the admin
 * password too (a refused password is the one left empty), the SMTP URL with its password —
 * and a refused value is named with its field and the rule in words. "Ada Admin" is a name:
 * the admin's handle is made from it.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { setupUrl } from '../../src/setup/token.ts';
import { startApp, type TestApp } from '../support/app.ts';
import { STRONG_PASSWORD } from '../support/passwords.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.ts';
import { WebClient } from '../support/web-client.ts';

let t: TestApp;
let smtp: TestSmtpServer;
before(async () => {
  smtp = await startSmtpServer();
  t = await startApp({ config: { pageCacheMs: 0 } });
});
after(async () => {
  await t.close();
  await smtp.stop();
});

async function setupClient() {
  const token = new URL((await setupUrl(t.store, t.config.baseUrl!))!).searchParams.get('token')!;
  const c = new WebClient(t.url);
  const csrf = await c.csrf(`/setup?token=${token}`);
  return { c, token, csrf };
}

/** The value attribute of the input with this id. */
function inputValue(page: string, id: string): string | null {
  const m = new RegExp(`<input id="${id}"[^>]*?value="([^"]*)"`).exec(page);
  return m ? m[1]! : null;
}

test('send test mail keeps every field, the admin password and the SMTP URL with its password', async () => {
  const { c, token, csrf } = await setupClient();
  const fields = {
    csrf,
    token,
    email: 'ada@example.org',
    name: 'Ada Admin',
    handle: '',
    password: STRONG_PASSWORD,
    siteName: 'Papers Club',
    cat: 'cs.LG',
    otherCats: 'q-bio.NC',
    featureMode: 'curate',
    smtpUrl: smtp.url,
    mailFrom: 'Papers Club <club@example.org>',
  };
  const sent = await c.post('/setup/test-mail', fields);
  assert.equal(sent.status, 200);
  const page = await sent.text();
  assert.match(page, /Test mail sent to ada@example.org/);
  await smtp.waitFor(1);
  assert.equal(inputValue(page, 'email'), 'ada@example.org');
  assert.equal(inputValue(page, 'name'), 'Ada Admin');
  assert.equal(inputValue(page, 'password'), STRONG_PASSWORD, 'the admin password is not emptied');
  assert.equal(inputValue(page, 'siteName'), 'Papers Club');
  assert.equal(inputValue(page, 'otherCats'), 'q-bio.NC');
  assert.match(page, /value="curate" checked/);

  // With credentials in the URL (the test peer refuses AUTH): the URL and its password stay.
  const withAuth = `smtp://mailer:s3cret-pass@127.0.0.1:${smtp.port}`;
  const refused = await c.post('/setup/test-mail', { ...fields, smtpUrl: withAuth });
  const again = await refused.text();
  assert.match(again, /The test mail failed: 535/);
  assert.equal(inputValue(again, 'smtpUrl'), withAuth, 'the SMTP URL keeps its password');
  assert.equal(inputValue(again, 'password'), STRONG_PASSWORD);
});

test('a refused field is named with its rule; the others, password included, stay; "Ada Admin" is accepted', async () => {
  const { c, token, csrf } = await setupClient();
  const fields = {
    csrf,
    token,
    email: 'not an address',
    name: 'Ada Admin',
    handle: '',
    password: STRONG_PASSWORD,
    siteName: 'Papers Club',
    cat: 'cs.LG',
    otherCats: '',
    featureMode: 'auto',
    smtpUrl: '',
    mailFrom: 'Papers Club <club@example.org>',
  };
  const refused = await c.post('/setup', fields);
  assert.equal(refused.status, 400);
  const page = await refused.text();
  assert.match(page, /Email: &quot;not an address&quot; is not an email address/);
  assert.doesNotMatch(page, /Name:/, 'the name is not what was refused');
  assert.equal(inputValue(page, 'name'), 'Ada Admin');
  assert.equal(inputValue(page, 'password'), STRONG_PASSWORD);
  assert.equal(inputValue(page, 'siteName'), 'Papers Club');

  // A refused password is named and not shown again; the rest stays.
  const weak = await c.post('/setup', { ...fields, email: 'ada@example.org', password: 'password' });
  assert.equal(weak.status, 400);
  const weakPage = await weak.text();
  assert.match(weakPage, /Password: /);
  assert.equal(inputValue(weakPage, 'password'), '');
  assert.equal(inputValue(weakPage, 'email'), 'ada@example.org');

  const bad = await c.post('/setup', { ...fields, email: 'ada@example.org', handle: 'ada admin' });
  assert.equal(bad.status, 400);
  assert.match(await bad.text(), /Handle: &quot;ada admin&quot; cannot be used; a handle .* is 2–30 letters/);

  const done = await c.post('/setup', { ...fields, email: 'ada@example.org' });
  assert.equal(done.status, 303, await done.text());
  const admin = await t.store.users.byName('ada-admin');
  assert.ok(admin, 'the handle is made from the name');
  assert.equal(admin.displayName, 'Ada Admin');
  assert.equal(admin.role, 'admin');
});
