/**
 * Privacy (issue 14 item 8) through the real app: /settings/account's export (one JSON document of
 * everything the account has, never a secret) and deletion (password and CSRF required; the
 * account and everything personal go, votes are taken back from the counts, comments keep their
 * thread as "[deleted account]", the digest subscription of the address is erased).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { defaultPrefs } from '../digest/helpers.ts';
import { startApp, type TestApp } from '../support/app.ts';
import { makePaper } from '../support/papers.ts';
import { STRONG_PASSWORD } from '../support/passwords.ts';
import { signUpAndLogIn, WebClient } from '../support/web-client.ts';

let t: TestApp;
let dana: WebClient;
let erin: WebClient;
const PAPER = '2404.00001';

before(async () => {
  t = await startApp({ config: { pageCacheMs: 0 } });
  await t.store.papers.upsertMany([
    makePaper({ arxivId: PAPER, title: 'Privacy by design', submittedAt: new Date().toISOString() }),
    makePaper({ arxivId: '2404.00002', title: 'Another paper', submittedAt: new Date().toISOString() }),
  ]);
  dana = await signUpAndLogIn(t.url, t.dataDir, 'dana');
  erin = await signUpAndLogIn(t.url, t.dataDir, 'erin');
  const paper = `/papers/${PAPER}`;
  await dana.submit(paper, `${paper}/vote`, { up: '1' });
  await erin.submit(paper, `${paper}/vote`, { up: '1' });
  await dana.submit(paper, `${paper}/comments`, { body: 'A comment by dana' });
  const top = (await t.store.community.commentsFor((await t.store.papers.get(PAPER))!.id))[0]!.id;
  await erin.submit(paper, `${paper}/comments`, { body: 'A reply by erin', parent: String(top) });
  await dana.submit('/library', '/library/save', { paper: PAPER });
  await dana.submit('/following', '/following', { kind: 'category', value: 'cs.LG' });
  await dana.submit('/for-you', '/for-you/feedback', { paper: '2404.00002', kind: 'hide' });
  await dana.submit('/users/dana', '/settings/tokens', { name: 'laptop' });
  await dana.text('/settings/feeds'); // makes the feed key
  const now = Date.now();
  await t.store.digest.requestSubscription('dana@example.org', defaultPrefs(), now, now + 86_400_000);
});
after(() => t.close());

test('the account page offers the export and deletion; signed-out readers log in first', async () => {
  assert.equal((await new WebClient(t.url).get('/settings/account')).status, 303);
  assert.equal((await new WebClient(t.url).get('/settings/account/export.json')).status, 401);
  const page = await dana.text('/settings/account');
  assert.match(page, /href="\/settings\/account\/export.json"/);
  assert.match(page, /action="\/settings\/account\/delete"/);
  assert.match(await dana.text('/users/dana'), /href="\/settings\/account"/);
});

test('the export is one JSON document of everything the account has, and no secret', async () => {
  const r = await dana.get('/settings/account/export.json');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-disposition') ?? '', /attachment/);
  assert.equal(r.headers.get('cache-control'), 'private, no-store');
  const text = await r.text();
  const d = JSON.parse(text);
  assert.deepEqual([d.profile.name, d.profile.email], ['dana', 'dana@example.org']);
  assert.equal(d.profile.displayName, 'dana', 'the display name is exported too (issue 16 item 14)');
  assert.equal(d.sessions.count, 1);
  assert.deepEqual(
    d.apiTokens.map((x: { name: string }) => x.name),
    ['laptop'],
  );
  assert.deepEqual(
    d.votes.map((v: { arxivId: string }) => v.arxivId),
    [PAPER],
  );
  assert.deepEqual(
    d.comments.map((c: { body: string }) => c.body),
    ['A comment by dana'],
  );
  assert.deepEqual(
    d.library.collections[0].papers.map((p: { arxivId: string }) => p.arxivId),
    [PAPER],
  );
  assert.deepEqual(
    d.follows.map((f: { key: string }) => f.key),
    ['cs.LG'],
  );
  assert.deepEqual(d.feedback, [{ arxivId: '2404.00002', kind: 'hide' }]);
  assert.deepEqual(d.forYou.controls, { trending: 1, onlyFollowedCategories: false, window: 'week' });
  assert.equal(d.personalFeeds.linksExist, true);
  assert.equal(d.digest.subscriber.email, 'dana@example.org');
  assert.ok(Array.isArray(d.submissions) && Array.isArray(d.startOutPicks));
  // No secret: no API token, no feed key, no password hash, no session token.
  const danaId = d.profile.id as number;
  const key = (await t.store.feedKeys.get(danaId))!.secret;
  assert.ok(!text.includes(key), 'the feed key');
  assert.doesNotMatch(text, /pb_|argon2|csrf|token_hash|passwordHash/i);
});

test('deletion needs the password and the form token; then the account and everything personal are gone', async () => {
  const paperId = (await t.store.papers.get(PAPER))!.id;
  assert.equal((await t.store.feed.stats(paperId)).votes, 2);
  const wrong = await dana.submit('/settings/account', '/settings/account/delete', {
    password: 'not it at all 123',
  });
  assert.equal(wrong.status, 401);
  assert.match(await wrong.text(), /Wrong password: nothing was deleted/);
  assert.equal(
    (await dana.post('/settings/account/delete', { password: STRONG_PASSWORD })).status,
    403,
    'no CSRF token',
  );
  assert.ok(await t.store.users.byName('dana'), 'still there');

  const id = (await t.store.users.byName('dana'))!.id;
  const done = await dana.submit('/settings/account', '/settings/account/delete', {
    password: STRONG_PASSWORD,
  });
  assert.equal(done.status, 200);
  assert.match(await done.text(), /Your account is deleted/);
  assert.equal(await t.store.users.byName('dana'), null);
  assert.equal((await dana.get('/for-you')).status, 303, 'logged out');
  const login = await new WebClient(t.url).submit('/login', '/login', {
    email: 'dana@example.org',
    password: STRONG_PASSWORD,
    next: '/',
  });
  assert.equal(login.status, 401);
  // Votes taken back; the thread stands without dana's text; her library, follows, key are gone.
  const stats = await t.store.feed.stats(paperId);
  assert.equal(stats.votes, 1);
  const page = await erin.text(`/papers/${PAPER}`);
  assert.doesNotMatch(page, /A comment by dana/);
  assert.match(page, /A reply by erin/);
  assert.match(page, /\[deleted account\]/);
  assert.equal((await t.store.library.collections(id)).length, 0);
  assert.equal((await t.store.forYou.follows(id)).length, 0);
  assert.equal(await t.store.feedKeys.get(id), null);
  // The digest subscription of the address went through the digest's own erase.
  assert.equal(await t.store.digest.subscriberByEmail('dana@example.org'), null);
  // Erin is untouched.
  assert.equal((await erin.get('/for-you')).status, 200);
});

test('wrong passwords on the delete form are limited per account (the form is no password oracle)', async () => {
  const fred = await signUpAndLogIn(t.url, t.dataDir, 'fred');
  for (let i = 0; i < 5; i++)
    assert.equal(
      (await fred.submit('/settings/account', '/settings/account/delete', { password: `wrong guess ${i}` }))
        .status,
      401,
    );
  const limited = await fred.submit('/settings/account', '/settings/account/delete', {
    password: STRONG_PASSWORD,
  });
  assert.equal(limited.status, 429);
  assert.ok(limited.headers.get('retry-after'));
  assert.ok(await t.store.users.byName('fred'), 'nothing deleted');
});
