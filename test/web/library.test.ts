/**
 * The library through the pages and the API (issue 14, item 1 and the library parts of 7 and 8):
 * save/unsave without JavaScript, collections, private 404, public feeds and .bib, imports with
 * a report line per outcome, hostile inputs, API tokens, data export.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startApp, type TestApp } from '../support/app.ts';
import { makePaper } from '../support/papers.ts';
import { signUpAndLogIn, WebClient } from '../support/web-client.ts';

let t: TestApp;
let alice: WebClient;
let bob: WebClient;
const today = new Date().toISOString().slice(0, 10);
const HOSTILE = '<script>alert(1)</script> & $\\alpha$ {x @misc{evil,';

before(async () => {
  t = await startApp({ config: { pageCacheMs: 0 } });
  await t.store.papers.upsertMany([
    makePaper({ arxivId: '2401.00020', title: 'Saving $\\mathcal{O}(n)$ {GAN}s quickly' }),
    makePaper({ arxivId: '2401.00021', title: 'Second paper' }),
    makePaper({ arxivId: 'hep-th/9901001', title: 'Old style' }),
  ]);
  await t.store.papers.feature({
    arxivId: '2401.00020',
    day: today,
    source: 'import',
    submittedBy: null,
    importedUpvotes: 0,
  });
  [alice, bob] = await Promise.all([
    signUpAndLogIn(t.url, t.dataDir, 'alice'),
    signUpAndLogIn(t.url, t.dataDir, 'bob'),
  ]);
});
after(() => t.close());

const aliceId = async () => (await t.store.users.byName('alice'))!.id;
const savedIds = async () => (await t.store.library.savedPaperIds(await aliceId())).length;
/** Collection id from a redirect to /library/<id>. */
const collectionAt = (r: Response) => Number(/^\/library\/(\d+)$/.exec(r.headers.get('location') ?? '')![1]);

test('save and unsave without JavaScript: a form post on the daily card, redirect back, state shown', async () => {
  const home = await alice.text('/');
  assert.match(
    home,
    /<form class="save" method="post" action="\/library\/save">/,
    'every card has the save form',
  );
  const csrf = /name="csrf" value="([^"]+)"/.exec(home)![1]!;
  const r = await alice.post('/library/save', { csrf, paper: '2401.00020', saved: '1', next: '/' });
  assert.equal(r.status, 303);
  assert.equal(r.headers.get('location'), '/');
  assert.equal(await savedIds(), 1);
  const after = await alice.text('/');
  assert.match(after, /aria-pressed="true" aria-label="Remove from your library: arXiv:2401.00020">Saved ✓/);
  assert.match(after, /name="saved" value="0"/);
  const cols = await t.store.library.collections(await aliceId());
  assert.deepEqual(
    cols.map((c) => [c.name, c.isDefault, c.paperCount]),
    [['Saved', true, 1]],
    'the default "Saved" was made by the first save',
  );
  // The paper page shows the state, where it is, and offers "add to collection…".
  const paper = await alice.text('/papers/2401.00020');
  assert.match(paper, /Saved ✓/);
  assert.match(paper, /in <a href="\/library\/\d+">Saved<\/a>/);
  assert.match(paper, /<label for="add-to">Add to collection…<\/label>/);
  // Old-style ids, and unsave (out of every collection).
  assert.equal((await alice.post('/library/save', { csrf, paper: 'hep-th/9901001' })).status, 303);
  assert.equal(await savedIds(), 2);
  await alice.post('/library/save', { csrf, paper: '2401.00020', saved: '0' });
  assert.equal(await savedIds(), 1);
  // JSON for the in-place update; signed-out readers see a login link and cannot post.
  const json = await alice.post(
    '/library/save',
    { csrf, paper: '2401.00020' },
    { accept: 'application/json' },
  );
  assert.deepEqual(await json.json(), { paper: '2401.00020', saved: true, collection: cols[0]!.id });
  const anon = new WebClient(t.url);
  assert.match(await anon.text('/'), /<a class="save" href="\/login\?next=\/papers\/2401.00020">Save<\/a>/);
  assert.equal((await anon.post('/library/save', { paper: '2401.00020' })).status, 403);
});

