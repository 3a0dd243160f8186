/**
 * The library half of the storage contract (issue 14): collections, the lazy default, saving,
 * the batch "saved among these", imports by arXiv id, export and deletion. Own ids (2597.*).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Store } from '../../src/app/store.ts';
import { makePaper } from '../support/papers.ts';
import { makeUser } from './accounts.ts';

const NOW = '2097-05-01T10:00:00.000Z';
const LATER = '2097-05-02T10:00:00.000Z';
const id = (n: number) => `2597.${String(n).padStart(5, '0')}`;

const user = (s: Store, name: string) => makeUser(s, name, NOW);

export function libraryContract(store: () => Store): void {
  describe('library: collections and saved papers', () => {
    test('the default collection is made once, even by concurrent first saves', async () => {
      const s = store();
      await s.papers.upsertMany([makePaper({ arxivId: id(1) }), makePaper({ arxivId: id(2) })]);
      const [p1, p2] = [(await s.papers.get(id(1)))!.id, (await s.papers.get(id(2)))!.id];
      const u = await user(s, 'lib1');
      const [a, b] = await Promise.all([
        s.library.addToDefault(u.id, p1, 'Saved', NOW),
        s.library.addToDefault(u.id, p2, 'Saved', NOW),
      ]);
      assert.equal(a.collectionId, b.collectionId);
      assert.deepEqual([a.added, b.added], [true, true]);
      assert.equal(
        (await s.library.addToDefault(u.id, p1, 'Saved', LATER)).added,
        false,
        'a repeat is a no-op',
      );
      const cols = await s.library.collections(u.id);
      assert.equal(cols.length, 1);
      assert.deepEqual(
        {
          name: cols[0]!.name,
          isDefault: cols[0]!.isDefault,
          isPublic: cols[0]!.isPublic,
          n: cols[0]!.paperCount,
        },
        { name: 'Saved', isDefault: true, isPublic: false, n: 2 },
      );
      assert.equal((await s.library.ensureDefault(u.id, 'Other', NOW)).id, a.collectionId);
    });

    test('collections: create, rename, publish, list order, paper order, remove from one, unsave from all', async () => {
      const s = store();
      await s.papers.upsertMany([3, 4, 5].map((n) => makePaper({ arxivId: id(n) })));
      const ids = await Promise.all([3, 4, 5].map(async (n) => (await s.papers.get(id(n)))!.id));
      const [p3, p4, p5] = ids as [number, number, number];
      const u = await user(s, 'lib2');
      const other = await user(s, 'lib2b');
      const reading = await s.library.create({
        userId: u.id,
        name: 'Reading <b>group</b> $\\alpha$',
        isPublic: false,
        now: NOW,
      });
      const def = await s.library.ensureDefault(u.id, 'Saved', NOW);
      assert.deepEqual(
        (await s.library.collections(u.id)).map((c) => c.id),
        [def.id, reading.id],
        'default first',
      );
      assert.equal(reading.name, 'Reading <b>group</b> $\\alpha$', 'names are stored as given');
      await s.library.update(reading.id, { name: 'Group', isPublic: true }, LATER);
      const renamed = (await s.library.collection(reading.id))!;
      assert.deepEqual([renamed.name, renamed.isPublic, renamed.updatedAt], ['Group', true, LATER]);

      assert.equal(await s.library.add(reading.id, u.id, p3, NOW), true);
      assert.equal(await s.library.add(reading.id, u.id, p4, LATER), true);
      assert.equal(await s.library.add(reading.id, u.id, p4, LATER), false);
      await s.library.add(def.id, u.id, p4, NOW);
      await s.library.add((await s.library.ensureDefault(other.id, 'Saved', NOW)).id, other.id, p5, NOW);
      assert.deepEqual(
        await s.library.paperIds(reading.id, 10, 0),
        { ids: [p4, p3], total: 2 },
        'newest first',
      );
      assert.deepEqual(await s.library.paperIds(reading.id, 1, 1), { ids: [p3], total: 2 });
      assert.deepEqual(
        (await s.library.savedPaperIds(u.id)).sort((x, y) => x - y),
        [p3, p4].sort((x, y) => x - y),
      );
      assert.deepEqual(await s.library.savedPaperIds(u.id, 1), [p4], 'the most recently saved first');
      assert.deepEqual([...(await s.library.savedAmong(u.id, [p3, p4, p5]))].sort(), [p3, p4].sort());
      assert.deepEqual([...(await s.library.savedAmong(u.id, []))], []);
      assert.deepEqual(
        await s.library.collectionsWith(u.id, p4),
        [def.id, reading.id].sort((x, y) => x - y),
      );

      assert.equal(await s.library.removeFrom(reading.id, p3), true);
      assert.equal(await s.library.removeFrom(reading.id, p3), false);
      assert.equal(await s.library.unsave(u.id, p4), 2, 'out of both collections');
      assert.deepEqual(await s.library.savedPaperIds(u.id), []);
      assert.deepEqual(
        await s.library.savedPaperIds(other.id),
        [p5],
        "another reader's library is untouched",
      );
      await s.library.remove(reading.id);
      assert.equal(await s.library.collection(reading.id), null);
    });

    test('addArxivIds: added / already / missing in one transaction; nothing present changes', async () => {
      const s = store();
      await s.papers.upsertMany([6, 7, 8].map((n) => makePaper({ arxivId: id(n) })));
      const p6 = (await s.papers.get(id(6)))!.id;
      const u = await user(s, 'lib3');
      const c = await s.library.create({ userId: u.id, name: 'Imported', isPublic: false, now: NOW });
      await s.library.add(c.id, u.id, p6, NOW);
      const r = await s.library.addArxivIds(c.id, u.id, [id(6), id(7), id(8), '2597.99999'], LATER);
      assert.deepEqual([...r.added].sort(), [id(7), id(8)]);
      assert.deepEqual([...r.already], [id(6)]);
      assert.deepEqual([...r.missing], ['2597.99999']);
      assert.equal((await s.library.collection(c.id))!.paperCount, 3);
      const exported = await s.library.exportFor(u.id);
      const first = exported.collections[0]!;
      assert.equal(
        first.papers.find((p) => p.arxivId === id(6))?.addedAt,
        NOW,
        'the earlier save keeps its time',
      );
      assert.deepEqual(first.papers.map((p) => p.arxivId).sort(), [id(6), id(7), id(8)]);
    });

    test('export lists every collection with its papers; deletion (and account deletion) removes them', async () => {
      const s = store();
      await s.papers.upsertMany([makePaper({ arxivId: id(9) })]);
      const p9 = (await s.papers.get(id(9)))!.id;
      const u = await user(s, 'lib4');
      await s.library.addToDefault(u.id, p9, 'Saved', NOW);
      await s.library.create({ userId: u.id, name: 'Empty', isPublic: true, now: NOW });
      const e = await s.library.exportFor(u.id);
      assert.deepEqual(
        e.collections.map((c) => [c.name, c.isDefault, c.isPublic, c.papers.map((p) => p.arxivId)]),
        [
          ['Saved', true, false, [id(9)]],
          ['Empty', false, true, []],
        ],
      );
      await s.library.deleteAllFor(u.id);
      assert.deepEqual(await s.library.exportFor(u.id), { collections: [] });
      assert.deepEqual(await s.library.savedPaperIds(u.id), []);

      // Deleting the account row cascades to its collections and entries.
      const gone = await user(s, 'lib5');
      const col = await s.library.addToDefault(gone.id, p9, 'Saved', NOW);
      const c = s.connection;
      if (c.dialect === 'sqlite') c.db.prepare('DELETE FROM users WHERE id = ?').run(gone.id);
      else await c.pool.query('DELETE FROM users WHERE id = $1', [gone.id]);
      assert.equal(await s.library.collection(col.collectionId), null);
      assert.deepEqual(await s.library.savedPaperIds(gone.id), []);
    });
  });
}
