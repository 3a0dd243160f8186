/** Issue 7: each empty state says what is missing and the one action that fixes it. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startApp, type TestApp } from '../support/app.ts';
import { makePaper } from '../support/papers.ts';

let t: TestApp;
before(async () => {
  t = await startApp();
  await t.store.papers.upsertMany([makePaper({ arxivId: '2403.00001', title: 'Quiet paper' })]);
});
after(() => t.close());

const text = async (path: string) => {
  const res = await fetch(new URL(path, t.url));
  assert.equal(res.status, 200, path);
  return res.text();
};

test('no comments: says so and offers to log in to start the discussion', async () => {
  const body = await text('/papers/2403.00001');
  assert.match(body, /No comments yet\. <a href="\/login\?next=[^"]+">Log in<\/a> to start it\./);
});

test('no search results: says so and suggests fewer or different words', async () => {
  const body = await text('/search?q=zzzyzzy');
  assert.match(body, /No papers match/);
  assert.match(body, /Try fewer or different words/);
});

test('no subscribers: the digest admin page points to the subscribe form', async () => {
  // The admin pages answer loopback requests until an admin account exists.
  const body = await text('/admin/digests');
  assert.match(
    body,
    /No subscribers yet\. Point readers to the “Get trending papers in your email inbox” form/,
  );
});