test('collections: create, add from the paper page, rename, make public, remove, delete with confirmation', async () => {
  const csrf = await alice.csrf('/library');
  const created = await alice.post('/library', { csrf, name: 'Reading group' });
  assert.equal(created.status, 303);
  const id = collectionAt(created);
  const add = await alice.post('/library/save', {
    csrf,
    paper: '2401.00021',
    collection: String(id),
    next: '/papers/2401.00021',
  });
  assert.equal(add.status, 303);
  // "New collection…" in the paper page's select makes one and adds to it.
  await alice.post('/library/save', { csrf, paper: '2401.00021', collection: 'new', name: 'Later' });
  const list = await alice.text('/library');
  assert.match(list, /Reading group<\/a> <span class="muted">1 paper · private/);
  assert.match(list, /Later<\/a> <span class="muted">1 paper · private/);
  assert.equal((await alice.post(`/library/${id}/rename`, { csrf, name: 'Journal club' })).status, 303);
  assert.equal((await alice.post(`/library/${id}/visibility`, { csrf, public: '1' })).status, 303);
  const page = await alice.text(`/library/${id}`);
  assert.match(page, /<h1>Journal club<\/h1>/);
  assert.match(page, /public collection by/);
  assert.match(page, /Second paper/);
  assert.equal((await alice.post(`/library/${id}/remove`, { csrf, paper: '2401.00021' })).status, 303);
  assert.doesNotMatch(await alice.text(`/library/${id}`), /Second paper/);
  assert.match(await alice.text(`/library/${id}/delete`), /Delete “Journal club”\?/);
  assert.equal((await alice.post(`/library/${id}/delete`, { csrf })).status, 303);
  assert.equal((await alice.get(`/library/${id}`)).status, 404);
  // Bad names get the form back with a message.
  const empty = await alice.post('/library', { csrf, name: '   ' });
  assert.equal(empty.status, 400);
  assert.match(await empty.text(), /Give the collection a name/);
});

test('a private collection is 404 to everyone but its owner (page, feeds, .bib, API); its owner cannot be impersonated by form', async () => {
  const csrf = await alice.csrf('/library');
  const id = collectionAt(await alice.post('/library', { csrf, name: 'Secret' }));
  await alice.post('/library/save', { csrf, paper: '2401.00020', collection: String(id) });
  assert.equal((await alice.get(`/library/${id}`)).status, 200);
  assert.equal((await alice.get(`/library/${id}.bib`)).status, 200, 'the owner may export a private one');
  const anon = new WebClient(t.url);
  for (const path of [
    `/library/${id}`,
    `/library/${id}.rss`,
    `/library/${id}.atom`,
    `/library/${id}.json`,
    `/library/${id}.bib`,
  ]) {
    assert.equal((await anon.get(path)).status, 404, path);
    assert.equal((await bob.get(path)).status, 404, `bob: ${path}`);
  }
  const bcsrf = await bob.csrf('/library');
  assert.equal((await bob.post(`/library/${id}/rename`, { csrf: bcsrf, name: 'mine' })).status, 404);
  assert.equal((await bob.post(`/library/${id}/delete`, { csrf: bcsrf })).status, 404);
  assert.equal(
    (await bob.post('/library/save', { csrf: bcsrf, paper: '2401.00021', collection: String(id) })).status,
    404,
  );
  assert.equal((await t.store.library.collection(id))!.name, 'Secret');
});

