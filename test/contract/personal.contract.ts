/**
 * Personal feeds' key and account data as a whole (issue 14 items 5 and 8) on both databases:
 * the feed key (made once, replaced, dropped by a password reset), the export's reads, and account
 * deletion in one transaction (votes taken back with counters and trending score recomputed,
 * comments kept in their threads without text under "[deleted account]", submissions unnamed,
 * every personal row gone). Own ids (2596.*).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Store } from '../../src/app/store.ts';
import { trendingScore } from '../../src/ranking/trending.ts';
import { DELETED_ACCOUNT } from '../../src/users/account-data.repo.ts';
import { makePaper } from '../support/papers.ts';
import { makeUser } from './accounts.ts';

const NOW = '2096-05-01T10:00:00.000Z';
const LATER = '2096-05-02T10:00:00.000Z';
const id = (n: number) => `2596.${String(n).padStart(5, '0')}`;

const user = (s: Store, name: string) => makeUser(s, name, NOW);

/** Every row of a table for an account (raw, to prove nothing personal is left). */
async function rows(s: Store, table: string, userId: number): Promise<number> {
  const sql = `SELECT count(*) AS n FROM ${table} WHERE user_id = $1`;
  const c = s.connection;
  if (c.dialect === 'sqlite')
    return Number((c.db.prepare(sql.replace('$1', '?')).get(userId) as { n: number }).n);
  return Number((await c.pool.query<{ n: string }>(sql, [userId])).rows[0]!.n);
}

async function trending(s: Store, paperId: number): Promise<number> {
  const sql = 'SELECT trending FROM paper_stats WHERE paper_id = $1';
  const c = s.connection;
  if (c.dialect === 'sqlite')
    return (c.db.prepare(sql.replace('$1', '?')).get(paperId) as { trending: number }).trending;
  return Number((await c.pool.query<{ trending: string }>(sql, [paperId])).rows[0]!.trending);
}

