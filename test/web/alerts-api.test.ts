/**
 * Alerts in the JSON API (issue 15, beside the library's and For you's) through the real app:
 * list, create (idempotent), pause and re-route, delete, the newest events; the same rules as
 * /alerts with JSON errors saying what and why; tokens required, answers private, another
 * reader's alerts out of reach, and the endpoints in the OpenAPI document. Own ids (2512.18***).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { computeEvents } from '../../src/alerts/compute.ts';
import { startApp, type TestApp } from '../support/app.ts';
import { makePaper } from '../support/papers.ts';
import { signUpAndLogIn, tokenApi } from '../support/web-client.ts';

let t: TestApp;
let ivy: string;
let jon: string;

async function tokenOf(name: string): Promise<string> {
  const c = await signUpAndLogIn(t.url, t.dataDir, name);
  const csrf = await c.csrf(`/users/${name}`);
  const page = await (await c.post('/settings/tokens', { csrf, name: 'alerts' })).text();
  return /<code class="token">(pb_[A-Za-z0-9_-]+)<\/code>/.exec(page)![1]!;
}

before(async () => {
  t = await startApp({ config: { pageCacheMs: 60_000 } });
  await t.store.papers.upsertMany([
    makePaper({ arxivId: '2512.18001', title: 'A paper to watch', submittedAt: new Date().toISOString() }),
  ]);
  ivy = await tokenOf('ivy');
  jon = await tokenOf('jon');
});
after(() => t.close());

function api(path: string, method = 'GET', body?: unknown, token = ivy) {
  return tokenApi(t.url, token, path, method, body);
}

test('every endpoint wants a token', async () => {
  for (const [path, method] of [
    ['/api/alerts', 'GET'],
    ['/api/alerts', 'POST'],
    ['/api/alerts/1', 'PATCH'],
    ['/api/alerts/1', 'DELETE'],
    ['/api/alerts/events', 'GET'],
  ] as const) {
    const r = await fetch(`${t.url}${path}`, {
      method,
      ...(method === 'GET' || method === 'DELETE'
        ? {}
        : { headers: { 'content-type': 'application/json' }, body: '{}' }),
    });
    assert.equal(r.status, 401, `${method} ${path}`);
    assert.match(((await r.json()) as { error: string }).error, /Authorization: Bearer/);
  }
});

test('create (idempotent) and list; bad input refused saying what and why', async () => {
  const a = await api('/api/alerts', 'POST', {
    kind: 'search',
    target: 'diffusion',
    delivery: ['webhook', 'feed'],
  });
  assert.equal(a.status, 201);
  assert.equal(a.cache, 'private, no-store');
  assert.deepEqual(
    [a.json.added, a.json.alert.kind, a.json.alert.target, a.json.alert.delivery, a.json.alert.paused],
    [true, 'search', 'diffusion', ['feed', 'webhook'], false],
  );
  const again = await api('/api/alerts', 'POST', { kind: 'search', target: 'diffusion', delivery: ['mail'] });
  assert.deepEqual([again.status, again.json.added, again.json.alert.id], [200, false, a.json.alert.id]);
  const trend = await api('/api/alerts', 'POST', {
    kind: 'trending',
    target: 'https://arxiv.org/abs/2512.18001',
    threshold: 3,
    delivery: ['digest'],
  });
  assert.equal(trend.status, 201);
  assert.deepEqual([trend.json.alert.target, trend.json.alert.threshold], ['2512.18001', 3]);

  for (const [body, why] of [
    [{ kind: 'nope', target: 'x', delivery: ['feed'] }, /kind: "nope" is not one of search, author/],
    [{ kind: 'category', target: 'cs.L!', delivery: ['feed'] }, /category: .*cs\.L!/],
    [{ kind: 'search', target: 'diffusion', delivery: [] }, /delivery: choose at least one/],
    [{ kind: 'search', target: 'diffusion', delivery: ['fax'] }, /delivery: "fax" is not one of/],
    [{ kind: 'search', target: '', delivery: ['feed'] }, /search: enter a query/],
    [{ kind: 'trending', target: '2512.18001', delivery: ['feed'] }, /votes: "" is not a whole number/],
    [{ kind: 'trending', target: '2512.18999', threshold: 2, delivery: ['feed'] }, /not on this site/],
    [{ kind: 'search', target: 'x' }, /delivery: /],
  ] as const) {
    const r = await api('/api/alerts', 'POST', body);
    assert.equal(r.status, 400, JSON.stringify(body));
    assert.match(r.json.error, why);
  }

  const list = await api('/api/alerts');
  assert.equal(list.cache, 'private, no-store');
  assert.deepEqual(
    list.json.map((x: { kind: string; target: string }) => `${x.kind}:${x.target}`),
    ['search:diffusion', 'trending:2512.18001'],
  );
  assert.deepEqual((await api('/api/alerts', 'GET', undefined, jon)).json, [], "jon sees none of ivy's");
});

test('pause and re-route; a refused change changes nothing; delete; only your own', async () => {
  const [search] = (await api('/api/alerts')).json;
  const paused = await api(`/api/alerts/${search.id}`, 'PATCH', { paused: true });
  assert.deepEqual(
    [paused.status, paused.json.paused, paused.json.delivery],
    [200, true, ['feed', 'webhook']],
  );
  const routed = await api(`/api/alerts/${search.id}`, 'PATCH', { delivery: ['mail'], paused: false });
  assert.deepEqual([routed.json.paused, routed.json.delivery], [false, ['mail']]);
  const refused = await api(`/api/alerts/${search.id}`, 'PATCH', { delivery: ['fax'], paused: true });
  assert.equal(refused.status, 400);
  assert.match(refused.json.error, /delivery: "fax"/);
  const unchanged = (await api('/api/alerts')).json[0];
  assert.deepEqual(
    [unchanged.paused, unchanged.delivery],
    [false, ['mail']],
    'the pause did not happen either',
  );
  assert.equal((await api(`/api/alerts/${search.id}`, 'PATCH', { mute: true })).status, 400);

  assert.equal((await api(`/api/alerts/${search.id}`, 'PATCH', { paused: true }, jon)).status, 404);
  assert.equal((await api(`/api/alerts/${search.id}`, 'DELETE', undefined, jon)).status, 404);
  assert.equal((await api('/api/alerts/abc', 'PATCH', { paused: true })).status, 404);

  const del = await api(`/api/alerts/${search.id}`, 'DELETE');
  assert.deepEqual([del.status, del.json], [200, { id: search.id, deleted: true }]);
  assert.equal((await api(`/api/alerts/${search.id}`, 'DELETE')).status, 404);
  assert.deepEqual(
    (await api('/api/alerts')).json.map((x: { kind: string }) => x.kind),
    ['trending'],
  );
});

test('the newest events with their links; the alert says when it last fired and why', async () => {
  const a = await api('/api/alerts', 'POST', { kind: 'category', target: 'cs.CV', delivery: ['feed'] });
  const now = new Date().toISOString();
  await t.store.papers.upsertMany([
    makePaper({
      arxivId: '2512.18002',
      title: 'Seeing things',
      categories: ['cs.CV'],
      submittedAt: now,
      updatedAt: now,
      versions: [{ version: 1, createdAt: now }],
    }),
  ]);
  await computeEvents(t.store.alerts, { baseUrl: 'https://paperboy.test' });
  const events = await api('/api/alerts/events?limit=5');
  assert.equal(events.status, 200);
  assert.equal(events.cache, 'private, no-store');
  assert.deepEqual(
    events.json.map((e: Record<string, unknown>) => [e.type, e.arxivId, e.reason, e.alertId]),
    [['category.match', '2512.18002', 'new in cs.CV', a.json.alert.id]],
  );
  assert.match(events.json[0].link, /\/papers\/2512\.18002$/);
  assert.deepEqual((await api('/api/alerts/events', 'GET', undefined, jon)).json, []);
  assert.equal((await api('/api/alerts/events?limit=0')).status, 400);
  const listed = (await api('/api/alerts')).json.find((x: { id: number }) => x.id === a.json.alert.id);
  assert.equal(listed.lastReason, 'new in cs.CV');
});

test('the OpenAPI document describes the alerts endpoints', async () => {
  const doc = (await (await fetch(`${t.url}/api/openapi.json`)).json()) as { paths: Record<string, object> };
  assert.deepEqual(Object.keys(doc.paths['/api/alerts']!).sort(), ['get', 'post']);
  assert.deepEqual(Object.keys(doc.paths['/api/alerts/{id}']!).sort(), ['delete', 'patch']);
  assert.deepEqual(Object.keys(doc.paths['/api/alerts/events']!), ['get']);
});
