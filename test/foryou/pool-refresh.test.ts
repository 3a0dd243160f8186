/**
 * A For-you pool past its time is rebuilt while requests keep the previous one (service.ts #pool):
 * the first request after the expiry is answered from the old pool at once, and a later one sees
 * the new papers, with no request waiting for the rebuild.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../src/app/open.ts';
import { ForYouService } from '../../src/foryou/service.ts';
import { nextTurn } from '../../src/shared/sleep.ts';
import { tempDir } from '../support/app.ts';
import { makePaper } from '../support/papers.ts';

test('an expired pool is served while its replacement is built, then replaced', async () => {
  const dir = tempDir();
  const store = await openStore({ dataDir: path.join(dir, 'data') });
  try {
    const day = (d: number) => `2024-03-${String(d).padStart(2, '0')}T12:00:00.000Z`;
    await store.papers.upsertMany([
      makePaper({ arxivId: '2403.00001', title: 'Sparse kernels', submittedAt: day(10) }),
      makePaper({ arxivId: '2403.00002', title: 'Dense kernels', submittedAt: day(11) }),
    ]);
    const user = (await store.users.create({
      email: 'r@example.org',
      name: 'reader',
      passwordHash: 'x',
      now: day(1),
    }))!;
    let clock = Date.parse(day(12));
    const service = new ForYouService({
      store,
      positives: [],
      vectors: async () => null,
      now: () => new Date(clock),
    });
    const shown = async () => (await service.page(user.id)).items.map((i) => i.paperId);

    const first = await shown();
    assert.equal(first.length, 2);
    await store.papers.upsertMany([
      makePaper({ arxivId: '2403.00003', title: 'Kernels again', submittedAt: day(12) }),
    ]);
    const newId = (await store.papers.get('2403.00003'))!.id;
    assert.deepEqual(await shown(), first, 'within the pool time: the same pool');

    clock += 61_000; // past POOL_TTL_MS
    assert.deepEqual(await shown(), first, 'the first request after the expiry gets the old pool at once');
    let turns = 0;
    while (!(await shown()).includes(newId)) {
      assert.ok(++turns < 10_000, 'the rebuilt pool replaces the old one');
      await nextTurn();
    }
    assert.equal((await shown()).length, 3);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
