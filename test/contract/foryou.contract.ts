/**
 * For you's storage contract (issue 14 items 2-4, src/foryou/repository.ts) on both databases:
 * follows unique per reader, feedback ('less' outranks 'hide'), start-out picks, controls, the
 * window read with the site's counters, and briefs. Uses arXiv ids 2599.* and v1 dates in 2099,
 * so the rest of the shared suite never falls in its window.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Store } from '../../src/app/store.ts';
import { makePaper } from '../support/papers.ts';
import { makeUser, paperRowId } from './accounts.ts';

const NOW = '2099-05-10T12:00:00.000Z';
const id = (n: number) => `2599.${String(n).padStart(5, '0')}`;

const user = (s: Store, name: string) => makeUser(s, name, NOW);

export function forYouContract(store: () => Store): void {
  describe('for you: follows, feedback, picks, controls, window', () => {
    test('follows are unique per reader, kind and key, listed oldest first, removable only by their owner', async () => {
      const s = store();
      const a = await user(s, 'fy-ann');
      const b = await user(s, 'fy-ben');
      assert.equal(
        await s.forYou.follow(
          a.id,
          { kind: 'author', key: 'jurgen schmidhuber', label: 'Jürgen Schmidhuber' },
          NOW,
        ),
        true,
      );
      assert.equal(
        await s.forYou.follow(
          a.id,
          { kind: 'author', key: 'jurgen schmidhuber', label: 'Jurgen Schmidhuber' },
          NOW,
        ),
        false,
        'same key: one follow',
      );
      assert.equal(
        await s.forYou.follow(a.id, { kind: 'category', key: 'cs.LG', label: 'cs.LG' }, NOW),
        true,
      );
      assert.equal(
        await s.forYou.follow(
          a.id,
          { kind: 'search', key: 'diffusion -survey', label: 'diffusion -survey' },
          NOW,
        ),
        true,
      );
      assert.equal(
        await s.forYou.follow(b.id, { kind: 'category', key: 'cs.LG', label: 'cs.LG' }, NOW),
        true,
        'another reader may follow the same',
      );
      const mine = await s.forYou.follows(a.id);
      assert.deepEqual(
        mine.map((f) => [f.kind, f.key, f.label]),
        [
          ['author', 'jurgen schmidhuber', 'Jürgen Schmidhuber'],
          ['category', 'cs.LG', 'cs.LG'],
          ['search', 'diffusion -survey', 'diffusion -survey'],
        ],
      );
      assert.equal(mine[0]!.createdAt, NOW);
      assert.equal(await s.forYou.unfollow(b.id, mine[1]!.id), false, "not ben's to remove");
      assert.equal(await s.forYou.unfollow(a.id, mine[1]!.id), true);
      assert.equal(await s.forYou.unfollow(a.id, mine[1]!.id), false);
      assert.deepEqual(
        (await s.forYou.follows(a.id)).map((f) => f.kind),
        ['author', 'search'],
      );
      assert.equal((await s.forYou.follows(b.id)).length, 1);
    });

    test("feedback: one row per paper, 'less' replaces 'hide' but never the reverse; clearing forgets all", async () => {
      const s = store();
      const u = await user(s, 'fy-cleo');
      await s.papers.upsertMany([makePaper({ arxivId: id(1) }), makePaper({ arxivId: id(2) })]);
      const [p1, p2] = [await paperRowId(s, id(1)), await paperRowId(s, id(2))];
      await s.forYou.setFeedback(u.id, p1, 'hide', NOW);
      await s.forYou.setFeedback(u.id, p1, 'less', NOW);
      await s.forYou.setFeedback(u.id, p2, 'less', NOW);
      await s.forYou.setFeedback(u.id, p2, 'hide', NOW);
      const fb = (await s.forYou.feedback(u.id)).sort((x, y) => x.paperId - y.paperId);
      assert.deepEqual(fb, [
        { paperId: p1, kind: 'less' },
        { paperId: p2, kind: 'less' },
      ]);
      assert.equal(await s.forYou.clearFeedback(u.id), 2);
      assert.deepEqual(await s.forYou.feedback(u.id), []);
    });

    test('start-out picks and upvotes read back newest first; controls and start-out mark are kept', async () => {
      const s = store();
      const u = await user(s, 'fy-dora');
      await s.papers.upsertMany([3, 4, 5].map((n) => makePaper({ arxivId: id(n) })));
      const [p3, p4, p5] = [
        await paperRowId(s, id(3)),
        await paperRowId(s, id(4)),
        await paperRowId(s, id(5)),
      ];
      assert.equal(await s.forYou.addSeeds(u.id, [p3, p4], '2099-05-01T00:00:00.000Z'), 2);
      assert.equal(await s.forYou.addSeeds(u.id, [p4, p5], '2099-05-02T00:00:00.000Z'), 1, 'p4 was there');
      assert.deepEqual(await s.forYou.seeds(u.id, 10), [p5, p4, p3]);
      assert.deepEqual(await s.forYou.seeds(u.id, 1), [p5]);
      await s.community.setVote(u.id, p3, true, '2099-05-01T00:00:00.000Z');
      await s.community.setVote(u.id, p5, true, '2099-05-03T00:00:00.000Z');
      assert.deepEqual(await s.forYou.upvoted(u.id, 10), [p5, p3]);

      assert.deepEqual(await s.forYou.settings(u.id), { json: null, onboardedAt: null });
      await s.forYou.saveSettings(u.id, '{"trending":3}', NOW);
      await s.forYou.markOnboarded(u.id, NOW);
      await s.forYou.markOnboarded(u.id, '2099-06-01T00:00:00.000Z');
      await s.forYou.saveSettings(u.id, '{"trending":2}', NOW);
      assert.deepEqual(await s.forYou.settings(u.id), { json: '{"trending":2}', onboardedAt: NOW });
    });

    test('the window: papers first submitted in [from, to), newest first, with local + imported votes; briefs', async () => {
      const s = store();
      const u = await user(s, 'fy-eve');
      await s.papers.upsertMany([
        makePaper({
          arxivId: id(10),
          title: 'Inside early',
          submittedAt: '2099-05-03T00:00:00.000Z',
          categories: ['cs.CV', 'cs.LG'],
          authors: [
            {
              name: 'Jürgen Schmidhuber',
              keyname: 'Schmidhuber',
              forenames: 'Jürgen',
              suffix: '',
              affiliation: null,
            },
            { name: 'Ada Lovelace', keyname: 'Lovelace', forenames: 'Ada', suffix: '', affiliation: null },
          ],
        }),
        makePaper({ arxivId: id(11), title: 'Inside late', submittedAt: '2099-05-09T00:00:00.000Z' }),
        makePaper({ arxivId: id(12), title: 'Too old', submittedAt: '2099-05-01T00:00:00.000Z' }),
        makePaper({
          arxivId: id(13),
          title: 'At the end (excluded)',
          submittedAt: '2099-05-10T00:00:00.000Z',
        }),
      ]);
      await s.papers.feature({
        arxivId: id(10),
        day: '2099-05-04',
        source: 'import',
        submittedBy: null,
        importedUpvotes: 5,
      });
      await s.community.setVote(u.id, await paperRowId(s, id(10)), true, NOW);
      const w = await s.forYou.windowPapers('2099-05-02T00:00:00.000Z', '2099-05-10T00:00:00.000Z', 10);
      assert.deepEqual(
        w.map((p) => p.arxivId),
        [id(11), id(10)],
      );
      const early = w[1]!;
      assert.equal(early.title, 'Inside early');
      assert.deepEqual(early.authors, ['Jürgen Schmidhuber', 'Ada Lovelace']);
      assert.deepEqual(early.categories, ['cs.CV', 'cs.LG']);
      assert.equal(early.votes, 6, '1 local + 5 imported');
      // Featured: it entered at the featuring (its creation time, at latest the end of its day).
      assert.ok(
        early.enteredAt <= '2099-05-04T23:59:59.999Z' && early.enteredAt !== early.submittedAt,
        early.enteredAt,
      );
      assert.equal(w[0]!.votes, 0);
      assert.equal(w[0]!.enteredAt, '2099-05-09T00:00:00.000Z', 'never featured: its v1 date');
      assert.equal(
        (await s.forYou.windowPapers('2099-05-02T00:00:00.000Z', '2099-05-10T00:00:00.000Z', 1)).length,
        1,
      );
      assert.ok(((await s.forYou.newestSubmitted()) ?? '') >= '2099-05-10T00:00:00.000Z');
      const briefs = await s.forYou.briefs([early.id, 99_999_999]);
      assert.deepEqual(briefs, [
        {
          id: early.id,
          arxivId: id(10),
          title: 'Inside early',
          abstract: 'We study things and report results.',
          categories: ['cs.CV', 'cs.LG'],
        },
      ]);
      assert.deepEqual(await s.forYou.briefs([]), []);
    });

    test('liked briefs: papers of [from, to) someone saved or upvoted, newest first, at most the limit', async () => {
      const s = store();
      const u = await user(s, 'fy-liv');
      const at = (d: number) => `2099-06-${String(d).padStart(2, '0')}T08:00:00.000Z`;
      await s.papers.upsertMany([
        makePaper({ arxivId: id(30), title: 'Saved one', submittedAt: at(2), categories: ['math.CO'] }),
        makePaper({ arxivId: id(31), title: 'Upvoted one', submittedAt: at(4) }),
        makePaper({ arxivId: id(32), title: 'Nobody liked it', submittedAt: at(5) }),
        makePaper({ arxivId: id(33), title: 'Saved and upvoted', submittedAt: at(6) }),
        makePaper({ arxivId: id(34), title: 'Saved, too early', submittedAt: at(1) }),
        makePaper({ arxivId: id(35), title: 'Upvoted, at the end (excluded)', submittedAt: at(8) }),
      ]);
      for (const n of [30, 33, 34])
        await s.library.addToDefault(u.id, await paperRowId(s, id(n)), 'Saved', NOW);
      for (const n of [31, 33, 35]) await s.community.setVote(u.id, await paperRowId(s, id(n)), true, NOW);
      const liked = await s.forYou.likedBriefs(at(2), at(8), 10);
      assert.deepEqual(
        liked.map((b) => b.arxivId),
        [id(33), id(31), id(30)],
        'each once, newest first; the unliked and those outside [from, to) left out',
      );
      assert.deepEqual(liked[2], {
        id: await paperRowId(s, id(30)),
        arxivId: id(30),
        title: 'Saved one',
        abstract: 'We study things and report results.',
        categories: ['math.CO'],
      });
      assert.deepEqual(
        (await s.forYou.likedBriefs(at(2), at(8), 2)).map((b) => b.arxivId),
        [id(33), id(31)],
      );
    });
  });
}
