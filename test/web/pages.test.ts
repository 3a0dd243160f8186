import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startApp, type TestApp } from '../support/app.ts';
import { makePaper } from '../support/papers.ts';

let t: TestApp;
const HOSTILE = '<script>alert(1)</script> & <img src=x onerror=alert(2)> $x<y$';

before(async () => {
  t = await startApp({ config: { pageCacheMs: 0 } });
  await t.store.papers.upsertMany([
    makePaper({
      arxivId: '2401.00001',
      title: `Attention ${HOSTILE}`,
      abstract: `Transformers are great. ${HOSTILE} <a href="javascript:alert(3)">x</a>`,
      links: [{ kind: 'code', url: 'https://github.com/acme/attn', host: 'github.com' }],
    }),
    makePaper({
      arxivId: 'hep-th/9901001',
      title: 'Old style strings',
      submittedAt: '1999-01-01T00:00:00.000Z',
    }),
  ]);
});
after(() => t.close());

const get = (path: string) => fetch(new URL(path, t.url), { redirect: 'manual' });

test('home shows the latest featured day; an empty library says how to start', async () => {
  const empty = await (await get('/')).text();
  // Papers but nothing featured: the newest papers instead, labelled, with a prompt (issue 7).
  assert.match(empty, /Nothing has been featured yet, so these are simply the newest papers/);
  await t.store.papers.feature({
    arxivId: 'hep-th/9901001',
    day: '2024-01-03',
    source: 'rule',
    submittedBy: null,
    importedUpvotes: 0,
  });
  const body = await (await get('/papers?date=2024-01-03')).text();
  assert.ok(body.includes('/papers/hep-th/9901001'));
});

test('paper page shows fields and escapes data', async () => {
  const res = await get('/papers/2401.00001');
  assert.equal(res.status, 200);
  const body = await res.text();
  assert.ok(!body.includes('<script>alert(1)'), 'raw script tag must not appear');
  assert.ok(!body.includes('<img src=x'), 'raw img tag must not appear');
  assert.ok(!body.includes('href="javascript:'), 'javascript: URL must not become a link');
  assert.ok(body.includes('&lt;script&gt;alert(1)&lt;/script&gt; &amp;'));
  assert.ok(body.includes('https://arxiv.org/abs/2401.00001'));
  assert.ok(body.includes('https://arxiv.org/pdf/2401.00001'));
  assert.ok(body.includes('href="https://github.com/acme/attn"'));
});

test('old-style ids and versioned/prefixed ids resolve', async () => {
  assert.equal((await get('/papers/hep-th/9901001')).status, 200);
  const r = await get('/papers/arXiv:2401.00001v2');
  assert.equal(r.status, 301);
  assert.equal(r.headers.get('location'), '/papers/2401.00001');
});

test('unknown or malformed ids answer 404, never 500', async () => {
  for (const path of [
    '/papers/2401.99999',
    '/papers/not-an-id',
    '/papers/%3Cscript%3E',
    `/papers/${'9'.repeat(400)}`,
  ]) {
    const res = await get(path);
    assert.equal(res.status, 404, path);
    assert.ok(!(await res.text()).includes('<script>'), path);
  }
  assert.equal((await get('/no/such/page')).status, 404);
});

test('search finds by title and escapes the query', async () => {
  const res = await get(`/search?q=${encodeURIComponent('attention <script>')}`);
  assert.equal(res.status, 200);
  const body = await res.text();
  assert.ok(!body.includes('<script>alert'), 'no raw script');
  const ok = await (await get('/search?q=transformers')).text();
  assert.ok(ok.includes('/papers/2401.00001'));
  const none = await get(`/search?q=${'x'.repeat(600)}`);
  assert.equal(none.status, 400);
});

test('JSON API returns a paper and JSON errors', async () => {
  const res = await get('/api/papers/2401.00001');
  assert.equal(res.status, 200);
  const p = (await res.json()) as { id: string; title: string; links: unknown[] };
  assert.equal(p.id, '2401.00001');
  assert.ok(p.title.includes('<script>'), 'JSON carries the text as data');
  const missing = await get('/api/papers/2401.99999');
  assert.equal(missing.status, 404);
  assert.match(String(((await missing.json()) as { error: string }).error), /not found/);
});

test('health and security headers', async () => {
  const res = await get('/health');
  assert.equal(res.status, 200);
  // The newest paper's v1 date (the one of 1999 is the older): read from an index, never a count.
  assert.deepEqual(await res.json(), {
    status: 'ok',
    database: 'sqlite',
    newestPaper: '2024-01-02T03:04:05.000Z',
  });
  const csp = res.headers.get('content-security-policy') ?? '';
  assert.match(csp, /script-src 'self'/);
  assert.match(csp, /object-src 'none'/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
});

test('issue 16 item 4: the BibTeX box shows the whole entry, closing brace included, TeX kept', async () => {
  const html = await (await get('/papers/2401.00001')).text();
  const m = /<textarea id="bibtex" readonly rows="(\d+)"[^>]*>([^<]*)<\/textarea>/.exec(html);
  assert.ok(m, 'a BibTeX box');
  const entry = m[2]!;
  assert.match(entry.trimEnd(), /\}$/);
  assert.ok(entry.split('\n').length > 8, `an entry longer than the old fixed 8 rows: ${entry}`);
  assert.equal(Number(m[1]), entry.split('\n').length, 'one row per line: nothing to scroll to');
  assert.match(entry, /\$x&lt;y\$/, 'the title keeps its TeX (escaped for HTML only)');
});
