/**
 * Issue 13, item 3 (one config truth), on SQLite and PostgreSQL: the settings saved on the setup
 * page are what a later CLI command (`paperboy digest send`, `paperboy doctor`) uses — sender, site
 * name, SMTP — not the defaults; a saved value the schema refuses is reported and ignored; /admin
 * shows what another process saved.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { simpleParser } from 'mailparser';
import type { Store } from '../../src/app/store.ts';
import { SETTINGS_KEY } from '../../src/setup/settings.ts';
import { setupUrl } from '../../src/setup/token.ts';
import { addConfirmed, nextWeekday, pgStore, seedPapers, sqliteStore } from '../digest/helpers.ts';
import { startApp } from '../support/app.ts';
import { STRONG_PASSWORD } from '../support/passwords.ts';
import { startSmtpServer } from '../support/smtp-server.ts';
import { WebClient } from '../support/web-client.ts';

const MAIN = path.join(import.meta.dirname, '../../src/cli/main.ts');

function cli(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; out: string; err: string }> {
  // Only what the test names: no PAPERBOY_* from the developer's shell.
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^PAPERBOY_|^DATABASE_URL$/.test(k)),
  );
  const child = spawn(process.execPath, [MAIN, ...args], {
    env: { ...clean, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => {
    out += d;
  });
  child.stderr.on('data', (d) => {
    err += d;
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, out, err })));
}

/** The setup form as a browser sends it: two checked categories repeat the `cat` name. */
async function completeSetup(url: string, store: Store, baseUrl: string, smtpUrl: string): Promise<void> {
  const token = new URL((await setupUrl(store, baseUrl))!).searchParams.get('token')!;
  const c = new WebClient(url);
  const csrf = await c.csrf(`/setup?token=${token}`);
  const body = new URLSearchParams([
    ['csrf', csrf],
    ['token', token],
    ['email', 'owner@example.org'],
    ['name', 'owner'],
    ['password', STRONG_PASSWORD],
    ['siteName', 'Papers Club'],
    ['cat', 'cs.LG'],
    ['cat', 'cs.CV'],
    ['otherCats', ''],
    ['featureMode', 'curate'],
    ['smtpUrl', smtpUrl],
    ['mailFrom', 'Papers Club <club@example.org>'],
  ]);
  const res = await fetch(`${url}/setup`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      origin: url,
      cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    },
    body: body.toString(),
  });
  assert.equal(res.status, 303, await res.text());
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`saved settings are the config of every command (${dialect})`, () => {
    const cleanup: (() => Promise<void>)[] = [];
    after(async () => {
      for (const c of cleanup.reverse()) await c();
    });

    test('a CLI digest after setup goes out from the saved sender, with the saved site name, through the saved SMTP', async () => {
      const smtp = await startSmtpServer();
      cleanup.push(() => smtp.stop());
      let store: Store;
      let env: Record<string, string>;
      if (dialect === 'sqlite') {
        const s = sqliteStore();
        store = s.store;
        env = { PAPERBOY_DATA: s.dir };
        cleanup.push(async () => rmSync(s.dir, { recursive: true, force: true }));
      } else {
        const p = await pgStore();
        store = p.store;
        env = { DATABASE_URL: p.url };
        cleanup.push(() => p.drop());
      }
      Object.assign(env, {
        PAPERBOY_BASE_URL: 'https://paperboy.test',
        PAPERBOY_DIGEST_TIME: '06:00',
        PAPERBOY_DIGEST_TIME_ZONE: 'UTC',
        PAPERBOY_LOG_LEVEL: 'silent',
      });
      // The setup starts the first harvest: pointed at a closed local port, never at arXiv.
      const app = await startApp({
        store,
        config: { arxivApiUrl: 'http://127.0.0.1:9/api/query', upstreamRetries: 0 },
      });
      try {
        await completeSetup(app.url, store, app.config.baseUrl!, smtp.url);
      } finally {
        await app.close();
      }
      const { day, slotMs } = nextWeekday();
      await seedPapers(store, 12, slotMs);
      await addConfirmed(store, 'reader@example.org', undefined, Date.now() - 3_600_000);

      const sent = await cli(['digest', 'send', '--period', day, '--json'], env);
      assert.equal(sent.code, 0, sent.err);
      const mails = smtp.received.filter((m) => m.recipients.includes('reader@example.org'));
      assert.equal(mails.length, 1, `the digest went through the saved SMTP server\n${sent.err}`);
      const mail = await simpleParser(mails[0]!.raw);
      assert.equal(mail.from?.text, '"Papers Club" <club@example.org>');
      assert.match(String(mail.subject), /^Papers Club daily · /);

      // doctor sees the same config, says what is in force, and verifies the saved SMTP server.
      const doctor = await cli(['doctor', '--json'], env);
      const checks = JSON.parse(doctor.out) as { name: string; ok: boolean; detail: string }[];
      const by = new Map(checks.map((c) => [c.name, c]));
      assert.match(
        by.get('settings')!.detail,
        /site name "Papers Club", mail from Papers Club <club@example.org>, following cs\.LG cs\.CV/,
      );
      assert.equal(by.get('smtp')!.ok, true, by.get('smtp')!.detail);
      assert.match(by.get('smtp')!.detail, /answered/);

      // Env wins over a saved value (flags > env > saved > file > defaults).
      const envWins = await cli(['doctor', '--json'], { ...env, PAPERBOY_SITE_NAME: 'From Env' });
      assert.match(envWins.out, /site name \\"From Env\\"/);

      // A saved value the schema refuses is reported (what, where) and ignored; the rest applies.
      const saved = await store.firstRun.getSetting<Record<string, unknown>>(SETTINGS_KEY);
      await store.firstRun.setSetting(
        SETTINGS_KEY,
        { ...saved, smtpUrl: 'http://mail.example.org' },
        new Date().toISOString(),
      );
      const refused = await cli(['doctor', '--json'], env);
      assert.equal(refused.code, 1);
      const after = new Map(
        (JSON.parse(refused.out) as { name: string; ok: boolean; detail: string }[]).map((c) => [c.name, c]),
      );
      assert.match(
        after.get('settings')!.detail,
        /smtpUrl in the saved settings \(database table site_settings, changed on \/admin\/settings\) is ignored: must start with smtp:\/\//,
      );
      assert.equal(after.get('settings')!.ok, false);
      assert.match(
        after.get('smtp')!.detail,
        // Without SMTP, PostgreSQL mode refuses mail rather than write files (src/digest/mailer.ts).
        dialect === 'sqlite' ? /smtpUrl not set: mail is written to/ : /mail is refused: PostgreSQL mode/,
        'the refused URL is not used',
      );
      await store.close();
    });
  });
}

describe('/admin shows what is in force', () => {
  test('values saved by another process, and no default categories when none are followed', async () => {
    const t = await startApp();
    try {
      const admin = new WebClient(t.url);
      // Before setup the admin pages answer on this machine itself (guard.ts).
      const before = await admin.text('/admin');
      assert.match(before, /<dt>Following<\/dt><dd>no categories<\/dd>/, 'not the setup form defaults');
      // Another process (a second server, a CLI) saves settings; this server's /admin shows them.
      await t.store.firstRun.setSetting(
        SETTINGS_KEY,
        {
          siteName: 'Other Process',
          categories: ['q-bio.NC'],
          featureMode: 'auto',
          smtpUrl: null,
          mailFrom: null,
        },
        new Date().toISOString(),
      );
      const page = await admin.text('/admin');
      assert.match(page, /<dt>Site name<\/dt><dd>Other Process<\/dd>/);
      assert.match(page, /<dt>Following<\/dt><dd>q-bio\.NC<\/dd>/);
      assert.match(page, /every new paper in these categories is featured/);
      assert.match(page, /<a class="brand" href="\/">Other Process<\/a>/);
    } finally {
      await t.close();
    }
  });
});
