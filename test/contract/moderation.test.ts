/**
 * The moderation repository (issue 16 item 16, migration 014) on both stores: a report and its
 * log line are written together, the queue is oldest first, a report closes once, and reports
 * go with the comment they are about.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bothStores } from '../digest/helpers.ts';
import { makePaper } from '../support/papers.ts';

for (const [name, open] of bothStores) {
  describe(`moderation repository (${name})`, () => {
    it('reports, the queue, closing once, the log, and cascades', async () => {
      const { store, close } = await open();
      try {
        await store.papers.upsertMany([makePaper({ arxivId: '2401.00001', title: 'Paper one' })]);
        const paper = (await store.papers.get('2401.00001'))!;
        const mk = async (n: string) =>
          (await store.users.create({
            email: `${n}@x.org`,
            name: n,
            passwordHash: 'x',
            now: '2026-01-01T00:00:00Z',
          }))!;
        const [ada, bob, mod] = [await mk('ada'), await mk('bob'), await mk('mod')];
        const c = await store.community.addComment({
          paperId: paper.id,
          userId: bob.id,
          parentId: null,
          body: 'rude words',
          now: '2026-01-02T00:00:00Z',
        });
        const m = store.moderation;
        const log = (actor: { id: number; name: string }, target: string, reason: string, now: string) => ({
          actorId: actor.id,
          actorName: actor.name,
          target,
          reason,
          now,
        });
        const first = await m.addReport(
          { reporterId: ada.id, paperId: paper.id, commentId: c.id, reason: 'rude' },
          log(ada, `comment ${c.id}`, 'rude', '2026-01-03T00:00:00Z'),
        );
        const second = await m.addReport(
          { reporterId: ada.id, paperId: paper.id, commentId: null, reason: 'off topic' },
          log(ada, 'paper 2401.00001', 'off topic', '2026-01-03T01:00:00Z'),
        );
        const queue = await m.openReports(10);
        assert.deepEqual(
          queue.map((r) => [
            r.id,
            r.reporterName,
            r.arxivId,
            r.paperTitle,
            r.commentId,
            r.commentBody,
            r.commentAuthor,
            r.reason,
          ]),
          [
            [first, 'ada', '2401.00001', 'Paper one', c.id, 'rude words', 'bob', 'rude'],
            [second, 'ada', '2401.00001', 'Paper one', null, null, null, 'off topic'],
          ],
        );
        assert.equal(
          await m.closeReport(
            first,
            'resolved',
            log(mod, `report ${first}`, 'hidden', '2026-01-04T00:00:00Z'),
          ),
          true,
        );
        assert.equal(
          await m.closeReport(first, 'dismissed', log(mod, `report ${first}`, '', '2026-01-04T01:00:00Z')),
          false,
        );
        const closed = (await m.report(first))!;
        assert.equal(closed.outcome, 'resolved');
        assert.equal(closed.closedAt, '2026-01-04T00:00:00Z');
        assert.deepEqual(
          (await m.openReports(10)).map((r) => r.id),
          [second],
        );
        await m.log('ban', log(mod, 'account bob', 'spam', '2026-01-05T00:00:00Z'));
        assert.deepEqual(
          (await m.recentLog(10)).map((e) => [e.actorName, e.action, e.target, e.reason]),
          [
            ['mod', 'ban', 'account bob', 'spam'],
            ['mod', 'resolve', `report ${first}`, 'hidden'],
            ['ada', 'report', 'paper 2401.00001', 'off topic'],
            ['ada', 'report', `comment ${c.id}`, 'rude'],
          ],
        );
        assert.deepEqual(await m.paperRef(paper.id), { arxivId: '2401.00001', title: 'Paper one' });
        // The reporter's account goes: so do its reports; the log keeps the name it copied.
        assert.equal(await store.accountData.deleteAccount(ada.id, '2026-01-06T00:00:00Z'), true);
        assert.deepEqual(await m.openReports(10), []);
        assert.equal((await m.recentLog(10)).length, 4);
      } finally {
        await close();
      }
    });
  });
}
