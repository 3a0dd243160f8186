/**
 * A harvest's events are stored in several transactions (compute.ts EVENTS_PER_TRANSACTION), so
 * a million events never hold the write lock at once; the changes are consumed with the last
 * one. A crash between two of them (the second `record` throws) leaves the changes queued, and
 * the next run stores the rest: every event exactly once. And the events of an alert that does
 * not mail are stored as settled for mail (types.ts EventInput.mail). Both databases.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pool } from 'pg';
import { computeEvents } from '../../src/alerts/compute.ts';
import type { AlertRepository } from '../../src/alerts/types.ts';
import type { SqliteStore } from '../../src/app/sqlite.store.ts';
import type { Store } from '../../src/app/store.ts';
import { makeUser } from '../contract/accounts.ts';
import { bothStores } from '../digest/helpers.ts';
import { makePaper } from '../support/papers.ts';

const BASE = 'https://paperboy.test';

/** The repository, with its `record` failing on call number `failAt` (1-based). */
function failingOn(repo: AlertRepository, failAt: number): AlertRepository {
  let calls = 0;
  return new Proxy(repo, {
    get(target, key, receiver) {
      const v = Reflect.get(target, key, receiver);
      if (key !== 'record') return typeof v === 'function' ? v.bind(target) : v;
      return (...args: Parameters<AlertRepository['record']>) => {
        if (++calls === failAt) throw new Error('killed between two transactions');
        return target.record(...args);
      };
    },
  });
}

for (const [dialect, open] of bothStores) {
  test(`${dialect}: events stored in chunks; a crash between chunks loses and doubles nothing`, async () => {
    const { store: s, close } = await open();
    try {
      const now = new Date().toISOString();
      const reader = await makeUser(s, 'chunk-reader', now);
      await s.alerts.create(
        { userId: reader.id, kind: 'search', target: 'lattice', delivery: ['feed'] },
        now,
      );
      await s.papers.upsertMany(
        Array.from({ length: 7 }, (_, i) =>
          makePaper({
            arxivId: `2512.170${String(i).padStart(2, '0')}`,
            title: `Lattice paper ${i}`,
            submittedAt: now,
            updatedAt: now,
            versions: [{ version: 1, createdAt: now }],
          }),
        ),
      );
      await assert.rejects(
        computeEvents(failingOn(s.alerts, 2), { baseUrl: BASE, eventsPerTransaction: 3 }),
        /killed between two transactions/,
      );
      assert.equal((await s.alerts.events(reader.id, 100)).length, 3, 'the first chunk was committed');
      const again = await computeEvents(s.alerts, { baseUrl: BASE, eventsPerTransaction: 3 });
      assert.equal(again.events.length, 4, 'the rest, and not the first chunk again');
      const all = await s.alerts.events(reader.id, 100);
      assert.deepEqual(
        all.map((e) => e.arxivId).sort(),
        Array.from({ length: 7 }, (_, i) => `2512.170${String(i).padStart(2, '0')}`),
      );
      assert.equal(
        (await computeEvents(s.alerts, { baseUrl: BASE })).changes,
        0,
        'the changes were consumed',
      );
    } finally {
      await close();
    }
  });
}

/** Events still waiting for a mail, read straight from the table (the partial index's rows). */
async function unmailed(s: Store): Promise<number> {
  const sql = 'SELECT count(*) AS n FROM alert_events WHERE mailed_at IS NULL';
  if ('db' in s) return Number(((s as SqliteStore).db.prepare(sql).get() as { n: number }).n);
  return Number((await (s as unknown as { pool: Pool }).pool.query<{ n: string }>(sql)).rows[0]!.n);
}

for (const [dialect, open] of bothStores) {
  test(`${dialect}: only events a mail will carry wait as unmailed`, async () => {
    const { store: s, close } = await open();
    try {
      const now = new Date().toISOString();
      const reader = await makeUser(s, 'mail-reader', now);
      await s.alerts.create({ userId: reader.id, kind: 'search', target: 'quasar', delivery: ['feed'] }, now);
      await s.alerts.create({ userId: reader.id, kind: 'search', target: 'pulsar', delivery: ['mail'] }, now);
      await s.papers.upsertMany(
        ['quasar', 'pulsar', 'quasar pulsar'].map((t, i) =>
          makePaper({
            arxivId: `2512.171${i}0`,
            title: `A ${t} survey`,
            submittedAt: now,
            updatedAt: now,
            versions: [{ version: 1, createdAt: now }],
          }),
        ),
      );
      const r = await computeEvents(s.alerts, { baseUrl: BASE });
      assert.equal(r.events.length, 4, 'two papers per alert');
      assert.equal(await unmailed(s), 2, 'the feed-only alert’s events are not waiting for a mail');
      assert.equal((await s.alerts.stats()).pendingMail, 2);
      assert.equal((await s.alerts.events(reader.id, 10, 'feed')).length, 2, 'the feed still has its own');
    } finally {
      await close();
    }
  });
}
