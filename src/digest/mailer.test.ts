/**
 * Issue 18 item 5: mail without SMTP is refused in PostgreSQL mode with a clear message, unless
 * mailToFiles says files are fine; the embedded store keeps writing `.eml` files as before. The
 * refusal is checked end to end by a real `paperboy digest send` on a PostgreSQL schema.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { pgStore } from '../../test/digest/helpers.ts';
import { tempDir } from '../../test/support/app.ts';
import { loadConfig } from '../config/config.ts';
import { createMailer, MailNotConfiguredError } from './mailer.ts';

const PG = 'postgres://paperboy@db.example/paperboy';
const config = (flags: Record<string, unknown>) =>
  loadConfig({ env: {}, flags: { data: '/tmp/paperboy-unused', logLevel: 'silent', ...flags } });

test('PostgreSQL without smtpUrl: refused, naming both ways out; files only when mailToFiles says so', async () => {
  assert.throws(
    () => createMailer(config({ databaseUrl: PG })),
    (err: unknown) =>
      err instanceof MailNotConfiguredError &&
      /PostgreSQL mode/.test(err.message) &&
      /PAPERBOY_SMTP_URL/.test(err.message) &&
      /PAPERBOY_MAIL_TO_FILES/.test(err.message) &&
      err.message.includes('/tmp/paperboy-unused/mail'),
  );
  const files = createMailer(config({ databaseUrl: PG, mailToFiles: 'true' }));
  assert.equal(files.kind, 'file');
  await files.close();
  const smtp = createMailer(config({ databaseUrl: PG, smtpUrl: 'smtp://127.0.0.1:2525' }));
  assert.equal(smtp.kind, 'smtp');
  await smtp.close();
  const embedded = createMailer(config({}));
  assert.equal(embedded.kind, 'file', 'the embedded store (one machine) keeps its development mail files');
  await embedded.close();
});

test('a real `paperboy digest send` on PostgreSQL without SMTP stops with the message and writes no mail', async () => {
  const pg = await pgStore();
  const dir = tempDir('paperboy-mail-');
  try {
    const run = spawnSync(
      process.execPath,
      [path.join(import.meta.dirname, '../cli/main.ts'), 'digest', 'send', '--period', '2026-01-07'],
      {
        env: {
          PATH: process.env.PATH ?? '',
          TZ: 'UTC',
          DATABASE_URL: pg.url,
          PAPERBOY_DATA: dir,
          PAPERBOY_LOG_LEVEL: 'silent',
        },
        encoding: 'utf8',
      },
    );
    assert.notEqual(run.status, 0, run.stdout + run.stderr);
    assert.match(run.stderr, /mail is refused: PostgreSQL mode/);
    assert.equal(existsSync(path.join(dir, 'mail')), false, 'no mail folder on this instance');
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await pg.drop();
  }
});
