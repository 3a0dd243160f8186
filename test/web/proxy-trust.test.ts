/**
 * Issue 12, item 4: behind a proxy the client address for per-client limits is the right-most
 * X-Forwarded-For entry the trusted proxy added, so rotating a spoofed left-most entry does not
 * reset the login limit. `trustProxy: true` (trust every hop) is refused with an explanation.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config/config.ts';
import { LIMITS } from '../../src/users/accounts.ts';
import { startApp } from '../support/app.ts';
import { WebClient } from '../support/web-client.ts';

/** 22 failed logins through one proxy (this connection), each with a new spoofed client address. */
async function spoofedLogins(trustProxy: unknown): Promise<number[]> {
  const t = await startApp({ config: { trustProxy } });
  try {
    const c = new WebClient(t.url);
    const csrf = await c.csrf('/login');
    const statuses: number[] = [];
    for (let i = 0; i < LIMITS.loginPerIp.max + 2; i++) {
      // What nginx sends for a client that wrote its own X-Forwarded-For: theirs, then the real one.
      const xff = `10.9.${i}.1, 198.51.100.7`;
      const r = await c.post(
        '/login',
        { csrf, email: `nobody${i}@example.org`, password: 'wrong password here' },
        { 'x-forwarded-for': xff },
      );
      statuses.push(r.status);
    }
    return statuses;
  } finally {
    await t.close();
  }
}

test('trust = 1 hop: a spoofed left-most X-Forwarded-For does not reset the per-client login limit', async () => {
  const statuses = await spoofedLogins(1);
  assert.deepEqual(statuses.slice(0, LIMITS.loginPerIp.max), Array(LIMITS.loginPerIp.max).fill(401));
  assert.equal(statuses.at(-1), 429, statuses.join(' '));
});

test('trust = the proxy address: the same', async () => {
  const statuses = await spoofedLogins(['127.0.0.1', '::1']);
  assert.equal(statuses.at(-1), 429, statuses.join(' '));
});

test('trustProxy true is refused with the forms that replace it; addresses and CIDRs are checked', () => {
  for (const value of ['true', true]) {
    const err = (() => {
      try {
        loadConfig({ env: {}, flags: { trustProxy: value } });
      } catch (e) {
        return e;
      }
    })();
    assert.ok(err instanceof ConfigError, String(value));
    assert.match(err.message, /trustProxy.*hop count \(1 for one proxy.*true is no longer accepted/s);
  }
  assert.equal(loadConfig({ env: { PAPERBOY_TRUST_PROXY: '2' } }).trustProxy, 2);
  assert.equal(loadConfig({ env: { PAPERBOY_TRUST_PROXY: 'false' } }).trustProxy, false);
  assert.deepEqual(loadConfig({ env: { PAPERBOY_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8' } }).trustProxy, [
    '127.0.0.1',
    '10.0.0.0/8',
  ]);
  assert.throws(
    () => loadConfig({ env: { PAPERBOY_TRUST_PROXY: '10.0.0.0/33' } }),
    /"10\.0\.0\.0\/33" is not an IP address or CIDR/,
  );
});
