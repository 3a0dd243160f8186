import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { ConfigError, envName, loadConfig } from './config.ts';

test('zero config: embedded defaults, data under ./data', () => {
  const c = loadConfig({ env: {} });
  assert.equal(c.data, path.resolve('data'));
  assert.equal(c.port, 3000);
  assert.equal(c.databaseUrl, undefined);
  assert.equal(c.baseUrl, 'http://localhost:3000');
  assert.equal(c.upstreamIntervalMs, 3000);
});

test('precedence: defaults < file < env < flags', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pb-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'c.json');
  writeFileSync(file, JSON.stringify({ port: 4000, siteName: 'from file', host: 'file-host' }));
  const c = loadConfig({
    file,
    env: { PAPERBOY_PORT: '5000', PAPERBOY_SITE_NAME: 'from env' },
    flags: { port: '6000' },
  });
  assert.equal(c.port, 6000);
  assert.equal(c.siteName, 'from env');
  assert.equal(c.host, 'file-host');
});

test('env names and DATABASE_URL', () => {
  assert.equal(envName('upstreamIntervalMs'), 'PAPERBOY_UPSTREAM_INTERVAL_MS');
  const c = loadConfig({ env: { DATABASE_URL: 'postgres://u@h/db', PAPERBOY_DATA: '/tmp/x' } });
  assert.equal(c.databaseUrl, 'postgres://u@h/db');
  assert.equal(c.data, '/tmp/x');
});

test('an invalid config lists every problem, not just the first', () => {
  const env = { PAPERBOY_PORT: 'eighty', DATABASE_URL: 'mysql://x', PAPERBOY_ARXIV_API_URL: 'not a url' };
  assert.throws(
    () => loadConfig({ env }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.problems.length, 3, err.message);
      assert.match(err.message, /port \(PAPERBOY_PORT\)/);
      assert.match(err.message, /databaseUrl/);
      assert.match(err.message, /arxivApiUrl/);
      return true;
    },
  );
});

test('unknown keys in the config file are refused', (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pb-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'c.json');
  writeFileSync(file, JSON.stringify({ prot: 3000 }));
  assert.throws(() => loadConfig({ file, env: {} }), /prot/);
  writeFileSync(file, '{ not json');
  assert.throws(() => loadConfig({ file, env: {} }), /c\.json/);
});