test('public collection: page, RSS/Atom/JSON and one .bib with LaTeX kept; a hostile name is escaped everywhere', async () => {
  const csrf = await alice.csrf('/library');
  const id = collectionAt(await alice.post('/library', { csrf, name: HOSTILE, public: '1' }));
  for (const p of ['2401.00020', '2401.00021', 'hep-th/9901001'])
    await alice.post('/library/save', { csrf, paper: p, collection: String(id) });
  const anon = new WebClient(t.url);
  const page = await anon.text(`/library/${id}`);
  assert.ok(!page.includes('<script>alert(1)</script>'), 'no raw markup from the name');
  assert.match(page, /<h1>&lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; \$\\alpha\$ \{x @misc\{evil,<\/h1>/);
  const rss = await (await anon.get(`/library/${id}.rss`)).text();
  assert.match(rss, /<title>paperboy: &lt;script&gt;alert\(1\)&lt;\/script&gt; &amp;/);
  assert.equal((rss.match(/<item>/g) ?? []).length, 3);
  const atom = await anon.get(`/library/${id}.atom`);
  assert.match(atom.headers.get('content-type') ?? '', /atom/);
  const json = (await (await anon.get(`/library/${id}.json`)).json()) as {
    version: string;
    items: unknown[];
  };
  assert.equal(json.version, 'https://jsonfeed.org/version/1.1', 'a JSON Feed (issue 16 item 6)');
  assert.equal(json.items.length, 3);
  const bibRes = await anon.get(`/library/${id}.bib`);
  assert.equal(bibRes.status, 200);
  assert.match(bibRes.headers.get('content-type') ?? '', /application\/x-bibtex/);
  const bib = await bibRes.text();
  assert.equal((bib.match(/^@misc\{/gm) ?? []).length, 3, 'one entry per paper, and none from the name');
  assert.match(bib, /title=\{Saving \$\\mathcal\{O\}\(n\)\$ \{GAN\}s quickly\}/, 'LaTeX in titles intact');
  assert.match(bib, /eprint=\{hep-th\/9901001\}/);
  const header = bib.split('\n')[0]!;
  assert.ok(header.startsWith('% '), header);
  assert.ok(!/[@{}]/.test(header), `the name cannot open an entry: ${header}`);
});

test('import: pasted ids and URLs, each line reported as added / already there / not found / unreadable', async () => {
  const csrf = await alice.csrf('/library');
  const id = collectionAt(await alice.post('/library', { csrf, name: 'Imported' }));
  await alice.post('/library/save', { csrf, paper: '2401.00021', collection: String(id) });
  const form = new FormData();
  form.set('csrf', csrf);
  form.set(
    'ids',
    'https://arxiv.org/abs/2401.00020v2\n2401.00021, arXiv:hep-th/9901001v1\n2401.99999\nnot-an-id\n\n2401.00020',
  );
  const r = await alice.upload(`/library/${id}/import`, form);
  assert.equal(r.status, 200);
  const report = await r.text();
  assert.match(report, /2 added · 2 already there · 1 not found · 1 unreadable/);
  assert.match(report, /line 1: <a href="\/papers\/2401.00020">2401.00020<\/a> — added/);
  assert.match(
    report,
    /line 2, &quot;2401.00021&quot;: <a href="\/papers\/2401.00021">2401.00021<\/a> — already there/,
  );
  assert.match(
    report,
    /line 2, &quot;arXiv:hep-th\/9901001v1&quot;: <a href="\/papers\/hep-th\/9901001">hep-th\/9901001<\/a> — added/,
  );
  assert.match(report, /line 3: <a href="\/papers\/2401.99999">2401.99999<\/a> — not found/);
  assert.match(report, /line 4: <code>not-an-id<\/code> — unreadable \(does not look like an arXiv id/);
  assert.match(report, /line 6: <a href="\/papers\/2401.00020">2401.00020<\/a> — already there/);
  assert.equal((await t.store.library.collection(id))!.paperCount, 3);
});

test('import: a .bib upload with good and broken entries; every entry answered, the rest imported', async () => {
  const csrf = await alice.csrf('/library');
  const id = collectionAt(await alice.post('/library', { csrf, name: 'From bib' }));
  const bib = `@comment{ignored}
@article{good1, title={A {GAN} paper}, eprint={2401.00020}, archivePrefix={arXiv}}
@misc{broken, title={never closes
@inproceedings{viaurl, url = "https://arxiv.org/pdf/2401.00021v1.pdf", year = 2024}
@article{nofield, title={No identifier at all}}
@misc{doi, doi = {10.48550/arXiv.hep-th/9901001}}
@article{scholar, journal={arXiv preprint arXiv:2401.99998}}
@misc{bad field, title = }
`;
  const form = new FormData();
  form.set('csrf', csrf);
  form.set('bib', new Blob([bib], { type: 'text/x-bibtex' }), 'refs.bib');
  const report = await (await alice.upload(`/library/${id}/import`, form)).text();
  assert.match(report, /3 added · 0 already there · 1 not found · 3 unreadable/);
  assert.match(report, /entry 1 \(line 2, key good1\)[^<]*<a href="\/papers\/2401.00020">/);
  assert.match(report, /entry 2 \(line 3\): <code>@misc<\/code> — unreadable \(unbalanced braces/);
  assert.match(report, /entry 3 \(line 4, key viaurl\)[^<]*<a href="\/papers\/2401.00021">/);
  assert.match(
    report,
    /entry 4 \(line 5, key nofield\): <code>@article\{nofield<\/code> — unreadable \(no arXiv id/,
  );
  assert.match(report, /entry 5 \(line 6, key doi\)[^<]*<a href="\/papers\/hep-th\/9901001">/);
  assert.match(
    report,
    /entry 6 \(line 7, key scholar\)[^<]*<a href="\/papers\/2401.99998">2401.99998<\/a> — not found/,
  );
  assert.match(report, /entry 7 \(line 8, key bad field\)[^—]*— unreadable \(field title: no value\)/);
});

test('hostile imports: a 5 MB .bib is 413 with a clear page, 10,000 ids go in at once, 10,001 are refused; nothing saved is lost', async () => {
  const csrf = await alice.csrf('/library');
  const id = collectionAt(await alice.post('/library', { csrf, name: 'Big' }));
  await alice.post('/library/save', { csrf, paper: '2401.00020', collection: String(id) });

  const big = new FormData();
  big.set('csrf', csrf);
  big.set('bib', new Blob(['@misc{x, title={', 'a'.repeat(5 * 1024 * 1024), '}}']), 'big.bib');
  const r413 = await alice.upload(`/library/${id}/import`, big);
  assert.equal(r413.status, 413);
  const page = await r413.text();
  assert.match(page, /This upload is 5\.0 MB; an import takes a \.bib file of at most 2\.0 MB/);
  assert.match(page, /<title>Error/);

  const ids = Array.from({ length: 10_000 }, (_, i) => `2402.${String(i + 1).padStart(5, '0')}`);
  await t.store.papers.upsertMany(ids.slice(0, 50).map((arxivId) => makePaper({ arxivId })));
  const many = new FormData();
  many.set('csrf', csrf);
  many.set('ids', ids.join('\n'));
  const ok = await alice.upload(`/library/${id}/import`, many);
  assert.equal(ok.status, 200);
  const report = await ok.text();
  assert.match(report, /50 added · 0 already there · 9950 not found · 0 unreadable/);
  assert.match(report, /… and 8950 more/, 'long reports are cut per outcome, counts stay whole');

  const tooMany = new FormData();
  tooMany.set('csrf', csrf);
  tooMany.set('ids', `${ids.join(' ')} 2401.00021`);
  const refused = await alice.upload(`/library/${id}/import`, tooMany);
  assert.equal(refused.status, 400);
  assert.match(
    await refused.text(),
    /This import has 10,001 ids or entries; at most 10,000 go in one import\. Nothing was added/,
  );
  const c = (await t.store.library.collection(id))!;
  assert.equal(c.paperCount, 51, 'the paper saved before and the 50 found are all there');
  // The CSRF check holds for multipart too.
  const noToken = new FormData();
  noToken.set('ids', '2401.00021');
  assert.equal((await alice.upload(`/library/${id}/import`, noToken)).status, 403);
});

test('API with a token: list collections, list papers, save and unsave; OpenAPI names them', async () => {
  const csrf = await bob.csrf('/users/bob');
  const page = await (await bob.post('/settings/tokens', { csrf, name: 'lib' })).text();
  const token = /<code class="token">(pb_[A-Za-z0-9_-]+)<\/code>/.exec(page)![1]!;
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${t.url}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        ...(init.headers ?? {}),
      },
    });
  assert.equal((await fetch(`${t.url}/api/library/collections`)).status, 401);
  const saved = await api('/api/library/save', {
    method: 'POST',
    body: JSON.stringify({ paper: 'https://arxiv.org/abs/2401.00021' }),
  });
  assert.equal(saved.status, 200);
  const s = (await saved.json()) as { paper: string; saved: boolean; added: boolean; collection: number };
  assert.deepEqual([s.paper, s.saved, s.added], ['2401.00021', true, true]);
  const cols = (await (await api('/api/library/collections')).json()) as {
    id: number;
    name: string;
    paperCount: number;
  }[];
  assert.deepEqual(
    cols.map((c) => [c.name, c.paperCount]),
    [['Saved', 1]],
  );
  const papers = (await (await api(`/api/library/collections/${cols[0]!.id}/papers`)).json()) as {
    total: number;
    papers: { paper: { id: string } }[];
  };
  assert.equal(papers.total, 1);
  assert.equal(papers.papers[0]!.paper.id, '2401.00021');
  const aliceSecret = (await t.store.library.collections(await aliceId())).find((c) => c.name === 'Secret')!;
  assert.equal((await api(`/api/library/collections/${aliceSecret.id}/papers`)).status, 404);
  const un = await api('/api/library/unsave', {
    method: 'POST',
    body: JSON.stringify({ paper: '2401.00021' }),
  });
  assert.deepEqual(await un.json(), { paper: '2401.00021', saved: false, removedFrom: 1 });
  const doc = (await (await fetch(`${t.url}/api/openapi.json`)).json()) as { paths: Record<string, unknown> };
  for (const p of [
    '/api/library/collections',
    '/api/library/collections/{id}/papers',
    '/api/library/save',
    '/api/library/unsave',
  ])
    assert.ok(doc.paths[p], p);
});

test('privacy: the data export holds every collection and saved paper, for its owner only (deletion: test/contract/library.contract.ts)', async () => {
  const r = await alice.get('/library/export.json');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-disposition') ?? '', /attachment/);
  const data = (await r.json()) as {
    account: string;
    collections: { name: string; papers: { arxivId: string }[] }[];
  };
  assert.equal(data.account, 'alice');
  const names = data.collections.map((c) => c.name);
  for (const n of ['Saved', 'Secret', HOSTILE, 'Imported', 'From bib', 'Big'])
    assert.ok(names.includes(n), n);
  assert.ok(
    data.collections.find((c) => c.name === 'Secret')!.papers.some((p) => p.arxivId === '2401.00020'),
  );
  assert.equal((await new WebClient(t.url).get('/library/export.json')).status, 401);
});
