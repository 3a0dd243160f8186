/**
 * Bounce handling through the real app's hook (`POST /hooks/bounce`): digests really go out
 * through a real SMTP server with VERP envelope senders, and the reports posted back are built
 * from what that server received, as a mail server's DSN (RFC 3464) or a mailbox provider's
 * complaint (ARF, RFC 5965) would be.
 *
 * Issue 6 (Send): "hard bounces and complaints suppress at once, repeated soft bounces after a
 * threshold"; bad or hostile input is refused with 400 and a message, and changes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createMailer } from '../../src/digest/mailer.ts';
import { slotOn } from '../../src/digest/period.ts';
import { runDigest } from '../../src/digest/run.ts';
import { keyedHash } from '../../src/digest/tokens.ts';
import { startApp, type TestApp } from '../support/app.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.ts';
import { addConfirmed, SLOT_DAY, SLOT_MS, seedPapers } from './helpers.ts';

const HOOK_SECRET = 'hook-secret-for-the-bounce-tests';
const TOKEN_SECRET = 't'.repeat(40);
const LIMIT = 3;
const READERS = ['hard', 'arf', 'soft', 'verp-forged', 'bystander'].map((n) => `${n}@example.org`);

/** The header block of the message the server received for `to` (what a DSN returns). */
function originalHeaders(smtp: TestSmtpServer, to: string): { headers: string; envelopeFrom: string } {
  const m = smtp.received.find((r) => r.recipients.includes(to));
  assert.ok(m, `a digest reached ${to}`);
  const raw = m.raw.toString('utf8');
  return { headers: raw.slice(0, raw.indexOf('\r\n\r\n') + 2), envelopeFrom: m.envelopeFrom };
}

let seq = 0;
function dsn(o: {
  to: string;
  recipient: string;
  action: string;
  status: string;
  original?: string;
}): string {
  const n = ++seq;
  return [
    'From: Mail Delivery System <MAILER-DAEMON@mx.example.org>',
    `To: <${o.to}>`,
    'Subject: Undelivered Mail Returned to Sender',
    `Message-ID: <dsn-${n}@mx.example.org>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="dsn-${n}"`,
    '',
    `--dsn-${n}`,
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This is the mail system at host mx.example.org.',
    '',
    `--dsn-${n}`,
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example.org',
    '',
    `Final-Recipient: rfc822; ${o.recipient}`,
    `Action: ${o.action}`,
    `Status: ${o.status}`,
    `Diagnostic-Code: smtp; ${o.status.startsWith('5') ? '550' : '452'} ${o.status} mailbox says no`,
    '',
    `--dsn-${n}`,
    'Content-Type: text/rfc822-headers',
    '',
    `${o.original ?? ''}--dsn-${n}--`,
    '',
  ].join('\r\n');
}

function arf(o: { to: string; recipient: string; original: string }): string {
  return [
    'From: <feedback@provider.example>',
    `To: <${o.to}>`,
    'Subject: Complaint about a message',
    'Message-ID: <arf-1@provider.example>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type=feedback-report; boundary="arf"',
    '',
    '--arf',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This is an email abuse report.',
    '',
    '--arf',
    'Content-Type: message/feedback-report',
    '',
    'Feedback-Type: abuse',
    'User-Agent: provider-fbl/1.0',
    'Version: 1',
    `Original-Rcpt-To: ${o.recipient}`,
    '',
    '--arf',
    'Content-Type: text/rfc822-headers',
    '',
    `${o.original}--arf--`,
    '',
  ].join('\r\n');
}

