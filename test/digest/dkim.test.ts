/**
 * DKIM: with a key configured, a digest sent through the real sender and a real SMTP server
 * carries a DKIM-Signature whose h= covers List-Unsubscribe and List-Unsubscribe-Post (RFC 8058
 * §3.3: a one-click unsubscribe is honoured only when the signature covers both), and that
 * signature verifies with an independent implementation (`mailauth`) against the public key —
 * and stops verifying when List-Unsubscribe is altered. Without a key, nothing is signed.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { rmSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { createMailer } from '../../src/digest/mailer.ts';
import { slotOn } from '../../src/digest/period.ts';
import { runDigest } from '../../src/digest/run.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.ts';
import { addConfirmed, digestConfig, SLOT_DAY, SLOT_MS, seedPapers, sqliteStore } from './helpers.ts';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const PRIVATE_PEM = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const PUBLIC_B64 = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');

/** DNS for the verifier: only our selector's TXT record exists. */
async function resolver(name: string, type: string): Promise<string[][]> {
  if (type === 'TXT' && name === 'pb2026._domainkey.paperboy.test')
    return [[`v=DKIM1; k=rsa; p=${PUBLIC_B64}`]];
  throw Object.assign(new Error(`no ${type} record for ${name}`), { code: 'ENOTFOUND' });
}

/** One digest sent for real; returns the raw message the SMTP server received. */
async function sendOne(smtp: TestSmtpServer, dkim: Record<string, string>): Promise<string> {
  const { store, dir } = sqliteStore();
  try {
    const config = digestConfig(dir, { smtpUrl: smtp.url, ...dkim });
    await seedPapers(store);
    await addConfirmed(store, `reader${smtp.received.length}@example.org`);
    const mailer = createMailer(config);
    const before = smtp.received.length;
    await runDigest(store, config, {
      slot: slotOn(SLOT_DAY, '06:00', 'UTC'),
      trigger: 'cli',
      mailer,
      now: () => SLOT_MS + 60_000,
    });
    await mailer.close();
    assert.equal(smtp.received.length, before + 1);
    return smtp.received.at(-1)!.raw.toString('utf8');
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const headerOf = (raw: string, name: string) =>
  new RegExp(`^${name}:[ \\t]*((?:.*)(?:\\r\\n[ \\t].*)*)`, 'im').exec(raw)?.[1]?.replace(/\r\n[ \t]+/g, ' ');

describe('DKIM signing', () => {
  let smtp: TestSmtpServer;
  after(async () => {
    await smtp?.stop();
  });

  test('with a key: signed, h= covers List-Unsubscribe(-Post), verifies; altering the header breaks it', async () => {
    smtp = await startSmtpServer();
    const raw = await sendOne(smtp, {
      dkimDomain: 'paperboy.test',
      dkimSelector: 'pb2026',
      dkimPrivateKey: PRIVATE_PEM,
    });
    const signature = headerOf(raw, 'DKIM-Signature');
    assert.ok(signature, 'a DKIM-Signature header');
    const tags = new Map(
      signature.split(';').map((t) => {
        const [k, ...v] = t.trim().split('=');
        return [k!.trim(), v.join('=').replace(/\s+/g, '')] as const;
      }),
    );
    assert.equal(tags.get('d'), 'paperboy.test');
    assert.equal(tags.get('s'), 'pb2026');
    const signed = tags.get('h')!.toLowerCase().split(':');
    for (const h of ['from', 'subject', 'message-id', 'list-unsubscribe', 'list-unsubscribe-post'])
      assert.ok(signed.includes(h), `h= covers ${h} (h=${tags.get('h')})`);
    assert.ok(headerOf(raw, 'List-Unsubscribe-Post'), 'the signed header is there');

    const ok = await dkimVerify(Buffer.from(raw), { resolver });
    assert.equal(ok.results.length, 1);
    assert.equal(ok.results[0]!.status.result, 'pass', JSON.stringify(ok.results[0]!.status));
    assert.equal(ok.results[0]!.signingDomain, 'paperboy.test');

    const tampered = raw.replace(
      /^List-Unsubscribe: <https:\/\/paperboy\.test\/digest\/unsubscribe\//im,
      'List-Unsubscribe: <https://evil.example/digest/unsubscribe/',
    );
    assert.notEqual(tampered, raw);
    const bad = await dkimVerify(Buffer.from(tampered), { resolver });
    assert.equal(bad.results[0]!.status.result, 'fail', 'a changed List-Unsubscribe no longer verifies');
  });

  test('without a key: no signature', async () => {
    smtp ??= await startSmtpServer();
    const raw = await sendOne(smtp, {});
    assert.equal(headerOf(raw, 'DKIM-Signature'), undefined);
    assert.ok(headerOf(raw, 'List-Unsubscribe'));
  });
});
