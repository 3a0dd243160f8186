/**
 * The first-run repository (src/setup/first-run.repo.ts) on SQLite and PostgreSQL: settings by
 * key, the one-time take, the counted tables, and the demo marks — marking by id list (repeats
 * and unknown ids included), counting, and removing exactly the marked papers and accounts.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { bothStores } from '../digest/helpers.ts';
import { makePaper } from '../support/papers.ts';

const NOW = '2026-01-07T06:00:00.000Z';

for (const [dialect, open] of bothStores) {
  describe(`first-run repository (${dialect})`, () => {
    test('settings: stored as JSON, replaced, taken once, deleted', async () => {
      const { store, close } = await open();
      try {
        const repo = store.firstRun;
        assert.equal(await repo.getSetting('site'), null);
        await repo.setSetting('site', { name: 'a' }, NOW);
        await repo.setSetting('site', { name: 'b', n: 2 }, NOW);
        assert.deepEqual(await repo.getSetting('site'), { name: 'b', n: 2 });
        await repo.setSetting('once', 'token-1', NOW);
        assert.equal(await repo.takeSetting('once', 'token-2'), false);
        assert.equal(await repo.takeSetting('once', 'token-1'), true);
        assert.equal(await repo.takeSetting('once', 'token-1'), false);
        await repo.deleteSetting('site');
        assert.equal(await repo.getSetting('site'), null);
      } finally {
        await close();
      }
    });

    test('demo marks: counted, listed in the demo range, and removed with nothing else', async () => {
      const { store, close } = await open();
      try {
        const repo = store.firstRun;
        const ids = ['2601.90001', '2601.90002', '2601.90003'];
        const user = async (name: string, role: 'user' | 'admin' = 'user') =>
          (await store.users.create({ email: `${name}@x.org`, name, passwordHash: 'x', role, now: NOW }))!;
        // Real records first: what must be left after the demo goes.
        await store.papers.upsertMany([makePaper({ arxivId: '2601.00001' })]);
        const real = await user('real', 'admin');
        const before = await repo.counts();
        assert.equal(before.papers, 1);
        assert.equal(before.users, 1);
        assert.ok(before.paper_authors > 0);

        await store.papers.upsertMany(ids.map((arxivId) => makePaper({ arxivId })));
        const [demo1, demo2] = [await user('demo1'), await user('demo2')];
        const during = await repo.counts();
        assert.equal(during.papers, 4);
        assert.equal(during.users, 3);
        assert.equal(await repo.adminCount(), 1);
        assert.deepEqual([...(await repo.idsInDemoRange())].sort(), ids);

        await repo.markDemoPapers([]);
        await repo.markDemoUsers([]);
        assert.deepEqual(await repo.demoCounts(), { papers: 0, users: 0 });
        await repo.markDemoPapers([ids[0]!, ids[1]!, ids[1]!, '2601.99999']);
        await repo.markDemoPapers([ids[2]!]);
        await repo.markDemoUsers([demo1.id, demo2.id]);
        await repo.markDemoUsers([demo2.id]);
        assert.deepEqual(await repo.demoCounts(), { papers: 3, users: 2 });
        assert.equal((await store.papers.get('2601.00001'))?.demo, false);

        assert.deepEqual(await repo.removeDemo(), { papers: 3, users: 2 });
        assert.deepEqual(await repo.demoCounts(), { papers: 0, users: 0 });
        assert.deepEqual(await repo.counts(), before);
        assert.ok(await store.papers.get('2601.00001'));
        assert.equal((await store.users.byId(real.id))?.name, 'real');
        assert.deepEqual(await repo.removeDemo(), { papers: 0, users: 0 });
      } finally {
        await close();
      }
    });
  });
}
