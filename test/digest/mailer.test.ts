/**
 * The mailer against a real local SMTP server: what arrives, header injection, and how each SMTP
 * fault is classified (the sender's retry/bounce/breaker decisions rest on this).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { simpleParser } from 'mailparser';
import { loadConfig } from '../../src/config/config.ts';
import {
  createMailer,
  type MailError,
  PermanentMailError,
  TransientMailError,
} from '../../src/digest/mailer.ts';
import { tempDir } from '../support/app.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.ts';

const configFor = (smtpUrl: string | undefined, extra: Record<string, unknown> = {}) =>
  loadConfig({
    env: {},
    flags: {
      data: tempDir(),
      ...(smtpUrl ? { smtpUrl } : {}),
      smtpTimeoutMs: 1000,
      mailFrom: 'paperboy <digest@paperboy.test>',
      ...extra,
    },
  });

const headerNames = (raw: Buffer) =>
  raw
    .toString('utf8')
    .split(/\r\n\r\n/)[0]!
    .split(/\r\n/)
    .filter((l) => !/^[ \t]/.test(l))
    .map((l) => l.slice(0, l.indexOf(':')).toLowerCase());

describe('SMTP mailer', () => {
  let smtp: TestSmtpServer;
  before(async () => {
    smtp = await startSmtpServer();
  });
  after(async () => {
    await smtp.stop();
  });

  test('delivers text + html with the given Message-ID and list headers', async () => {
    const mailer = createMailer(configFor(smtp.url));
    assert.equal(mailer.kind, 'smtp');
    await mailer.verify();
    const n = smtp.received.length;
    const res = await mailer.send({
      to: 'reader@example.org',
      subject: 'Your digest',
      text: 'plain',
      html: '<p>html</p>',
      messageId: '<digest.1.2026-01-05@paperboy.test>',
      envelopeFrom: 'bounces+abc@paperboy.test',
      headers: {
        'List-Unsubscribe': '<https://paperboy.test/u/x>',
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      },
    });
    await mailer.close();
    assert.deepEqual(res, { messageId: '<digest.1.2026-01-05@paperboy.test>', accepted: true });
    const mail = await smtp.parsed(n);
    assert.equal(smtp.received[n]!.envelopeFrom, 'bounces+abc@paperboy.test');
    assert.equal(mail.messageId, '<digest.1.2026-01-05@paperboy.test>');
    assert.equal(mail.text?.trim(), 'plain');
    assert.match(String(mail.html), /<p>html<\/p>/);
    const raw = smtp.received[n]!.raw.toString('utf8');
    assert.match(raw, /(^|\r\n)List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n/);
    assert.match(raw, /(^|\r\n)List-Unsubscribe: <https:\/\/paperboy.test\/u\/x>\r\n/);
  });

  // RELIABILITY: "Header injection: `\r\n` in any user-supplied field never adds a header line."
  test('header injection: CR/LF in any user-supplied field never adds a header line', async () => {
    const mailer = createMailer(configFor(smtp.url));
    const n = smtp.received.length;
    const evil = 'x\r\nBcc: victim@example.org\r\nX-Injected: 1\nX-Lf: 1\rX-Cr: 1';
    await mailer.send({
      to: 'reader@example.org',
      subject: `Digest ${evil}`,
      text: 'body',
      from: `Name ${evil} <digest@paperboy.test>`,
      headers: { 'List-Id': `list ${evil}`, 'X-Interest': evil },
    });
    await assert.rejects(
      mailer.send({ to: 'reader@example.org\r\nBcc: victim@example.org', subject: 's', text: 't' }),
      PermanentMailError,
    );
    await assert.rejects(
      mailer.send({ to: 'reader@example.org', subject: 's', text: 't', messageId: `<a@b>\r\nBcc: v@x.org` }),
    );
    await assert.rejects(
      mailer.send({ to: 'reader@example.org', subject: 's', text: 't', headers: { 'Bcc\r\nX': 'v' } }),
    );
    await mailer.close();
    assert.equal(smtp.received.length, n + 1, 'only the sanitised message went out');
    const names = headerNames(smtp.received[n]!.raw);
    for (const bad of ['bcc', 'x-injected', 'x-lf', 'x-cr'])
      assert.ok(!names.includes(bad), `no ${bad} header line`);
    assert.deepEqual(smtp.received[n]!.recipients, ['reader@example.org']);
    const mail = await simpleParser(smtp.received[n]!.raw);
    assert.equal(mail.bcc, undefined);
    assert.match(String(mail.subject), /^Digest x Bcc: victim@example.org X-Injected: 1 X-Lf: 1 X-Cr: 1$/);
  });
});

// Issue 12, item 8: `smtpRateLimit` is messages per second across the pool, counted where it
// matters, at the server: no one-second span may hold more acceptances than the limit.
describe('smtpRateLimit holds across the pool', () => {
  for (const { rate, pool, mails } of [
    { rate: 2, pool: 5, mails: 7 },
    { rate: 1, pool: 2, mails: 4 },
  ]) {
    test(`${mails} mails at ${rate}/s through a pool of ${pool}`, async () => {
      const accepted: number[] = [];
      const smtp = await startSmtpServer({
        fault: (stage) => {
          if (stage === 'data') accepted.push(performance.now());
          return undefined;
        },
      });
      const mailer = createMailer(configFor(smtp.url, { smtpPoolSize: pool, smtpRateLimit: rate }));
      try {
        await Promise.all(
          Array.from({ length: mails }, (_, i) =>
            mailer.send({ to: `r${i}@example.org`, subject: 's', text: 't' }),
          ),
        );
      } finally {
        await mailer.close();
        await smtp.stop();
      }
      assert.equal(accepted.length, mails);
      // Every span [t, t + 1 s) that starts at an acceptance is the busiest of its kind.
      for (const t of accepted) {
        const inSecond = accepted.filter((a) => a >= t && a < t + 1000).length;
        assert.ok(
          inSecond <= rate,
          `${inSecond} acceptances within 1 s of ${Math.round(t)} ms (limit ${rate}): ${accepted.map(Math.round)}`,
        );
      }
    });
  }
});

describe('SMTP faults are classified for the sender', () => {
  const cases: {
    name: string;
    fault: Parameters<typeof startSmtpServer>[0];
    expect: {
      type: typeof TransientMailError | typeof PermanentMailError;
      scope: MailError['scope'];
      code?: number;
    };
  }[] = [
    {
      name: '421 on connect',
      fault: { fault: (s) => (s === 'connect' ? { kind: 'connect421' } : undefined) },
      expect: { type: TransientMailError, scope: 'server', code: 421 },
    },
    {
      name: '451 at RCPT',
      fault: { fault: (s) => (s === 'rcpt' ? { kind: 'rcpt', code: 451 } : undefined) },
      expect: { type: TransientMailError, scope: 'message', code: 451 },
    },
    {
      name: '452 after DATA',
      fault: { fault: (s) => (s === 'data' ? { kind: 'data', code: 452 } : undefined) },
      expect: { type: TransientMailError, scope: 'message', code: 452 },
    },
    {
      name: '550 5.1.1 at RCPT',
      fault: { fault: (s) => (s === 'rcpt' ? { kind: 'rcpt', code: 550 } : undefined) },
      expect: { type: PermanentMailError, scope: 'recipient', code: 550 },
    },
    {
      name: '554 after DATA',
      fault: { fault: (s) => (s === 'data' ? { kind: 'data', code: 554 } : undefined) },
      expect: { type: PermanentMailError, scope: 'message', code: 554 },
    },
    {
      name: 'hang after DATA',
      fault: { fault: (s) => (s === 'data' ? { kind: 'hangAfterData' } : undefined) },
      expect: { type: TransientMailError, scope: 'server' },
    },
    {
      name: 'connection drop after DATA',
      fault: { fault: (s) => (s === 'data' ? { kind: 'dropAfterData' } : undefined) },
      expect: { type: TransientMailError, scope: 'server' },
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const smtp = await startSmtpServer(c.fault);
      const mailer = createMailer(configFor(smtp.url, { smtpPoolSize: 1 }));
      const err = await mailer.send({ to: 'a@example.org', subject: 's', text: 't' }).then(
        () => assert.fail('should have failed'),
        (e: unknown) => e,
      );
      await mailer.close();
      await smtp.stop();
      assert.ok(
        err instanceof c.expect.type,
        `${c.name}: got ${(err as Error).name}: ${(err as Error).message}`,
      );
      assert.equal((err as MailError).scope, c.expect.scope);
      if (c.expect.code) assert.equal((err as MailError).responseCode, c.expect.code);
      if (c.expect.code === 550) assert.equal((err as MailError).enhancedCode, '5.1.1');
      assert.equal(smtp.received.length, 0);
    });
  }

  test('server down', async () => {
    const smtp = await startSmtpServer();
    await smtp.stop();
    const mailer = createMailer(configFor(smtp.url));
    const err = await mailer.send({ to: 'a@example.org', subject: 's', text: 't' }).catch((e: unknown) => e);
    await mailer.close();
    assert.ok(err instanceof TransientMailError);
    assert.equal(err.scope, 'server');
    await assert.rejects(createMailer(configFor(smtp.url)).verify(), TransientMailError);
  });
});

test('file mailer writes a parseable .eml under <data>/mail', async () => {
  const config = configFor(undefined);
  const mailer = createMailer(config);
  assert.equal(mailer.kind, 'file');
  await mailer.verify();
  const res = await mailer.send({
    to: 'dev@example.org',
    subject: 'Hello\r\nBcc: x@y.org',
    text: 'body',
    html: '<b>b</b>',
  });
  await mailer.close();
  const dir = path.join(config.data, 'mail');
  const files = readdirSync(dir).filter((f) => f.endsWith('.eml'));
  assert.equal(files.length, 1);
  const raw = readFileSync(path.join(dir, files[0]!));
  const mail = await simpleParser(raw);
  assert.equal(mail.messageId, res.messageId);
  assert.equal(mail.subject, 'Hello Bcc: x@y.org');
  assert.ok(!headerNames(raw).includes('bcc'));
  rmSync(config.data, { recursive: true, force: true });
});