export function personalContract(store: () => Store): void {
  describe('personal feeds key and account data', () => {
    test('the feed key is made once, replaced on demand, dropped by a password reset', async () => {
      const s = store();
      const u = await user(s, 'pf-key');
      assert.equal(await s.feedKeys.get(u.id), null);
      const a = await s.feedKeys.ensure(u.id, 'secret-one', NOW);
      assert.deepEqual(a, { secret: 'secret-one', createdAt: NOW });
      assert.deepEqual(await s.feedKeys.ensure(u.id, 'secret-two', LATER), a, 'an existing key stays');
      await s.feedKeys.replace(u.id, 'secret-three', LATER);
      assert.deepEqual(await s.feedKeys.get(u.id), { secret: 'secret-three', createdAt: LATER });
      await s.users.createOneTime({
        tokenHash: 'pf-reset-hash',
        userId: u.id,
        purpose: 'reset',
        now: NOW,
        expiresAt: '2096-06-01T00:00:00.000Z',
      });
      assert.equal(await s.users.completeReset('pf-reset-hash', '$argon2id$new', LATER), u.id);
      assert.equal(await s.feedKeys.get(u.id), null, 'a password reset ends every feed URL');
      assert.equal(await s.feedKeys.remove(u.id), false);
    });

    test('deleting an account takes back its votes, keeps comment threads without its text, removes everything personal', async () => {
      const s = store();
      await s.papers.upsertMany([1, 2, 3].map((n) => makePaper({ arxivId: id(n) })));
      const [p1, p2, p3] = await Promise.all([1, 2, 3].map(async (n) => (await s.papers.get(id(n)))!.id));
      const gone = await user(s, 'pf-gone');
      const stays = await user(s, 'pf-stays');

      // Votes: both on p1, the leaving account alone on p2.
      await s.community.setVote(gone.id, p1!, true, NOW);
      await s.community.setVote(stays.id, p1!, true, NOW);
      await s.community.setVote(gone.id, p2!, true, NOW);
      // A thread: the leaving account's comment with a reply by someone else, and a second comment.
      const top = await s.community.addComment({
        paperId: p1!,
        userId: gone.id,
        parentId: null,
        body: 'mine',
        now: NOW,
      });
      const reply = await s.community.addComment({
        paperId: p1!,
        userId: stays.id,
        parentId: top.id,
        body: 'yours',
        now: NOW,
      });
      await s.community.addComment({
        paperId: p2!,
        userId: gone.id,
        parentId: null,
        body: 'second',
        now: NOW,
      });
      await s.community.submit({
        userId: gone.id,
        userName: gone.name,
        paperId: p3!,
        day: '2096-05-01',
        now: NOW,
      });
      // Everything personal.
      await s.library.addToDefault(gone.id, p1!, 'Saved', NOW);
      await s.forYou.follow(gone.id, { kind: 'category', key: 'cs.LG', label: 'cs.LG' }, NOW);
      await s.forYou.setFeedback(gone.id, p2!, 'less', NOW);
      await s.forYou.addSeeds(gone.id, [p3!], NOW);
      await s.forYou.saveSettings(gone.id, '{"trending":3}', NOW);
      await s.feedKeys.ensure(gone.id, 'k', NOW);
      await s.users.createApiToken({ userId: gone.id, name: 'laptop', tokenHash: 'pf-api', now: NOW });
      await s.users.createSession({
        tokenHash: 'pf-session',
        userId: gone.id,
        csrfToken: 'c',
        now: NOW,
        expiresAt: '2096-06-01T00:00:00.000Z',
      });

      const activity = await s.accountData.activity(gone.id);
      assert.equal(activity.sessions, 1);
      assert.deepEqual(activity.votes.map((v) => v.arxivId).sort(), [id(1), id(2)]);
      assert.deepEqual(
        activity.comments.map((c) => [c.arxivId, c.body, c.parentId]),
        [
          [id(1), 'mine', null],
          [id(2), 'second', null],
        ],
      );

      assert.equal(await s.accountData.deleteAccount(gone.id, LATER), true);
      assert.equal(await s.users.byId(gone.id), null);
      assert.equal(await s.accountData.deleteAccount(gone.id, LATER), false, 'a second call finds nothing');

      // Counters and trending score as if the votes had never been cast.
      const [s1, s2] = [await s.feed.stats(p1!), await s.feed.stats(p2!)];
      assert.equal(s1.votes, 1);
      assert.equal(s2.votes, 0);
      const entered = (await s.papers.get(id(1)))!.submittedAt;
      assert.ok(Math.abs((await trending(s, p1!)) - trendingScore({ votes: 1, enteredAt: entered })) < 1e-9);
      // Comments: the thread stands, the text is gone, the author is "[deleted account]"; the
      // visible-comment counters drop by the cleared ones.
      const thread = await s.community.commentsFor(p1!);
      assert.deepEqual(
        thread.map((c) => [c.id, c.userName, c.body, c.deletedAt !== null]),
        [
          [top.id, DELETED_ACCOUNT, '', true],
          [reply.id, 'pf-stays', 'yours', false],
        ],
      );
      assert.equal(s1.comments, 1);
      assert.equal(s2.comments, 0);
      // The featuring stays, its submitter unnamed.
      const featured = await s.feed.featuringsOf(p3!);
      assert.deepEqual(
        featured.map((f) => f.submittedBy),
        [DELETED_ACCOUNT],
      );
      // Nothing personal is left anywhere.
      for (const table of [
        'sessions',
        'api_tokens',
        'votes',
        'comments',
        'submissions',
        'collections',
        'collection_papers',
        'follows',
        'paper_feedback',
        'foryou_seeds',
        'foryou_settings',
        'feed_keys',
      ])
        assert.equal(await rows(s, table, gone.id), 0, table);
      assert.equal(await s.users.session('pf-session', NOW), null);
      assert.equal(await s.users.apiTokenUser('pf-api', NOW), null);
      // The other account is untouched.
      assert.equal((await s.accountData.activity(stays.id)).votes.length, 1);
    });
  });
}
