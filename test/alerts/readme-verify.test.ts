/**
 * The README's receiver example ("Alert webhooks") is real code: it is taken from the README,
 * run, and must accept a request paperboy signed, and refuse a forged body, an old timestamp
 * (a replay) and a repeated delivery id.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { newWebhookSecret, webhookHeaders } from '../../src/alerts/webhook-sign.ts';
import { tempDir } from '../support/app.ts';

test("the README's verification example accepts paperboy's signature and refuses forgeries and replays", async () => {
  const readme = readFileSync(path.join(import.meta.dirname, '../../README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('### Alert webhooks'));
  const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  assert.ok(code, 'the section has a js example');
  const file = path.join(tempDir(), 'verify.mjs');
  writeFileSync(file, `${code}\nexport { verify };\n`);
  const { verify } = (await import(pathToFileURL(file).href)) as {
    verify: (s: string, h: Record<string, string>, body: string, seen: Set<string>) => boolean;
  };
  const secret = newWebhookSecret();
  const body = JSON.stringify({ id: 'msg_1', type: 'webhook.test' });
  const now = Math.floor(Date.now() / 1000);
  const seen = new Set<string>();
  assert.equal(verify(secret, webhookHeaders(secret, 'msg_1', now, body), body, seen), true);
  assert.equal(verify(secret, webhookHeaders(secret, 'msg_1', now, body), body, seen), false, 'handled once');
  assert.equal(
    verify(secret, webhookHeaders(secret, 'msg_2', now, body), `${body} `, seen),
    false,
    'forged body',
  );
  assert.equal(verify(secret, webhookHeaders(secret, 'msg_3', now - 600, body), body, seen), false, 'replay');
  assert.equal(
    verify(newWebhookSecret(), webhookHeaders(secret, 'msg_4', now, body), body, seen),
    false,
    'other key',
  );
});
