/**
 * Issue 15 item 2 through the real app: /alerts/webhooks adds a webhook (a hostile URL is refused
 * with its reason, on the page, keeping the input), shows the secret once, "send test event"
 * reaches a real loopback receiver through the app's own worker with a valid signature, every
 * attempt is listed for its owner, and only the owner can delete it.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startApp, type TestApp } from '../support/app.ts';
import { signUpAndLogIn, type WebClient } from '../support/web-client.ts';
import { type Receiver, startReceiver } from './receiver.ts';

let t: TestApp;
let rx: Receiver;
let alice: WebClient;

before(async () => {
  t = await startApp({ config: { webhookAllowHosts: ['127.0.0.1'] } });
  rx = await startReceiver([200]);
  alice = await signUpAndLogIn(t.url, t.dataDir, 'alice');
});
after(async () => {
  await rx.stop();
  await t.close();
});

const fromHtml = (s: string) => s.replaceAll('&amp;', '&').replaceAll('&quot;', '"').replaceAll('&#39;', "'");

test('signed out: the page asks to log in', async () => {
  const res = await fetch(`${t.url}/alerts/webhooks`, { redirect: 'manual' });
  assert.equal(res.status, 303);
  assert.equal(res.headers.get('location'), '/login?next=/alerts/webhooks');
});

test('a hostile URL is refused on the page with the reason', async () => {
  const res = await alice.submit('/alerts/webhooks', '/alerts/webhooks', {
    url: 'https://169.254.169.254/x',
  });
  assert.equal(res.status, 400);
  const page = fromHtml(await res.text());
  assert.match(
    page,
    /Webhook URL https:\/\/169\.254\.169\.254\/x is refused: 169\.254\.169\.254 is the cloud metadata address/,
  );
  assert.match(page, /value="https:\/\/169\.254\.169\.254\/x"/);
  assert.equal((await t.store.webhooks.byUser(1)).length, 0);
});

test('add, send a test event, see the attempt, delete', async () => {
  const added = await alice.submit('/alerts/webhooks', '/alerts/webhooks', { url: rx.url });
  assert.equal(added.status, 200);
  const page = await added.text();
  const secret = /aria-label="Signing secret"/.test(page)
    ? /value="(whsec_[^"]+)"/.exec(page)?.[1]
    : undefined;
  assert.ok(secret, 'the secret is shown once');
  rx.secret = fromHtml(secret);
  const [hook] = await t.store.webhooks.byUser(1);
  assert.ok(hook);
  assert.ok(!(await alice.text('/alerts/webhooks')).includes(secret), 'not shown again');

  const sent = await alice.submit('/alerts/webhooks', `/alerts/webhooks/${hook.id}/test`, {});
  assert.equal(sent.status, 200);
  assert.match(await sent.text(), /Test event msg_[0-9a-f]+ queued/);
  await rx.waitFor(1);
  const got = rx.received[0]!;
  assert.ok(got.verified, 'the signature verifies with the secret the page showed');
  assert.equal(JSON.parse(got.body).type, 'webhook.test');
  // The attempt is recorded right after the answer; the page lists it.
  let listed = '';
  for (let i = 0; i < 100 && !listed.includes(got.id); i++) {
    await new Promise((r) => setImmediate(r));
    const a = await t.store.webhooks.attempts(hook.id, 5);
    if (a.length > 0) listed = await alice.text('/alerts/webhooks');
  }
  assert.match(listed, new RegExp(`<code>${got.id}</code></td><td>1</td><td>HTTP 200</td>`));

  const bob = await signUpAndLogIn(t.url, t.dataDir, 'bob');
  const stolen = await bob.submit('/alerts/webhooks', `/alerts/webhooks/${hook.id}/delete`, {});
  assert.equal(stolen.status, 404);
  const stolenTest = await bob.submit('/alerts/webhooks', `/alerts/webhooks/${hook.id}/test`, {});
  assert.equal(stolenTest.status, 404);
  const del = await alice.submit('/alerts/webhooks', `/alerts/webhooks/${hook.id}/delete`, {});
  assert.equal(del.status, 200);
  assert.match(await del.text(), /Webhook deleted/);
  assert.equal((await t.store.webhooks.byUser(1)).length, 0);
});

test('a form without the CSRF token is refused', async () => {
  const res = await alice.post('/alerts/webhooks', { url: rx.url });
  assert.equal(res.status, 403);
});
