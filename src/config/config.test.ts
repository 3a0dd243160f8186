import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import {
  ConfigError,
  envName,
  loadConfig,
  lockedBy,
  originOf,
  readSources,
  resolveConfig,
  sourcesOf,
} from './config.ts';

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

test('precedence with saved settings: flags > env > saved > file > defaults, each through the schema', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pb-config-'));
  try {
    const file = path.join(dir, 'c.json');
    writeFileSync(
      file,
      JSON.stringify({ siteName: 'file', mailFrom: 'file <f@x.org>', smtpUrl: 'smtp://file', port: 4000 }),
    );
    const sources = readSources({
      file,
      env: { PAPERBOY_SITE_NAME: 'env', PAPERBOY_MAIL_FROM: 'env <e@x.org>' },
      flags: { siteName: 'flag' },
    });
    const saved = {
      siteName: 'saved',
      mailFrom: 'saved <s@x.org>',
      smtpUrl: 'smtp://saved',
      rssCategories: ['cs.LG'],
    };
    const { config, refused } = resolveConfig(sources, saved);
    // key: [value in force, where it came from]
    const table: [keyof typeof config, unknown, string][] = [
      ['siteName', 'flag', 'flag'], // flag beats env, saved, file
      ['mailFrom', 'env <e@x.org>', 'env'], // env beats saved, file
      ['smtpUrl', 'smtp://saved', 'saved'], // saved beats file
      ['port', 4000, 'file'], // file beats the default
      ['host', 'localhost', 'default'],
    ];
    for (const [key, value, origin] of table) {
      assert.deepEqual(config[key], value, key);
      assert.equal(originOf(sources, saved, key), origin, key);
    }
    assert.deepEqual(config.rssCategories, ['cs.LG']);
    assert.deepEqual(refused, []);
    assert.equal(lockedBy(sources, 'siteName'), 'the command-line flag --site-name');
    assert.equal(lockedBy(sources, 'mailFrom'), 'PAPERBOY_MAIL_FROM');
    assert.equal(lockedBy(sources, 'smtpUrl'), null, 'a file value can be changed on the settings page');
    // The config remembers its sources, so a command can lay the saved settings in later.
    assert.equal(sourcesOf(config), sources);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a saved value the schema refuses is reported (what, why) and ignored; the others apply', () => {
  const sources = readSources({ env: {} });
  const { config, refused } = resolveConfig(sources, {
    siteName: 'Kept',
    smtpUrl: 'http://not-smtp',
    rssCategories: ['cs.LG', 'not a category'],
    bogus: 1,
  });
  assert.equal(config.siteName, 'Kept');
  assert.equal(config.smtpUrl, undefined);
  assert.deepEqual(config.rssCategories, []);
  assert.deepEqual(
    refused.map((r) => r.key),
    ['smtpUrl', 'rssCategories', 'bogus'],
  );
  assert.match(refused[0]!.message, /must start with smtp:\/\//);
  assert.match(refused[1]!.message, /"not a category" must be an arXiv category/);
  assert.match(refused[2]!.message, /is not a setting/);
});
