/**
 * Issue 12, item 6: the info request log never holds a live capability URL. Runs the setup,
 * email-verification, password-reset and digest-link flows with the log captured, then looks for
 * every token in it.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { SqliteStore } from '../../src/app/sqlite.store.ts';
import { loadConfig } from '../../src/config/config.ts';
import { confirmUrl, preferencesUrl, unsubscribeUrl, webUrl } from '../../src/digest/links.ts';
import { tokenSecret } from '../../src/digest/tokens.ts';
import { setupUrl } from '../../src/setup/token.ts';
import { buildApp } from '../../src/web/app.ts';
import { REDACTED, redactUrl } from '../../src/web/redact.ts';
import { defaultPrefs } from '../digest/helpers.ts';
import { tempDir } from '../support/app.ts';
import { lastMail, linkIn, WebClient } from '../support/web-client.ts';

const PASSWORD = 'plinth quarry nebula 4817';

test('redactUrl takes tokens out of queries and capability paths, and leaves other URLs alone', () => {
  const t = 'Zr3kP0c9xq_Q1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6';
  assert.equal(redactUrl(`/reset?token=${t}`), `/reset?token=${REDACTED}`);
  assert.equal(redactUrl(`/setup?x=1&token=${t}#f`), `/setup?x=1&token=${REDACTED}`);
  assert.equal(redactUrl(`/digest/preferences/p.${t}/export`), `/digest/preferences/${REDACTED}/export`);
  assert.equal(redactUrl(`/digest/web.${t}`), `/digest/${REDACTED}`);
  assert.equal(redactUrl(`/anything/${t}`), `/anything/${REDACTED}`);
  for (const plain of ['/papers/2401.00010', '/search?q=diffusion&page=2', '/digest/subscribe', '/'])
    assert.equal(redactUrl(plain), plain);
});

test('the request log of the setup, verify, reset and digest flows holds none of their tokens', async () => {
  const dataDir = tempDir();
  const lines: string[] = [];
  const config = loadConfig({
    env: {},
    flags: { data: dataDir, port: 0, logLevel: 'info', overloadMaxEventLoopDelayMs: 0 },
  });
  const store = new SqliteStore(path.join(dataDir, 'paperboy.db'));
  const app = await buildApp({ store, config, logStream: { write: (line) => void lines.push(line) } });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const tokens: string[] = [];
  try {
    // Setup: the one-time link, then the form that uses it.
    const setupToken = new URL((await setupUrl(store, config.baseUrl!))!).searchParams.get('token')!;
    tokens.push(setupToken);
    const admin = new WebClient(base);
    const done = await admin.submit(`/setup?token=${setupToken}`, '/setup', {
      token: setupToken,
      email: 'root@example.org',
      name: 'root',
      password: PASSWORD,
    });
    assert.equal(done.status, 303, await done.text());

    // Sign-up verification and password reset, by the links the mails carry.
    const reader = new WebClient(base);
    await reader.submit('/signup', '/signup', {
      email: 'reader@example.org',
      name: 'reader',
      password: PASSWORD,
    });
    const verify = linkIn((await lastMail(dataDir, 'reader@example.org')).text, 'verify');
    const verifyToken = new URL(verify, base).searchParams.get('token')!;
    tokens.push(verifyToken);
    assert.equal((await reader.submit(verify, '/verify', { token: verifyToken })).status, 200);
    await reader.submit('/reset-password', '/reset-password', { email: 'reader@example.org' });
    const reset = linkIn((await lastMail(dataDir, 'reader@example.org')).text, 'reset');
    const resetToken = new URL(reset, base).searchParams.get('token')!;
    tokens.push(resetToken);
    assert.equal((await reader.get(reset)).status, 200);

    // Digest links: confirm, preferences (and its export), unsubscribe, the web version.
    const { subscriber } = await store.digest.requestSubscription(
      'sub@example.org',
      defaultPrefs(),
      Date.now(),
      Date.now() + 86_400_000,
    );
    const ctx = { baseUrl: config.baseUrl!, secret: await tokenSecret(config, store.digest) };
    const links = [
      confirmUrl(ctx, subscriber, Date.now() + 86_400_000),
      preferencesUrl(ctx, subscriber),
      `${preferencesUrl(ctx, subscriber)}/export`,
      unsubscribeUrl(ctx, subscriber),
      webUrl(ctx, subscriber, 'daily:2026-01-07'),
    ].map((u) => new URL(u).pathname);
    for (const link of links) {
      tokens.push(link.split('/').find((seg) => seg.length >= 20)!);
      await fetch(`${base}${link}`);
    }
  } finally {
    await app.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const log = lines.join('');
  assert.ok(lines.length > 20, 'requests were logged');
  for (const token of tokens) {
    assert.ok(token && token.length >= 20, `a token: ${token}`);
    assert.ok(!log.includes(token), `token ${token.slice(0, 12)}… is in the log`);
    assert.ok(
      !log.includes(encodeURIComponent(token)),
      `token ${token.slice(0, 12)}… (encoded) is in the log`,
    );
  }
  assert.ok(log.includes(REDACTED), 'the capability URLs were logged, redacted');
});
