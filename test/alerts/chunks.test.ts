/**
 * A harvest's events are stored in several transactions (compute.ts EVENTS_PER_TRANSACTION), so
 * a million events never hold the write lock at once; the changes are consumed with the last
 * one. A crash between two of them (the second `record` throws) leaves the changes queued, and
 * the next run stores the rest: every event exactly once. Both databases.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeEvents } from '../../src/alerts/compute.ts';
import type { AlertRepository } from '../../src/alerts/types.ts';
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
