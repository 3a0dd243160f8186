/**
 * The digest repository's concerns besides the outbox ledger (outbox.contract.ts), on SQLite and
 * PostgreSQL: the subscriber life cycle, consent and erasure, bounces and suppression, secrets and
 * rate counters, runs, and the list reads the planner and sender make (sendableMany, existingFor,
 * renewLeases, markSentMany).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PlannedDigest } from '../../src/digest/types.ts';
import { addConfirmed, bothStores, defaultPrefs, SLOT_MS } from './helpers.ts';

const DAY = 86_400_000;

const planned = (subscriberId: number, period: string, papers: string[]): PlannedDigest => ({
  subscriberId,
  period,
  runId: null,
  messageId: `<digest.${subscriberId}.${period}@paperboy.test>`,
  subject: 'S',
  text: 'T',
  html: '<p>H</p>',
  papers,
  slot: SLOT_MS,
  expiresAt: SLOT_MS + DAY,
});

for (const [dialect, open] of bothStores) {
  describe(`digest repository concerns (${dialect})`, () => {
    test('subscribers: request, confirm, preferences, soft bounces, unsubscribe, expiry', async () => {
      const { store, close } = await open();
      try {
        const repo = store.digest;
        const t = SLOT_MS;
        const first = await repo.requestSubscription('a@x.org', defaultPrefs(), t, t + 7 * DAY);
        assert.equal(first.before, null);
        assert.equal(first.subscriber.status, 'pending');
        assert.equal(first.subscriber.confirmExpiresAt, t + 7 * DAY);
        const id = first.subscriber.id;
        const again = await repo.requestSubscription(
          'a@x.org',
          defaultPrefs({ paperCount: 7 }),
          t + 1,
          t + 8 * DAY,
        );
        assert.equal(again.before, 'pending');
        assert.equal(again.subscriber.paperCount, 7);
        assert.equal(await repo.confirm(id, t + 9 * DAY), false, 'the window has closed');
        assert.equal(await repo.confirm(id, t + 2), true);
        const confirmed = (await repo.subscriber(id))!;
        assert.equal(confirmed.status, 'confirmed');
        assert.equal(confirmed.confirmedAt, new Date(t + 2).toISOString());
        const unchanged = await repo.requestSubscription(
          'a@x.org',
          defaultPrefs({ paperCount: 9 }),
          t + 3,
          t + 9 * DAY,
        );
        assert.equal(unchanged.before, 'confirmed');
        assert.equal(unchanged.subscriber.paperCount, 7);
        assert.equal(
          await repo.setPreferences(id, defaultPrefs({ frequency: 'weekly', paperCount: 10 }), t + 4),
          true,
        );
        assert.equal((await repo.subscriberByEmail('a@x.org'))?.frequency, 'weekly');
        assert.equal(await repo.softBounce(id, 2, t + 5), 'confirmed');
        assert.equal(await repo.softBounce(id, 2, t + 6), 'bounced');
        assert.equal(await repo.softBounce(id + 1000, 2, t + 6), null);
        await repo.setStatus(id, 'complained', t + 7);
        assert.equal((await repo.subscriber(id))?.status, 'complained');
        assert.equal(await repo.unsubscribe(id, t + 8), false, 'only pending or confirmed');

        const b = await addConfirmed(store, 'b@x.org');
        assert.equal(await repo.unsubscribe(b.id, t + 9), true);
        await repo.requestSubscription('b@x.org', defaultPrefs(), t + 10, t + DAY);
        await repo.requestSubscription('c@x.org', defaultPrefs(), t + 10, t + DAY);
        assert.deepEqual(await repo.countByStatus(), { complained: 1, pending: 2 });
        assert.equal(await repo.expirePending(t + DAY), 2);
        assert.equal(await repo.subscriberByEmail('c@x.org'), null, 'never confirmed: deleted');
        assert.equal((await repo.subscriberByEmail('b@x.org'))?.status, 'unsubscribed');
        const c = await addConfirmed(store, 'd@x.org');
        const e = await addConfirmed(store, 'e@x.org');
        assert.deepEqual(
          (await repo.confirmedAfter(0, 10)).map((s) => s.email),
          ['d@x.org', 'e@x.org'],
        );
        assert.deepEqual(
          (await repo.confirmedAfter(c.id, 10)).map((s) => s.id),
          [e.id],
        );
      } finally {
        await close();
      }
    });

    test('consent, bounces, suppression and erasure', async () => {
      const { store, close } = await open();
      try {
        const repo = store.digest;
        const s = await addConfirmed(store, 'f@x.org');
        const g = await addConfirmed(store, 'g@x.org');
        const consent = {
          action: 'subscribe' as const,
          at: '2026-01-01T00:00:00.000Z',
          form: '/digest',
          ipHash: null,
          settings: { frequency: 'daily' },
          textVersion: 'v1',
        };
        await repo.addConsent(s.id, consent);
        await repo.addConsent(s.id, { ...consent, action: 'confirm', ipHash: 'h' });
        assert.deepEqual(
          (await repo.consents(s.id)).map((c) => [c.action, c.ipHash, c.settings]),
          [
            ['subscribe', null, { frequency: 'daily' }],
            ['confirm', 'h', { frequency: 'daily' }],
          ],
        );
        assert.equal(
          await repo.plan([planned(s.id, 'daily:2026-01-07', ['2601.00002', '2601.00001'])], SLOT_MS),
          1,
        );
        assert.deepEqual(await repo.sentPaperList(s.id), [
          { arxivId: '2601.00001', period: 'daily:2026-01-07' },
          { arxivId: '2601.00002', period: 'daily:2026-01-07' },
        ]);
        await repo.logBounce(s.id, 'soft', '4.2.2', 'x'.repeat(1200), SLOT_MS);
        await repo.logBounce(null, 'hard', null, 'unknown', SLOT_MS);
        const bounces = await repo.bounces(s.id);
        assert.equal(bounces.length, 1);
        assert.equal(bounces[0]?.detail?.length, 1000);
        assert.deepEqual(await repo.sendable(s.id, 'hash-f'), { status: 'confirmed', suppressed: null });

        await repo.erase(s.id, 'hash-f', SLOT_MS);
        assert.equal(await repo.subscriber(s.id), null);
        assert.deepEqual(await repo.consents(s.id), []);
        assert.deepEqual(await repo.sentPaperList(s.id), []);
        assert.deepEqual(await repo.outboxFor(s.id), []);
        assert.deepEqual(await repo.sendable(s.id, 'hash-f'), { status: null, suppressed: null });
        assert.equal(await repo.suppression('hash-f'), 'erased');
        await repo.suppress('hash-f', 'bounced', SLOT_MS);
        await repo.suppress('hash-f', 'complained', SLOT_MS);
        assert.equal(await repo.suppression('hash-f'), 'bounced', 'the first outranking reason stays');
        await repo.liftErasure('hash-f');
        assert.equal(await repo.suppression('hash-f'), 'bounced', 'only an erasure is lifted');
        await repo.suppress('hash-g', 'erased', SLOT_MS);
        await repo.liftErasure('hash-g');
        assert.equal(await repo.suppression('hash-g'), null);

        const many = await repo.sendableMany([
          { id: g.id, emailHash: 'hash-g' },
          { id: s.id, emailHash: 'hash-f' },
          { id: g.id + 1000, emailHash: 'hash-f' },
        ]);
        assert.deepEqual(Object.fromEntries(many), {
          [g.id]: { status: 'confirmed', suppressed: null },
          [s.id]: { status: null, suppressed: 'bounced' },
          [g.id + 1000]: { status: null, suppressed: 'bounced' },
        });
        assert.equal((await repo.sendableMany([])).size, 0);
      } finally {
        await close();
      }
    });

    test('secrets, rate counters and runs', async () => {
      const { store, close } = await open();
      try {
        const repo = store.digest;
        assert.equal(await repo.secret('token', 'first'), 'first');
        assert.equal(await repo.secret('token', 'second'), 'first', 'first writer wins');
        assert.equal(await repo.rateHit('ip', 1000, 10_000), 1);
        assert.equal(await repo.rateHit('ip', 1000, 10_500), 2);
        assert.equal(await repo.rateHit('ip', 1000, 11_000), 1, 'a new window');

        const id = await repo.startRun('2026-01-07T06:00:00.000Z', 'cli', 'holder-a', SLOT_MS);
        const other = await repo.startRun('2026-01-08T06:00:00.000Z', 'scheduler', 'holder-b', SLOT_MS);
        const counts = { planned: 3, skippedEmpty: 1, sent: 2, failed: 0, expired: 0 };
        await repo.updateRun(id, counts);
        await repo.updateRun(id, { ...counts, sent: 3 }, { status: 'ok', message: 'done', at: SLOT_MS + 5 });
        assert.equal(await repo.interruptRuns((h) => h !== 'holder-a', SLOT_MS + 6), 1);
        const [b, a] = await repo.recentRuns(5);
        assert.deepEqual(
          { id: a?.id, status: a?.status, sent: a?.sent, message: a?.message, finishedAt: a?.finishedAt },
          { id, status: 'ok', sent: 3, message: 'done', finishedAt: new Date(SLOT_MS + 5).toISOString() },
        );
        assert.deepEqual(
          { id: b?.id, status: b?.status, trigger: b?.trigger },
          { id: other, status: 'interrupted', trigger: 'scheduler' },
        );
        assert.equal((await repo.recentRuns(1)).length, 1);
      } finally {
        await close();
      }
    });

    test('list reads: existingFor, sentPapers, claim, renewLeases, markSentMany', async () => {
      const { store, close } = await open();
      try {
        const repo = store.digest;
        const subs = [];
        for (const n of [1, 2, 3]) subs.push(await addConfirmed(store, `l${n}@x.org`));
        const [a, b, c] = subs as [(typeof subs)[0], (typeof subs)[0], (typeof subs)[0]];
        await repo.plan(
          [planned(a.id, 'daily:2026-01-07', ['2601.00001']), planned(b.id, 'weekly:2026-01-07', [])],
          SLOT_MS,
        );
        const existing = await repo.existingFor([
          { id: a.id, period: 'daily:2026-01-07' },
          { id: b.id, period: 'daily:2026-01-07' },
          { id: b.id, period: 'weekly:2026-01-07' },
          { id: c.id, period: 'daily:2026-01-07' },
        ]);
        assert.deepEqual([...existing].sort(), [a.id, b.id].sort());
        assert.equal((await repo.existingFor([])).size, 0);
        const sent = await repo.sentPapers([a.id, b.id, c.id]);
        assert.deepEqual(
          [...sent].map(([id, s]) => [id, [...s]]),
          [
            [a.id, ['2601.00001']],
            [b.id, []],
            [c.id, []],
          ],
        );

        const claimed = await repo.claim('h1', SLOT_MS, 1000, 10);
        assert.deepEqual(
          claimed.map((r) => [r.subscriberId, r.email, r.text.toString(), r.html.toString()]),
          [
            [a.id, 'l1@x.org', 'T', '<p>H</p>'],
            [b.id, 'l2@x.org', 'T', '<p>H</p>'],
          ],
        );
        const ids = claimed.map((r) => r.id);
        await repo.renewLeases(ids, 'h2', SLOT_MS + 9000);
        assert.equal((await repo.outbox(ids[0]!))?.leaseUntil, SLOT_MS + 1000, 'not the holder: unchanged');
        await repo.renewLeases(ids, 'h1', SLOT_MS + 9000);
        assert.equal((await repo.outbox(ids[1]!))?.leaseUntil, SLOT_MS + 9000);
        assert.deepEqual(
          await repo.markSentMany(
            [
              { id: ids[0]!, at: SLOT_MS + 1 },
              { id: ids[1]! + 1000, at: SLOT_MS + 2 },
            ],
            'h1',
          ),
          [true, false],
        );
        assert.equal((await repo.outbox(ids[0]!))?.sentAt, new Date(SLOT_MS + 2).toISOString());
        assert.equal(await repo.markSent(ids[1]!, 'h2', SLOT_MS + 3), false);
        assert.equal(await repo.markSent(ids[1]!, 'h1', SLOT_MS + 3), true);
        assert.deepEqual(await repo.markSentMany([], 'h1'), []);
      } finally {
        await close();
      }
    });
  });
}
