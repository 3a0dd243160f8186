/**
 * The sender records "sent" a few rows per transaction (src/digest/sent-recorder.ts): marks are
 * written when `maxRows` are waiting or `maxDelayMs` after the first, each only if the row is
 * still ours; a row stays held (leases renewed) until its mark is written; a failed background
 * write is not lost but rethrown to the sender.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { SentRecorder } from '../../src/digest/sent-recorder.ts';
import { addConfirmed, sqliteStore } from './helpers.ts';

describe('SentRecorder', () => {
  const { store, dir } = sqliteStore();
  after(async () => {
    await store.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  });

  async function claimed(n: number, holder: string): Promise<number[]> {
    const now = Date.now();
    const planned = [];
    for (let i = 0; i < n; i++) {
      const s = await addConfirmed(store, `rec${Math.random().toString(36).slice(2)}@example.org`);
      planned.push({
        subscriberId: s.id,
        period: 'daily:2026-01-07',
        runId: null,
        messageId: `<m${s.id}@paperboy.test>`,
        subject: 's',
        text: 't',
        html: 'h',
        papers: [],
        slot: now,
        expiresAt: now + 86_400_000,
      });
    }
    await store.digest.plan(planned, now);
    return (await store.digest.claim(holder, now, 60_000, n)).map((r) => r.id);
  }
  const status = async (id: number) => (await store.digest.outbox(id))!.status;

  test('writes at maxRows, or maxDelayMs after the first mark; releases after writing', async () => {
    const ids = await claimed(3, 'h1');
    let sent = 0;
    const released: number[] = [];
    const { promise: third, resolve: thirdWritten } = Promise.withResolvers<void>();
    const rec = new SentRecorder({
      repo: store.digest,
      holder: 'h1',
      onSent: (n) => {
        sent += n;
        if (sent === 3) thirdWritten();
      },
      maxRows: 2,
      maxDelayMs: 30,
    });
    await rec.add(ids[0]!, Date.now(), () => released.push(ids[0]!));
    assert.equal(await status(ids[0]!), 'sending', 'one mark waits');
    assert.equal(released.length, 0, 'and its row stays held');
    await rec.add(ids[1]!, Date.now(), () => released.push(ids[1]!));
    assert.deepEqual(
      [await status(ids[0]!), await status(ids[1]!)],
      ['sent', 'sent'],
      'two: written together',
    );
    assert.deepEqual(released, [ids[0], ids[1]]);
    assert.equal(sent, 2);

    await rec.add(ids[2]!, Date.now(), () => released.push(ids[2]!));
    assert.equal(await status(ids[2]!), 'sending');
    await third; // the lone mark is written by the maxDelayMs timer, not by another add
    assert.equal(await status(ids[2]!), 'sent', 'written by the timer');
    assert.equal(sent, 3);
    rec.check();
  });

  test('a row whose lease another sender took is not counted as ours', async () => {
    const [id] = await claimed(1, 'h2');
    // The lease lapsed and another sender claimed the row meanwhile.
    await store.digest.retryLater(id!, 'h2', 0, 'lease lapsed', false);
    await store.digest.claim('other', Date.now(), 60_000, 1);
    let sent = 0;
    const rec = new SentRecorder({
      repo: store.digest,
      holder: 'h2',
      onSent: (n) => {
        sent += n;
      },
    });
    await rec.add(id!, Date.now(), () => {});
    await rec.flush();
    assert.equal(sent, 0);
    assert.equal((await store.digest.outbox(id!))!.leaseHolder, 'other');
  });

  test('a failed background write is rethrown by check(), once', async () => {
    const [id] = await claimed(1, 'h3');
    const rec = new SentRecorder({ repo: store.digest, holder: 'h3', onSent: () => {}, maxDelayMs: 10 });
    let released = false;
    await rec.add(id!, Date.now(), () => {
      released = true;
    });
    await store.close();
    await new Promise((r) => setTimeout(r, 50));
    assert.throws(() => rec.check());
    rec.check();
    assert.ok(released, 'the row is released even when its mark could not be written');
  });
});
