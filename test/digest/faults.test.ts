// RELIABILITY (Digests): "SMTP faults from a real local SMTP server (421 on connect, 451/452
// transient, 550 5.1.1 permanent, hang after DATA, connection drop, server down): transient ones
// retry with backoff and a cap; permanent ones mark the address bounced; a long outage pauses
// sending instead of failing everyone; a digest past its period expires instead of arriving late."
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import type { SqliteStore } from '../../src/app/sqlite.store.ts';
import type { Config } from '../../src/config/config.ts';
import { createMailer } from '../../src/digest/mailer.ts';
import { backoffMs, DigestSender } from '../../src/digest/send.ts';
import { keyedHash, tokenSecret } from '../../src/digest/tokens.ts';
import type { OutboxRow } from '../../src/digest/types.ts';
import { sleep } from '../../src/shared/sleep.ts';
import { type SmtpFaultRule, startSmtpServer, type TestSmtpServer } from '../support/smtp-server.ts';
import { addConfirmed, digestConfig, sqliteStore } from './helpers.ts';

describe('sending through SMTP faults', () => {
  let store: SqliteStore;
  let dir: string;
  let smtp: TestSmtpServer;
  let config: Config;
  let n = 0;
  before(async () => {
    ({ store, dir } = sqliteStore());
    smtp = await startSmtpServer();
    config = digestConfig(dir, { smtpUrl: smtp.url, digestMaxAttempts: 3, smtpPoolSize: 2 });
  });
  after(async () => {
    await smtp.stop();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Confirmed subscribers with one pending digest each, expiring at `expiresAt`. */
  async function digestsFor(
    prefix: string,
    count: number,
    expiresAt = Date.now() + 3_600_000,
  ): Promise<{ email: string; id: number }[]> {
    const out: { email: string; id: number }[] = [];
    for (let i = 0; i < count; i++) {
      const email = `${prefix}-${i}@example.org`;
      const s = await addConfirmed(store, email, undefined, Date.now() - 1000);
      const period = `daily:fault-${n++}`;
      await store.digest.plan(
        [
          {
            subscriberId: s.id,
            period,
            runId: null,
            messageId: `<f.${n}.${s.id}@paperboy.test>`,
            subject: 'S',
            text: 'T',
            html: '<p>H</p>',
            papers: [],
            slot: Date.now(),
            expiresAt,
          },
        ],
        Date.now(),
      );
      out.push({ email, id: s.id });
    }
    return out;
  }
  const rowOf = async (id: number): Promise<OutboxRow> => (await store.digest.outboxFor(id))[0]!;

  /** Drains, waiting out retries, until nothing is pending or `ms` passed. */
  async function drainAll(sender: DigestSender, ms = 8000) {
    const end = Date.now() + ms;
    for (;;) {
      await sender.drain();
      const next = await store.digest.nextDue();
      if (next === null || Date.now() > end) return;
      await sleep(Math.min(200, Math.max(5, next - Date.now())));
    }
  }
  const sender = () => new DigestSender({ store, config, mailer: createMailer(config), holder: `h${n++}` });
  const only =
    (prefix: string, rule: SmtpFaultRule): SmtpFaultRule =>
    (stage, rcpt, d) =>
      rcpt?.startsWith(prefix) ? rule(stage, rcpt, d) : undefined;

  test('backoff doubles per attempt with ±50 % jitter, capped at an hour', () => {
    assert.equal(
      backoffMs(1, 1000, () => 0.5),
      1000,
    );
    assert.equal(
      backoffMs(3, 1000, () => 0.5),
      4000,
    );
    assert.equal(
      backoffMs(1, 1000, () => 0),
      500,
    );
    assert.equal(
      backoffMs(1, 1000, () => 0.999),
      1499,
    );
    assert.equal(
      backoffMs(30, 1000, () => 0.5),
      3_600_000,
    );
  });

  test('451/452 retry with backoff and then succeed; a permanent 4xx hits the attempt cap and fails', async () => {
    const [flaky] = await digestsFor('flaky', 1);
    const [full] = await digestsFor('full', 1);
    const [stuck] = await digestsFor('stuck', 1);
    let flakyTries = 0;
    let fullTries = 0;
    smtp.setFault((stage, rcpt) => {
      if (stage === 'rcpt' && rcpt?.startsWith('flaky') && flakyTries++ < 2)
        return { kind: 'rcpt', code: 451 };
      if (stage === 'data' && rcpt?.startsWith('full') && fullTries++ < 1) return { kind: 'data', code: 452 };
      if (stage === 'rcpt' && rcpt?.startsWith('stuck')) return { kind: 'rcpt', code: 451 };
      return undefined;
    });
    const s = sender();
    await drainAll(s);
    smtp.setFault(undefined);
    const rf = await rowOf(flaky!.id);
    assert.deepEqual([rf.status, rf.attempts], ['sent', 3]);
    const rfull = await rowOf(full!.id);
    assert.deepEqual([rfull.status, rfull.attempts], ['sent', 2]);
    const rs = await rowOf(stuck!.id);
    assert.deepEqual([rs.status, rs.attempts], ['failed', 3], 'capped at digestMaxAttempts');
    assert.match(rs.lastError ?? '', /gave up after 3 attempts: 451/);
    assert.equal(
      (await store.digest.subscriber(stuck!.id))!.status,
      'confirmed',
      'a transient failure never marks the address',
    );
  });

  test('550 5.1.1 fails the digest, marks the address bounced and suppresses it', async () => {
    const [gone] = await digestsFor('gone', 1);
    smtp.setFault(only('gone', (stage) => (stage === 'rcpt' ? { kind: 'rcpt', code: 550 } : undefined)));
    await drainAll(sender());
    smtp.setFault(undefined);
    const row = await rowOf(gone!.id);
    assert.deepEqual([row.status, row.attempts], ['failed', 1]);
    assert.match(row.lastError ?? '', /550/);
    assert.equal((await store.digest.subscriber(gone!.id))!.status, 'bounced');
    const secret = await tokenSecret(config, store.digest);
    assert.equal(await store.digest.suppression(keyedHash(secret, 'email', gone!.email)), 'bounced');
    assert.equal((await store.digest.bounces(gone!.id))[0]?.kind, 'hard');
  });

  test('hang after DATA and a dropped connection are retried and delivered', async () => {
    const [hang] = await digestsFor('hang', 1);
    const [drop] = await digestsFor('drop', 1);
    let hung = 0;
    let dropped = 0;
    smtp.setFault((stage, rcpt) => {
      if (stage === 'data' && rcpt?.startsWith('hang') && hung++ < 1) return { kind: 'hangAfterData' };
      if (stage === 'data' && rcpt?.startsWith('drop') && dropped++ < 1) return { kind: 'dropAfterData' };
      return undefined;
    });
    await drainAll(sender());
    smtp.setFault(undefined);
    assert.equal((await rowOf(hang!.id)).status, 'sent');
    assert.equal((await rowOf(drop!.id)).status, 'sent');
    const delivered = smtp.received.filter(
      (m) => m.recipients[0]?.startsWith('hang') || m.recipients[0]?.startsWith('drop'),
    );
    assert.equal(delivered.length, 2);
  });

  test('421 on connect and a server outage pause sending (breaker) instead of failing anyone', async () => {
    const subs = await digestsFor('outage', 8);
    smtp.setFault(() => ({ kind: 'connect421' }));
    const s = sender();
    const draining = drainAll(s, 10_000);
    await sleep(600);
    await smtp.stop(); // from 421s to a server that is not there at all
    await sleep(1200);
    assert.ok(s.breaker.isOpen(Date.now()) || s.breaker.halfOpen, 'the breaker opened');
    const mid = await Promise.all(subs.map((x) => rowOf(x.id)));
    assert.ok(
      mid.every((r) => r.status !== 'failed'),
      'nobody failed during the outage',
    );
    assert.ok(
      Math.max(...mid.map((r) => r.attempts)) <= 2,
      `attempts are not spent while paused: ${mid.map((r) => r.attempts)}`,
    );
    smtp.setFault(undefined);
    await smtp.start();
    await draining;
    const rows = await Promise.all(subs.map((x) => rowOf(x.id)));
    assert.deepEqual(
      rows.map((r) => r.status),
      subs.map(() => 'sent'),
    );
  });

  test('a digest past its period expires instead of arriving late', async () => {
    const subs = await digestsFor('late', 3, Date.now() + 700);
    await smtp.stop();
    const s = sender();
    await drainAll(s, 2500);
    await smtp.start();
    await drainAll(s, 1000);
    const rows = await Promise.all(subs.map((x) => rowOf(x.id)));
    assert.deepEqual(
      rows.map((r) => r.status),
      ['expired', 'expired', 'expired'],
    );
    assert.equal(smtp.received.filter((m) => m.recipients[0]?.startsWith('late')).length, 0);
  });
});
