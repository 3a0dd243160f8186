/**
 * The alert drain (compute.ts) lets the event loop run between change batches. On SQLite every
 * repository call is synchronous, so a drain without a pause held the loop until the queue was
 * empty: after importing 2.7M papers (8.4M queued changes, 20,000 a batch at 0.2–0.3 s each) a
 * serving process answered nothing for about two minutes (bench/results/http-2026-12-07T18-02-20Z:
 * 0 req/s on /api/daily_papers, p99 7.3 s on /trending). Both databases.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { computeEvents } from '../../src/alerts/compute.ts';
import { bothStores } from '../digest/helpers.ts';
import { makePaper } from '../support/papers.ts';

for (const [dialect, open] of bothStores) {
  test(`${dialect}: a macrotask queued before the alert drain runs before the drain ends`, async () => {
    const { store: s, close } = await open();
    try {
      const now = new Date().toISOString();
      await s.papers.upsertMany([
        makePaper({
          arxivId: '2512.18001',
          title: 'Queued change',
          submittedAt: now,
          updatedAt: now,
          versions: [{ version: 1, createdAt: now }],
        }),
      ]);
      let ran = false;
      setImmediate(() => {
        ran = true;
      });
      const ranBeforeEnd = await computeEvents(s.alerts, { baseUrl: 'https://paperboy.test' }).then((r) => {
        assert.ok(r.changes > 0, 'the paper queued changes');
        return ran;
      });
      assert.equal(ranBeforeEnd, true, 'the event loop ran during the drain');
    } finally {
      await close();
    }
  });
}
