/**
 * For you in the JSON API (issue 14 item 7) through the real app: follows (list, add, delete),
 * feedback, the ranked list with reasons and per-request window/tuning, the controls, tokens
 * required, answers private, and the endpoints in the OpenAPI document.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startApp, type TestApp } from '../support/app.ts';
import { makePaper } from '../support/papers.ts';
import { signUpAndLogIn, tokenApi } from '../support/web-client.ts';

let t: TestApp;
let token: string;
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();
const author = (name: string) => {
  const [forenames, keyname] = name.split(' ');
  return { name, keyname: keyname!, forenames: forenames!, suffix: '', affiliation: null };
};

before(async () => {
  t = await startApp({ config: { pageCacheMs: 60_000 } });
  await t.store.papers.upsertMany([
    makePaper({
      arxivId: '2403.00001',
      title: 'Sparse attention',
      categories: ['cs.LG'],
      authors: [author('Zed Smith')],
      submittedAt: ago(1),
    }),
    makePaper({
      arxivId: '2403.00002',
      title: 'Galaxy halos',
      categories: ['astro-ph.GA'],
      submittedAt: ago(2),
    }),
    makePaper({ arxivId: '2403.00003', title: 'Old news', categories: ['cs.LG'], submittedAt: ago(20) }),
  ]);
  const ann = await signUpAndLogIn(t.url, t.dataDir, 'ann');
  const csrf = await ann.csrf('/users/ann');
  const page = await (await ann.post('/settings/tokens', { csrf, name: 'fy' })).text();
  token = /<code class="token">(pb_[A-Za-z0-9_-]+)<\/code>/.exec(page)![1]!;
});
after(() => t.close());

function api(path: string, method = 'GET', body?: unknown) {
  return tokenApi(t.url, token, path, method, body);
}

test('every endpoint wants a token', async () => {
  for (const [path, method] of [
    ['/api/follows', 'GET'],
    ['/api/for-you', 'GET'],
    ['/api/for-you/settings', 'GET'],
    ['/api/for-you/feedback', 'DELETE'],
  ] as const) {
    const r = await fetch(`${t.url}${path}`, { method });
    assert.equal(r.status, 401, path);
    assert.match(((await r.json()) as { error: string }).error, /Authorization: Bearer/);
  }
});

test('follows: add (idempotent), list, refuse bad input, delete', async () => {
  const a = await api('/api/follows', 'POST', { kind: 'author', value: 'Zed  Smith' });
  assert.equal(a.status, 201);
  assert.deepEqual([a.json.added, a.json.follow.kind, a.json.follow.label], [true, 'author', 'Zed Smith']);
  assert.equal(a.cache, 'private, no-store');
  const again = await api('/api/follows', 'POST', { kind: 'author', value: 'zed smith' });
  assert.deepEqual([again.status, again.json.added, again.json.follow.id], [200, false, a.json.follow.id]);
  assert.equal((await api('/api/follows', 'POST', { kind: 'category', value: 'cs.LG' })).status, 201);
  const search = await api('/api/follows', 'POST', { kind: 'search', value: 'halos -survey' });
  assert.equal(search.status, 201);
  const bad = await api('/api/follows', 'POST', { kind: 'category', value: 'not a category' });
  assert.equal(bad.status, 400);
  assert.match(bad.json.error, /not an arXiv category/);
  const badQuery = await api('/api/follows', 'POST', { kind: 'search', value: 'a* OR' });
  assert.equal(badQuery.status, 400);
  const list = await api('/api/follows');
  assert.deepEqual(
    list.json.map((f: { kind: string; label: string }) => `${f.kind}:${f.label}`),
    ['author:Zed Smith', 'category:cs.LG', 'search:halos -survey'],
  );
  const del = await api(`/api/follows/${search.json.follow.id}`, 'DELETE');
  assert.deepEqual([del.status, del.json.deleted], [200, true]);
  assert.equal((await api(`/api/follows/${search.json.follow.id}`, 'DELETE')).status, 404);
  assert.equal((await api('/api/follows/abc', 'DELETE')).status, 404);
});

test('For you: ranked items with reasons; window and tuning per request without saving; feedback removes an item', async () => {
  const r = await api('/api/for-you');
  assert.equal(r.status, 200);
  assert.equal(r.cache, 'private, no-store');
  assert.deepEqual(r.json.tuning, { trending: 1, onlyFollowedCategories: false, window: 'week' });
  const first = r.json.items[0];
  assert.equal(first.paper.id, '2403.00001');
  assert.ok(
    first.reasons.some(
      (x: { kind: string; text: string }) =>
        x.kind === 'author' && x.text === 'by Zed Smith, whom you follow',
    ),
  );
  assert.equal(typeof first.score, 'number');
  assert.deepEqual(Object.keys(first.parts).sort(), ['follow', 'model', 'trend']);
  assert.ok(
    !r.json.items.some((i: { paper: { id: string } }) => i.paper.id === '2403.00003'),
    'outside the week',
  );

  const month = await api('/api/for-you?window=month&onlyFollowedCategories=true&trending=4');
  assert.deepEqual(month.json.tuning, { trending: 4, onlyFollowedCategories: true, window: 'month' });
  assert.deepEqual(
    month.json.items.map((i: { paper: { id: string } }) => i.paper.id).sort(),
    ['2403.00001', '2403.00003'],
    'a month, followed categories only',
  );
  assert.deepEqual((await api('/api/for-you/settings')).json.window, 'week', 'nothing was saved');
  assert.equal((await api('/api/for-you?window=year')).status, 400);
  assert.equal((await api('/api/for-you?trending=7')).status, 400);

  const fb = await api('/api/for-you/feedback', 'POST', { paper: '2403.00002', kind: 'less' });
  assert.deepEqual(fb.json, { paper: '2403.00002', kind: 'less' });
  assert.equal(
    (await api('/api/for-you/feedback', 'POST', { paper: '2403.00002', kind: 'meh' })).status,
    400,
  );
  assert.equal(
    (await api('/api/for-you/feedback', 'POST', { paper: '2499.99999', kind: 'hide' })).status,
    404,
  );
  const after1 = await api('/api/for-you');
  assert.ok(!after1.json.items.some((i: { paper: { id: string } }) => i.paper.id === '2403.00002'));
  assert.equal(after1.json.examples.negative, 1);
  assert.deepEqual((await api('/api/for-you/feedback', 'DELETE')).json, { cleared: 1 });
});

test('controls: read, change some fields, refuse bad ones', async () => {
  const put = await api('/api/for-you/settings', 'PUT', { trending: 0, window: 'day' });
  assert.deepEqual(put.json, { trending: 0, onlyFollowedCategories: false, window: 'day' });
  assert.deepEqual((await api('/api/for-you/settings')).json, put.json);
  assert.equal((await api('/api/for-you')).json.tuning.window, 'day');
  const bad = await api('/api/for-you/settings', 'PUT', { trending: 9 });
  assert.equal(bad.status, 400);
  assert.match(bad.json.error, /trending/);
  assert.equal((await api('/api/for-you/settings', 'PUT', { colour: 'blue' })).status, 400);
});

test('the OpenAPI document names the endpoints', async () => {
  const doc = (await (await fetch(`${t.url}/api/openapi.json`)).json()) as { paths: Record<string, object> };
  for (const p of [
    '/api/follows',
    '/api/follows/{id}',
    '/api/for-you',
    '/api/for-you/feedback',
    '/api/for-you/settings',
  ])
    assert.ok(doc.paths[p], p);
  assert.deepEqual(Object.keys(doc.paths['/api/follows']!).sort(), ['get', 'post']);
  assert.deepEqual(Object.keys(doc.paths['/api/for-you/settings']!).sort(), ['get', 'put']);
});
