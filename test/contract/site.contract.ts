/**
 * The site half of the storage contract (issue 4): feed lists, accounts, sessions, one-time and
 * API tokens, votes, submissions, comments. Uses its own arXiv ids (2598.*) and featured days in
 * 2098, so the rest of the shared suite never shows up in its lists.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Store } from '../../src/app/store.ts';
import { NotFoundError } from '../../src/errors.ts';
import { makePaper } from '../support/papers.ts';
import { makeUser, paperRowId } from './accounts.ts';

const NOW = '2098-03-02T12:00:00.000Z';
const id = (n: number) => `2598.${String(n).padStart(5, '0')}`;

const user = (s: Store, name: string) => makeUser(s, name, NOW);

export function siteContract(store: () => Store): void {
  describe('site: feeds, accounts, votes, comments', () => {
    test('featured lists rank by local + imported votes, once per paper, with totals and neighbours', async () => {
      const s = store();
      await s.papers.upsertMany([
        makePaper({ arxivId: id(1), title: 'Alpha', categories: ['cs.CV', 'cs.LG'] }),
        makePaper({ arxivId: id(2), title: 'Beta', submittedAt: '2097-01-01T00:00:00.000Z' }),
        makePaper({ arxivId: id(3), title: 'Gamma' }),
      ]);
      const feature = (
        arxivId: string,
        day: string,
        importedUpvotes = 0,
        submittedBy: string | null = null,
      ) => s.papers.feature({ arxivId, day, source: 'import', submittedBy, importedUpvotes });
      await feature(id(1), '2098-03-02', 3, 'ada');
      await feature(id(2), '2098-03-02', 4);
      await feature(id(3), '2098-03-03');
      await feature(id(1), '2098-03-04', 1); // featured again later in the week: counted once
      const u = await user(s, 'voter1');
      const u2 = await user(s, 'voter2');
      await s.community.setVote(u.id, await paperRowId(s, id(1)), true, NOW);
      await s.community.setVote(u2.id, await paperRowId(s, id(1)), true, NOW);

      const day = await s.feed.featured({
        from: '2098-03-02',
        to: '2098-03-02',
        sort: 'votes',
        limit: 10,
        offset: 0,
      });
      assert.equal(day.total, 2);
      assert.deepEqual(
        day.items.map((i) => [i.paper.arxivId, i.stats.votes, i.stats.importedVotes, i.featured?.day]),
        [
          [id(1), 2, 3, '2098-03-02'],
          [id(2), 0, 4, '2098-03-02'],
        ],
      );
      assert.equal(day.items[0]!.featured?.submittedBy, 'ada');
      assert.deepEqual(day.items[0]!.paper.categories, ['cs.CV', 'cs.LG']);
      assert.deepEqual(day.items[0]!.paper.authors, ['Ada Lovelace']);

      const week = await s.feed.featured({
        from: '2098-03-02',
        to: '2098-03-08',
        sort: 'votes',
        limit: 10,
        offset: 0,
      });
      assert.equal(week.total, 3);
      assert.deepEqual(
        week.items.map((i) => i.paper.arxivId),
        [id(1), id(2), id(3)],
      );
      const byDate = await s.feed.featured({
        from: '2098-03-02',
        to: '2098-03-08',
        sort: 'publishedAt',
        limit: 1,
        offset: 1,
      });
      assert.deepEqual(
        byDate.items.map((i) => i.paper.arxivId),
        [id(3)],
      );
      const bySubmitter = await s.feed.featured({
        from: '2098-03-01',
        to: '2098-03-31',
        sort: 'votes',
        limit: 10,
        offset: 0,
        submitter: 'ada',
      });
      assert.deepEqual(
        bySubmitter.items.map((i) => i.paper.arxivId),
        [id(1)],
      );
      assert.equal(await s.feed.latestFeaturedDay('2098-03-10'), '2098-03-04');
      assert.deepEqual(await s.feed.neighbourDays('2098-03-03'), { prev: '2098-03-02', next: '2098-03-04' });
      assert.deepEqual(
        (await s.feed.featuringsOf(await paperRowId(s, id(1)))).map((f) => f.day),
        ['2098-03-02', '2098-03-04'],
      );
    });

    test('lists show a paper as it is now: new version, withdrawal, counters (no stale card)', async () => {
      const s = store();
      await s.papers.upsertMany([makePaper({ arxivId: id(90), title: 'Before', abstract: 'Old abstract.' })]);
      await s.papers.feature({
        arxivId: id(90),
        day: '2098-09-09',
        source: 'rule',
        submittedBy: null,
        importedUpvotes: 0,
      });
      const list = async () =>
        (await s.feed.featured({ from: '2098-09-09', to: '2098-09-09', sort: 'votes', limit: 5, offset: 0 }))
          .items;
      const first = await list();
      assert.equal(first[0]!.paper.title, 'Before');
      assert.equal((await s.feed.items([first[0]!.paper.id]))[0]!.paper.title, 'Before');
      await s.papers.upsertMany([
        makePaper({
          arxivId: id(90),
          version: 2,
          title: 'After',
          abstract: 'New abstract.',
          authors: [
            { name: 'Grace Hopper', keyname: 'Hopper', forenames: 'Grace', suffix: '', affiliation: null },
          ],
          links: [{ kind: 'code', url: 'https://github.com/g/h', host: 'github.com' }],
          versions: [
            { version: 1, createdAt: '2024-01-02T03:04:05.000Z' },
            { version: 2, createdAt: '2024-02-02T03:04:05.000Z' },
          ],
          updatedAt: '2024-02-02T03:04:05.000Z',
        }),
      ]);
      const [after] = await list();
      assert.deepEqual(
        [
          after!.paper.title,
          after!.paper.abstract,
          after!.paper.authors,
          after!.paper.links.map((l) => l.host),
        ],
        ['After', 'New abstract.', ['Grace Hopper'], ['github.com']],
      );
      assert.notEqual(after!.paper.contentHash, first[0]!.paper.contentHash);
      const u = await user(s, 'freshness');
      await s.community.setVote(u.id, after!.paper.id, true, NOW);
      assert.equal((await list())[0]!.stats.votes, 1);
      assert.equal((await s.feed.items([after!.paper.id]))[0]!.stats.votes, 1);
      await s.papers.ingestBatch({ papers: [], withdrawn: [{ arxivId: id(90), day: '2098-09-10' }] });
      assert.ok((await list())[0]!.paper.withdrawnAt);
      assert.ok((await s.feed.items([after!.paper.id]))[0]!.paper.withdrawnAt);
    });

    test('50 concurrent identical votes change the count by exactly 1; un-vote is idempotent too', async () => {
      const s = store();
      await s.papers.upsertMany([makePaper({ arxivId: id(10) })]);
      const pid = await paperRowId(s, id(10));
      const u = await user(s, 'racer');
      const results = await Promise.all(
        Array.from({ length: 50 }, () => s.community.setVote(u.id, pid, true, NOW)),
      );
      assert.equal(results.filter((r) => r.changed).length, 1);
      assert.equal((await s.feed.stats(pid)).votes, 1);
      assert.deepEqual([...(await s.community.votedFor(u.id, [pid, 999_999]))], [pid]);
      // With the title: the profile links each upvote by its title (issue 16 item 15).
      assert.deepEqual(await s.community.userVotes(u.id, 10), [
        { arxivId: id(10), title: (await s.papers.get(id(10)))!.title },
      ]);
      await Promise.all(Array.from({ length: 20 }, () => s.community.setVote(u.id, pid, false, NOW)));
      assert.equal((await s.feed.stats(pid)).votes, 0);
      await assert.rejects(s.community.setVote(u.id, 987_654_321, true, NOW), NotFoundError);
    });

    test('trending follows decayed votes and filters by category', async () => {
      const s = store();
      await s.papers.upsertMany([
        makePaper({ arxivId: id(20), categories: ['math.AG'] }),
        makePaper({ arxivId: id(21), categories: ['math.AG', 'cs.LG'] }),
        makePaper({ arxivId: id(22), categories: ['math.AG'] }),
      ]);
      // Past days: a featuring of a past day counts from that day's end, so the ages are known.
      await s.papers.feature({
        arxivId: id(20),
        day: '2020-06-01',
        source: 'rule',
        submittedBy: null,
        importedUpvotes: 0,
      });
      await s.papers.feature({
        arxivId: id(21),
        day: '2020-06-01',
        source: 'rule',
        submittedBy: null,
        importedUpvotes: 4,
      });
      await s.papers.feature({
        arxivId: id(22),
        day: '2020-05-31',
        source: 'rule',
        submittedBy: null,
        importedUpvotes: 9,
      });
      const mine = (items: { paper: { arxivId: string } }[]) =>
        items.map((i) => i.paper.arxivId).filter((x) => [id(20), id(21), id(22)].includes(x));
      // 22 is a day older: its 9+1 halve to 5, still above 21's 4+1 and 20's 0+1.
      assert.deepEqual(mine(await s.feed.trending(1000, 0)), [id(22), id(21), id(20)]);
      const u = await user(s, 'trender');
      const v = await user(s, 'trender2');
      await s.community.setVote(u.id, await paperRowId(s, id(20)), true, NOW);
      await s.community.setVote(v.id, await paperRowId(s, id(20)), true, NOW);
      assert.deepEqual(
        mine(await s.feed.trending(1000, 0)),
        [id(22), id(21), id(20)],
        '2 votes (3 with the prior) stay below 21',
      );
      const w = await user(s, 'trender3');
      const x = await user(s, 'trender4');
      await s.community.setVote(w.id, await paperRowId(s, id(20)), true, NOW);
      await s.community.setVote(x.id, await paperRowId(s, id(20)), true, NOW);
      assert.deepEqual(
        mine(await s.feed.trending(1000, 0)),
        [id(22), id(21), id(20)],
        '4 votes tie 21: the later row wins',
      );
      const y = await user(s, 'trender5');
      await s.community.setVote(y.id, await paperRowId(s, id(20)), true, NOW);
      assert.deepEqual(
        mine(await s.feed.trending(1000, 0)),
        [id(20), id(22), id(21)],
        '5 votes (6 with the prior) pass both',
      );
      assert.deepEqual(
        (await s.feed.trending(5, 0, 'math.AG')).map((i) => i.paper.arxivId),
        [id(20), id(22), id(21)],
      );
      assert.deepEqual(
        (await s.feed.trending(1000, 0, 'cs.LG'))
          .map((i) => i.paper.arxivId)
          .filter((a) => a.startsWith('2598.0002')),
        [id(21)],
      );
      // Issue 16 item 12: a window keeps the order and drops papers that entered before it.
      const since = '2020-06-01T00:00:00.000Z';
      assert.deepEqual(mine(await s.feed.trending(1000, 0, undefined, since)), [id(20), id(21)]);
      assert.deepEqual(
        (await s.feed.trending(5, 0, 'math.AG', since)).map((i) => i.paper.arxivId),
        [id(20), id(21)],
      );
      assert.deepEqual(mine(await s.feed.trending(1000, 0, undefined, '2020-06-02T00:00:00.000Z')), []);
      const cats = await s.feed.categories();
      assert.deepEqual(cats, [...new Set(cats)].sort(), 'sorted, each once');
      for (const c of ['cs.LG', 'math.AG']) assert.ok(cats.includes(c), c);
      assert.equal(await s.feed.refreshTrending(), 0, 'nothing stale after a read');
    });

    test('category and author lists, newest first, exact author names', async () => {
      const s = store();
      const author = (name: string, keyname: string) => ({
        name,
        keyname,
        forenames: name.split(' ')[0]!,
        suffix: '',
        affiliation: null,
      });
      await s.papers.upsertMany([
        makePaper({
          arxivId: id(30),
          categories: ['q-bio.NC'],
          submittedAt: '2098-01-01T00:00:00.000Z',
          authors: [author('Jürgen Quasimodo', 'Quasimodo')],
        }),
        makePaper({
          arxivId: id(31),
          categories: ['q-bio.NC'],
          submittedAt: '2098-02-01T00:00:00.000Z',
          authors: [author('Ann Quasimodo', 'Quasimodo'), author('Jürgen Quasimodo', 'Quasimodo')],
        }),
        makePaper({
          arxivId: id(32),
          categories: ['q-bio.GN'],
          authors: [author('Jurgen Quasimodo', 'Quasimodo')],
        }),
      ]);
      assert.deepEqual(
        (await s.feed.byCategory('q-bio.NC', 10, 0)).map((i) => i.paper.arxivId),
        [id(31), id(30)],
      );
      assert.deepEqual(
        (await s.feed.byCategory('q-bio.NC', 10, 1)).map((i) => i.paper.arxivId),
        [id(30)],
      );
      assert.deepEqual(
        (await s.feed.byAuthor('Jürgen Quasimodo', 10, 0)).map((i) => i.paper.arxivId),
        [id(31), id(30)],
      );
      assert.deepEqual(await s.feed.byAuthor('<script>', 10, 0), []);
      assert.deepEqual(await s.feed.byAuthor('"', 10, 0), []);
      const [item] = await s.feed.items([await paperRowId(s, id(31))]);
      assert.deepEqual(item?.paper.authors, ['Ann Quasimodo', 'Jürgen Quasimodo']);
      assert.equal(item?.paper.authorCount, 2);
      assert.equal(item?.featured, null);
    });

    test('accounts: unique email and name, sessions, bans', async () => {
      const s = store();
      const u = await user(s, 'alice');
      assert.equal(u.role, 'user');
      assert.equal(
        await s.users.create({ email: 'alice@example.org', name: 'other', passwordHash: 'x', now: NOW }),
        null,
      );
      assert.equal(
        await s.users.create({ email: 'x@example.org', name: 'alice', passwordHash: 'x', now: NOW }),
        null,
      );
      assert.equal((await s.users.byEmail('alice@example.org'))?.passwordHash, '$argon2id$x');
      await s.users.setPassword(u.id, '$argon2id$y');
      assert.equal((await s.users.byEmail('alice@example.org'))?.passwordHash, '$argon2id$y');
      await s.users.markVerified(u.id, NOW);
      await s.users.setRole(u.id, 'moderator');
      assert.deepEqual(
        { ...(await s.users.byName('alice')) },
        { ...u, role: 'moderator', emailVerifiedAt: NOW },
      );

      await s.users.createSession({
        tokenHash: 'h1',
        userId: u.id,
        csrfToken: 'c1',
        now: NOW,
        expiresAt: '2098-04-01T00:00:00.000Z',
      });
      assert.equal((await s.users.session('h1', NOW))?.user.name, 'alice');
      assert.equal((await s.users.session('h1', NOW))?.csrfToken, 'c1');
      assert.equal(await s.users.session('h1', '2098-04-02T00:00:00.000Z'), null, 'expired');
      await s.users.setBanned(u.id, NOW);
      assert.equal(await s.users.session('h1', NOW), null, 'a ban ends sessions');
      assert.equal((await s.users.byId(u.id))?.bannedAt, NOW);
      await s.users.setBanned(u.id, null);
      await s.users.createSession({
        tokenHash: 'h2',
        userId: u.id,
        csrfToken: 'c2',
        now: NOW,
        expiresAt: '2098-04-01T00:00:00.000Z',
      });
      await s.users.deleteSession('h2');
      assert.equal(await s.users.session('h2', NOW), null);
      assert.ok((await s.users.list(100, 0)).some((x) => x.id === u.id));
    });

    test('one-time tokens are single use, purpose-bound and expire; API tokens can be revoked', async () => {
      const s = store();
      const u = await user(s, 'bob');
      await s.users.createOneTime({
        tokenHash: 'v1',
        userId: u.id,
        purpose: 'verify',
        now: NOW,
        expiresAt: '2098-03-03T00:00:00.000Z',
      });
      assert.equal(await s.users.consumeOneTime('v1', 'reset', NOW), null, 'other purpose');
      const [a, b] = await Promise.all([
        s.users.consumeOneTime('v1', 'verify', NOW),
        s.users.consumeOneTime('v1', 'verify', NOW),
      ]);
      assert.deepEqual([a, b].sort(), [u.id, null].sort(), 'exactly one use');
      await s.users.createOneTime({
        tokenHash: 'r1',
        userId: u.id,
        purpose: 'reset',
        now: NOW,
        expiresAt: '2098-03-02T13:00:00.000Z',
      });
      assert.equal(await s.users.consumeOneTime('r1', 'reset', '2098-03-02T13:00:00.001Z'), null, 'expired');
      assert.equal(await s.users.countOneTime(u.id, 'reset', '2098-03-01T00:00:00.000Z'), 1);

      const tid = await s.users.createApiToken({ userId: u.id, name: 'laptop', tokenHash: 'api1', now: NOW });
      assert.equal((await s.users.apiTokenUser('api1', NOW))?.id, u.id);
      assert.equal((await s.users.apiTokens(u.id))[0]?.lastUsedAt, NOW);
      assert.equal(await s.users.revokeApiToken(u.id + 1, tid, NOW), false, "another user's token");
      assert.equal(await s.users.revokeApiToken(u.id, tid, NOW), true);
      assert.equal(await s.users.apiTokenUser('api1', NOW), null);
    });

    test('a completed reset sets the password, kills every other reset link and every session, in one step', async () => {
      const s = store();
      const u = await user(s, 'resetter');
      const other = await user(s, 'bystander');
      const later = '2098-03-02T12:30:00.000Z';
      for (const [hash, userId] of [
        ['rs-old', u.id],
        ['rs-new', u.id],
        ['rs-other', other.id],
      ] as const)
        await s.users.createOneTime({
          tokenHash: hash,
          userId,
          purpose: 'reset',
          now: NOW,
          expiresAt: later,
        });
      await s.users.createSession({
        tokenHash: 'rs-s1',
        userId: u.id,
        csrfToken: 'c',
        now: NOW,
        expiresAt: later,
      });
      assert.equal(await s.users.completeReset('nope', '$argon2id$z', NOW), null, 'unknown token');
      assert.equal((await s.users.byEmail('resetter@example.org'))?.passwordHash, '$argon2id$x', 'unchanged');
      assert.equal(await s.users.completeReset('rs-new', '$argon2id$new', NOW), u.id);
      const after = await s.users.byEmail('resetter@example.org');
      assert.equal(after?.passwordHash, '$argon2id$new');
      assert.equal(after?.emailVerifiedAt, NOW, 'following the link proved the address');
      assert.equal(await s.users.session('rs-s1', NOW), null, 'sessions ended');
      assert.equal(
        await s.users.completeReset('rs-old', '$argon2id$old', NOW),
        null,
        'the older link is dead',
      );
      assert.equal(await s.users.consumeOneTime('rs-old', 'reset', NOW), null);
      assert.equal((await s.users.byEmail('resetter@example.org'))?.passwordHash, '$argon2id$new');
      assert.equal(
        await s.users.consumeOneTime('rs-other', 'reset', NOW),
        other.id,
        "another account's link lives",
      );
    });

    test('ending sessions can keep this one; API tokens are listed and outlive sessions until revoked', async () => {
      const s = store();
      const u = await user(s, 'roamer');
      const later = '2098-04-01T00:00:00.000Z';
      for (const h of ['ro-1', 'ro-2', 'ro-3'])
        await s.users.createSession({
          tokenHash: h,
          userId: u.id,
          csrfToken: 'c',
          now: NOW,
          expiresAt: later,
        });
      await s.users.createApiToken({ userId: u.id, name: 'cron', tokenHash: 'ro-api', now: NOW });
      await s.users.deleteSessions(u.id, 'ro-2');
      assert.equal(await s.users.session('ro-1', NOW), null);
      assert.equal((await s.users.session('ro-2', NOW))?.user.id, u.id, 'kept');
      assert.equal(await s.users.session('ro-3', NOW), null);
      assert.deepEqual(
        (await s.users.apiTokens(u.id)).map((t) => [t.name, t.createdAt, t.lastUsedAt]),
        [['cron', NOW, null]],
      );
      assert.equal((await s.users.apiTokenUser('ro-api', NOW))?.id, u.id, 'tokens are not sessions');
    });

    test('the account list pages without repeats and searches name or email, case-insensitive, wildcards literal', async () => {
      const s = store();
      const made = [];
      for (let i = 0; i < 7; i++)
        made.push(
          await s.users.create({
            email: `zq${i}@Lists.example.org`.toLowerCase(),
            name: `ZqMember${i}`,
            passwordHash: 'x',
            now: NOW,
          }),
        );
      await s.users.create({ email: 'zq_odd@example.org', name: 'percent', passwordHash: 'x', now: NOW });
      const newestFirst = made.map((u) => u!.name).reverse();
      const pages = [];
      for (let p = 0; p < 3; p++) pages.push((await s.users.list(3, p * 3, 'ZQMEMBER')).map((u) => u.name));
      assert.deepEqual(pages, [newestFirst.slice(0, 3), newestFirst.slice(3, 6), newestFirst.slice(6)]);
      assert.deepEqual(
        (await s.users.list(10, 0, 'LISTS.EXAMPLE')).map((u) => u.name),
        newestFirst,
        'by email',
      );
      assert.deepEqual(
        (await s.users.list(10, 0, 'zq_')).map((u) => u.name),
        ['percent'],
        '"_" is a character, not a wildcard',
      );
      assert.deepEqual(await s.users.list(10, 0, '%'), [], '"%" is a character, not a wildcard');
      const [p1, p2] = [await s.users.list(2, 0), await s.users.list(2, 2)];
      assert.equal(p1.length, 2);
      assert.ok(
        p1.every((u) => !p2.some((v) => v.id === u.id)),
        'unfiltered pages do not repeat',
      );
      assert.ok(p1[0]!.id > p1[1]!.id && p1[1]!.id > p2[0]!.id, 'newest first');
    });

    test('submissions feature once and say where a paper already is', async () => {
      const s = store();
      await s.papers.upsertMany([makePaper({ arxivId: id(40) })]);
      const pid = await paperRowId(s, id(40));
      const u = await user(s, 'carol');
      const first = await s.community.submit({
        userId: u.id,
        userName: 'carol',
        paperId: pid,
        day: '2098-07-01',
        now: NOW,
      });
      assert.deepEqual(first, { status: 'featured' });
      const again = await s.community.submit({
        userId: u.id,
        userName: 'carol',
        paperId: pid,
        day: '2098-07-02',
        now: NOW,
      });
      assert.deepEqual(again, { status: 'exists', day: '2098-07-01' });
      assert.equal(await s.community.submissionsSince(u.id, '2098-03-01T00:00:00.000Z'), 1);
      assert.deepEqual(
        (await s.community.userSubmissions(u.id, 5)).map((x) => [x.arxivId, x.day]),
        [[id(40), '2098-07-01']],
      );
      const feed = await s.feed.featured({
        from: '2098-07-01',
        to: '2098-07-01',
        sort: 'votes',
        limit: 5,
        offset: 0,
      });
      assert.deepEqual(
        feed.items.map((i) => [i.paper.arxivId, i.featured?.source, i.featured?.submittedBy]),
        [[id(40), 'submission', 'carol']],
      );
    });

    test('comments: replies, edit, soft delete, hide, counts and the recent list', async () => {
      const s = store();
      await s.papers.upsertMany([makePaper({ arxivId: id(50) })]);
      const pid = await paperRowId(s, id(50));
      const u = await user(s, 'dave');
      const top = await s.community.addComment({
        paperId: pid,
        userId: u.id,
        parentId: null,
        body: 'First!',
        now: NOW,
      });
      const reply = await s.community.addComment({
        paperId: pid,
        userId: u.id,
        parentId: top.id,
        body: 'Reply',
        now: NOW,
      });
      assert.equal(reply.parentId, top.id);
      assert.equal(reply.userName, 'dave');
      assert.equal((await s.feed.stats(pid)).comments, 2);
      await s.community.editComment(top.id, 'First, edited', NOW);
      assert.equal((await s.community.comment(top.id))?.editedAt, NOW);
      await s.community.setHidden(reply.id, true, NOW, u.id);
      await s.community.setHidden(reply.id, true, NOW, u.id);
      assert.equal((await s.feed.stats(pid)).comments, 1, 'hiding twice counts once');
      await s.community.deleteComment(top.id, NOW);
      await s.community.deleteComment(top.id, NOW);
      assert.equal((await s.feed.stats(pid)).comments, 0);
      await s.community.setHidden(reply.id, false, NOW, u.id);
      assert.equal((await s.feed.stats(pid)).comments, 1);
      const all = await s.community.commentsFor(pid);
      assert.deepEqual(
        all.map((c) => [c.body, c.deletedAt !== null, c.hiddenAt !== null]),
        [
          ['', true, false],
          ['Reply', false, false],
        ],
      );
      assert.equal((await s.community.recentComments(1, 0))[0]?.arxivId, id(50));
      assert.equal(await s.community.commentsSince(u.id, '2098-01-01T00:00:00.000Z'), 2);
      await assert.rejects(
        s.community.addComment({ paperId: 987_654_321, userId: u.id, parentId: null, body: 'x', now: NOW }),
        NotFoundError,
      );
    });
  });
}
