/** The home page before anything is featured, and the setup token rules, in-process. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setupUrl, tokenValid } from '../../src/setup/token.ts';
import { startApp } from '../support/app.ts';
import { makePaper } from '../support/papers.ts';

test('an empty site says so with one action; papers but nothing featured: newest followed papers, labelled', async () => {
  const t = await startApp({ config: { rssCategories: 'cs.CV' } });
  try {
    let body = await (await fetch(`${t.url}/`)).text();
    assert.match(body, /No papers yet\. An admin can run <code>paperboy demo<\/code>/);
    await t.store.papers.upsertMany([
      makePaper({ arxivId: '2401.00001', title: 'A vision paper', categories: ['cs.CV'] }),
      makePaper({ arxivId: '2401.00002', title: 'A language paper', categories: ['cs.CL'] }),
    ]);
    body = await (await fetch(`${t.url}/?fresh=1`)).text();
    assert.match(body, /Newest papers in cs\.CV/);
    assert.match(body, /Nothing has been featured yet/);
    assert.match(body, /A vision paper/);
    assert.doesNotMatch(body, /A language paper/);
  } finally {
    await t.close();
  }
});

test('the setup link is stable until used and disappears once an admin exists', async () => {
  const t = await startApp();
  try {
    const a = await setupUrl(t.store, 'http://x.test/');
    assert.equal(await setupUrl(t.store, 'http://x.test'), a);
    const token = new URL(a!).searchParams.get('token')!;
    assert.ok(await tokenValid(t.store, token));
    // Change the last character (to one it is not: a token ending in "A" made this a 1-in-64 flake).
    const tampered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    assert.equal(await tokenValid(t.store, tampered), null);
    assert.equal((await fetch(`${t.url}/setup?token=wrong-token-wrong-token`)).status, 403);
    assert.equal((await fetch(`${t.url}/setup?token=${token}`)).status, 200);
    await t.store.users.create({
      email: 'a@x.org',
      name: 'boss',
      passwordHash: 'x',
      role: 'admin',
      now: '2026-01-01T00:00:00Z',
    });
    assert.equal(await setupUrl(t.store, 'http://x.test'), null);
    assert.equal(await tokenValid(t.store, token), null);
    assert.equal((await fetch(`${t.url}/setup?token=${token}`)).status, 403);
  } finally {
    await t.close();
  }
});
