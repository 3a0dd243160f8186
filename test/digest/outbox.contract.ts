/**
 * The outbox ledger's contract, run on SQLite and PostgreSQL (outbox.sqlite.test.ts,
 * outbox.pg.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Store } from '../../src/app/store.ts';
import { createMailer } from '../../src/digest/mailer.ts';
import { slotOn } from '../../src/digest/period.ts';
import { runDigest } from '../../src/digest/run.ts';
import type { PlannedDigest } from '../../src/digest/types.ts';
import { tempDir } from '../support/app.ts';
import { startSmtpServer } from '../support/smtp-server.ts';
import { addConfirmed, digestConfig, SLOT_DAY, SLOT_MS, seedPapers } from './helpers.ts';

const planned = (subscriberId: number, period: string, papers: string[] = ['2601.00001']): PlannedDigest => ({
  subscriberId,
  period,
  runId: null,
  messageId: `<digest.${period.replace(':', '.')}.${subscriberId}@paperboy.test>`,
  subject: 'S',
  text: 'T',
  html: '<p>H</p>',
  papers,
  slot: SLOT_MS,
  expiresAt: SLOT_MS + 86_400_000,
});

export function runOutboxContract(
  name: string,
  open: () => Promise<{ store: Store; close(): Promise<void> }>,
) {
  describe(`digest outbox on ${name}`, () => {
    let store: Store;
    let close: () => Promise<void>;
    before(async () => {
      ({ store, close } = await open());
    });
    after(async () => close());

    // RELIABILITY: "One outbox row per (subscriber, period) with a unique key; rows move
    // pending → sending (leased) → sent | failed | expired."
    test('one row per (subscriber, period); pending → sending (leased) → sent | failed | expired', async () => {
      const repo = store.digest;
      const a = await addConfirmed(store, `ledger-a-${name}@example.org`);
      const b = await addConfirmed(store, `ledger-b-${name}@example.org`);
      const c = await addConfirmed(store, `ledger-c-${name}@example.org`);
      const t0 = SLOT_MS;
      assert.equal(
        await repo.plan(
          [
            planned(a.id, 'daily:2026-01-07'),
            planned(b.id, 'daily:2026-01-07', ['2601.00002']),
            planned(c.id, 'daily:2026-01-07'),
          ],
          t0,
        ),
        3,
      );
      assert.equal(
        await repo.plan([planned(a.id, 'daily:2026-01-07'), planned(b.id, 'daily:2026-01-07')], t0),
        0,
        'the unique key refuses a second row',
      );
      assert.equal((await repo.outboxFor(a.id)).length, 1);

      const claimed = await repo.claim('holder-1', t0, 1000, 10, 'daily:2026-01-07');
      assert.deepEqual(
        claimed.map((r) => r.status),
        ['sending', 'sending', 'sending'],
      );
      assert.ok(claimed.every((r) => r.attempts === 1));
      assert.deepEqual(await repo.claim('holder-2', t0 + 500, 1000, 10), [], 'leased rows are not claimable');

      const [ra, rb, rc] = claimed as [(typeof claimed)[0], (typeof claimed)[0], (typeof claimed)[0]];
      assert.ok(await repo.markSent(ra.id, 'holder-1', t0 + 600));
      assert.equal((await repo.outbox(ra.id))!.status, 'sent');

      // holder-1 stalls; its lease on b and c lapses and holder-2 takes them over.
      const taken = await repo.claim('holder-2', t0 + 1001, 1000, 10);
      assert.deepEqual(taken.map((r) => r.id).sort(), [rb.id, rc.id].sort());
      assert.ok(taken.every((r) => r.attempts === 2 && r.leaseHolder === 'holder-2'));
      assert.equal(
        await repo.markSent(rb.id, 'holder-1', t0 + 1100),
        false,
        'a lapsed holder cannot record a result',
      );
      assert.equal(await repo.finish(rb.id, 'holder-1', 'failed', 'x'), false);

      assert.ok(await repo.finish(rb.id, 'holder-2', 'failed', '550 5.1.1 user unknown'));
      assert.equal((await repo.outbox(rb.id))!.status, 'failed');
      assert.deepEqual(
        (await repo.sentPapers([b.id])).get(b.id),
        new Set(),
        'a failed digest frees its papers',
      );

      // Retry later, then expiry at the end of the period.
      assert.ok(await repo.retryLater(rc.id, 'holder-2', t0 + 5000, '451 try later', false));
      assert.equal((await repo.outbox(rc.id))!.status, 'pending');
      assert.deepEqual(await repo.claim('holder-3', t0 + 4999, 1000, 10), [], 'not before its retry time');
      assert.equal(await repo.expireOverdue(SLOT_MS + 86_400_000), 1);
      const rcAfter = (await repo.outbox(rc.id))!;
      assert.equal(rcAfter.status, 'expired');
      assert.equal(rcAfter.attempts, 2);
      assert.deepEqual((await repo.claim('holder-3', SLOT_MS + 86_400_000, 1000, 10)).length, 0);
      assert.deepEqual(await repo.periodCounts(5), [
        { period: 'daily:2026-01-07', counts: { sent: 1, failed: 1, expired: 1 } },
      ]);
    });

    // RELIABILITY: "Scheduler run twice ... still one row per (subscriber, period)" (in one
    // process, one after the other; two processes at once: schedulers.test.ts).
    test('a digest run twice for the same slot: one row and one mail per subscriber', async () => {
      const smtp = await startSmtpServer();
      const config = digestConfig(tempDir(), { smtpUrl: smtp.url });
      await seedPapers(store);
      const emails = Array.from({ length: 6 }, (_, i) => `twice-${i}-${name}@example.org`);
      for (const e of emails) await addConfirmed(store, e);
      const slot = slotOn(SLOT_DAY, '06:00', 'UTC');
      const mailer = createMailer(config);
      const first = await runDigest(store, config, {
        slot,
        trigger: 'scheduler',
        mailer,
        now: () => SLOT_MS + 60_000,
      });
      const second = await runDigest(store, config, {
        slot,
        trigger: 'scheduler',
        mailer,
        now: () => SLOT_MS + 120_000,
      });
      await mailer.close();
      await smtp.stop();
      assert.equal(second.plan.planned, 0);
      assert.ok(second.plan.existing >= emails.length);
      assert.equal(second.send.sent, 0);
      const to = smtp.received.flatMap((m) => m.recipients).filter((r) => r.startsWith('twice-'));
      assert.deepEqual(to.sort(), [...emails].sort(), 'each subscriber got exactly one digest');
      assert.ok(first.send.sent >= emails.length);
      for (const e of emails) {
        const s = (await store.digest.subscriberByEmail(e))!;
        const rows = await store.digest.outboxFor(s.id);
        assert.deepEqual(
          rows.map((r) => [r.period, r.status]),
          [['daily:2026-01-07', 'sent']],
        );
      }
    });
  });
}