describe('bounce hook (POST /hooks/bounce)', () => {
  let smtp: TestSmtpServer;
  let app: TestApp;
  const post = (body: BodyInit, headers: Record<string, string> = {}) =>
    fetch(`${app.url}/hooks/bounce`, {
      method: 'POST',
      headers: { authorization: `Bearer ${HOOK_SECRET}`, 'content-type': 'message/rfc822', ...headers },
      body,
    });
  const state = async (email: string) => {
    const s = (await app.store.digest.subscriberByEmail(email))!;
    return {
      status: s.status,
      softBounces: s.softBounces,
      suppressed: await app.store.digest.suppression(keyedHash(TOKEN_SECRET, 'email', email)),
    };
  };

  before(async () => {
    smtp = await startSmtpServer();
    app = await startApp({
      config: {
        smtpUrl: smtp.url,
        baseUrl: 'https://paperboy.test',
        mailFrom: 'paperboy <digest@paperboy.test>',
        mailBounceAddress: 'bounces@paperboy.test',
        mailVerp: true,
        tokenSecret: TOKEN_SECRET,
        bounceHookSecret: HOOK_SECRET,
        digestSoftBounceLimit: LIMIT,
        digestTime: '06:00',
        digestTimeZone: 'UTC',
      },
    });
    await seedPapers(app.store);
    for (const email of READERS) await addConfirmed(app.store, email);
    const mailer = createMailer(app.config);
    await runDigest(app.store, app.config, {
      slot: slotOn(SLOT_DAY, '06:00', 'UTC'),
      trigger: 'cli',
      mailer,
      now: () => SLOT_MS + 60_000,
    });
    await mailer.close();
    assert.equal(smtp.received.length, READERS.length);
  });
  after(async () => {
    await app.close();
    await smtp.stop();
  });

  test('a hard bounce (5.1.1, Action: failed) to the VERP address suppresses at once', async () => {
    const email = 'hard@example.org';
    const { headers, envelopeFrom } = originalHeaders(smtp, email);
    assert.match(envelopeFrom, /^bounces\+s\d+-[0-9a-f]{10}@paperboy\.test$/, 'digests go out with VERP');
    const res = await post(
      dsn({ to: envelopeFrom, recipient: email, action: 'failed', status: '5.1.1', original: headers }),
    );
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { kind: 'hard', status: '5.1.1', outcome: 'hard bounce: suppressed' });
    assert.deepEqual(await state(email), { status: 'bounced', softBounces: 0, suppressed: 'bounced' });
    assert.equal((await state('bystander@example.org')).status, 'confirmed', 'nobody else');
  });

  test('a complaint (ARF, RFC 5965) found by the original Message-ID suppresses at once', async () => {
    const email = 'arf@example.org';
    const { headers } = originalHeaders(smtp, email);
    // Sent to the plain From address, not the VERP one: the returned headers identify the digest.
    const res = await post(arf({ to: 'digest@paperboy.test', recipient: email, original: headers }));
    assert.equal(res.status, 200);
    assert.equal((await res.json()).kind, 'complaint');
    assert.deepEqual(await state(email), { status: 'complained', softBounces: 0, suppressed: 'complained' });
  });

  test(`soft bounces (4.2.2, Action: delayed) suppress only at the threshold (${LIMIT}), not one before`, async () => {
    const email = 'soft@example.org';
    const { headers, envelopeFrom } = originalHeaders(smtp, email);
    const soft = () =>
      post(
        dsn({ to: envelopeFrom, recipient: email, action: 'delayed', status: '4.2.2', original: headers }),
      );
    for (let i = 1; i < LIMIT; i++) {
      const res = await soft();
      assert.equal(res.status, 200);
      assert.equal((await res.json()).outcome, 'soft bounce counted');
    }
    assert.deepEqual(
      await state(email),
      { status: 'confirmed', softBounces: LIMIT - 1, suppressed: null },
      `${LIMIT - 1} soft bounces: still subscribed`,
    );
    const res = await soft();
    assert.equal((await res.json()).outcome, `soft bounce ${LIMIT} of ${LIMIT}: suppressed`);
    assert.deepEqual(
      await state(email),
      { status: 'bounced', softBounces: LIMIT, suppressed: 'bounced' },
      `${LIMIT} soft bounces: suppressed`,
    );
  });

  test('a forged VERP tag names nobody: no subscriber is touched', async () => {
    const target = (await app.store.digest.subscriberByEmail('verp-forged@example.org'))!;
    const res = await post(
      dsn({
        to: `bounces+s${target.id}-0123456789@paperboy.test`,
        recipient: 'someone-else@example.net',
        action: 'failed',
        status: '5.1.1',
      }),
    );
    assert.equal(res.status, 200);
    assert.equal((await res.json()).outcome, 'no matching subscriber');
    assert.deepEqual(await state('verp-forged@example.org'), {
      status: 'confirmed',
      softBounces: 0,
      suppressed: null,
    });
  });

  test('without the shared secret: 401, and nothing changes', async () => {
    const email = 'bystander@example.org';
    const { headers, envelopeFrom } = originalHeaders(smtp, email);
    const report = dsn({
      to: envelopeFrom,
      recipient: email,
      action: 'failed',
      status: '5.1.1',
      original: headers,
    });
    for (const authorization of [
      '',
      'Bearer wrong-secret-wrong-secret-wrong',
      `Basic ${HOOK_SECRET}`,
      HOOK_SECRET,
    ]) {
      const res = await post(report, { authorization });
      assert.equal(res.status, 401, `authorization "${authorization}"`);
      assert.match((await res.json()).error, /Authorization: Bearer/);
    }
    assert.equal((await state(email)).status, 'confirmed');
  });

  test('bad or hostile bodies: 400 with what is wrong (413 past the size limit), nothing changes', async () => {
    const bystander = (await app.store.digest.subscriberByEmail('bystander@example.org'))!;
    const cases: [string, BodyInit, Record<string, string>, RegExp][] = [
      ['empty', '', {}, /Empty body/],
      ['binary', new Uint8Array([0x46, 0x72, 0x00, 0xff, 0x0a]), {}, /Binary data/],
      [
        'JSON',
        '{"email":"bystander@example.org","bounce":"hard"}',
        { 'content-type': 'application/json' },
        /Not a mail message/,
      ],
      [
        'form',
        'email=bystander%40example.org',
        { 'content-type': 'application/x-www-form-urlencoded' },
        /Not a mail message/,
      ],
      [
        'an ordinary mail',
        'From: a@example.org\r\nTo: bounces@paperboy.test\r\nSubject: hi\r\n\r\nStatus: 5.1.1 in the text does not make a report\r\n',
        {},
        /Not a delivery status notification/,
      ],
      ['header injection attempt', '\r\nAction: failed\r\nStatus: 5.1.1\r\n', {}, /Not a mail message/],
    ];
    for (const [name, body, headers, message] of cases) {
      const res = await post(body, headers);
      assert.equal(res.status, 400, name);
      assert.match(res.headers.get('content-type') ?? '', /application\/json/, name);
      assert.match((await res.json()).error, message, name);
    }
    const huge = await post(`From: a@example.org\r\n\r\n${'x'.repeat(1_100_000)}`);
    assert.equal(huge.status, 413);
    assert.deepEqual(await state('bystander@example.org'), {
      status: 'confirmed',
      softBounces: 0,
      suppressed: null,
    });
    assert.deepEqual(await app.store.digest.bounces(bystander.id), [], 'no report was logged');
  });

  test('the hook is off (404) when no secret is configured', async () => {
    const off = await startApp();
    try {
      const res = await fetch(`${off.url}/hooks/bounce`, {
        method: 'POST',
        headers: { authorization: `Bearer ${HOOK_SECRET}` },
        body: dsn({ to: 'b@x.org', recipient: 'a@x.org', action: 'failed', status: '5.1.1' }),
      });
      assert.equal(res.status, 404);
    } finally {
      await off.close();
    }
  });
});
