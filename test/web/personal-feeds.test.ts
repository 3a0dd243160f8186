/**
 * Personal feeds (issue 14 item 5) through the real app on SQLite, with the shared page cache on:
 * /settings/feeds lists For you, each followed search and each collection (private too) as
 * private URLs; each URL opens its own feed and nothing else; a wrong, absent, swapped or stale
 * key is a 404; "new links" and a password reset end every URL; answers are private, never shared.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startApp, type TestApp } from '../support/app.ts';
import { makePaper } from '../support/papers.ts';
import { OTHER_STRONG_PASSWORD } from '../support/passwords.ts';
import { lastMail, linkIn, signUpAndLogIn, WebClient } from '../support/web-client.ts';

let t: TestApp;
let alice: WebClient;
let bob: WebClient;
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();

before(async () => {
  t = await startApp({ config: { pageCacheMs: 60_000 } });
  await t.store.papers.upsertMany([
    makePaper({
      arxivId: '2402.00001',
      title: 'Denoising diffusion for images',
      abstract: 'Diffusion models generate images.',
      categories: ['cs.CV'],
      submittedAt: ago(1),
    }),
    makePaper({
      arxivId: '2402.00002',
      title: 'Protein folding with transformers',
      abstract: 'Proteins fold.',
      categories: ['q-bio.BM'],
      submittedAt: ago(2),
    }),
    makePaper({
      arxivId: '2402.00003',
      title: 'Diffusion policies for robots',
      abstract: 'Robots learn with diffusion.',
      categories: ['cs.RO'],
      submittedAt: ago(3),
    }),
  ]);
  alice = await signUpAndLogIn(t.url, t.dataDir, 'alice');
  bob = await signUpAndLogIn(t.url, t.dataDir, 'bob');
  await alice.submit('/library', '/library/save', { paper: '2402.00002' });
  await alice.submit('/library', '/library', { name: 'Private <b>reading</b>' });
  await alice.submit('/following', '/following', { kind: 'search', value: 'diffusion' });
  await bob.submit('/library', '/library', { name: 'Bob only' });
});
after(() => t.close());

/** The feed URLs on /settings/feeds, by title, as path+query (RSS) plus the Atom and JSON links. */
async function feeds(c: WebClient): Promise<Map<string, string>> {
  const page = await c.text('/settings/feeds');
  const out = new Map<string, string>();
  for (const m of page.matchAll(
    /<strong>([^<]*)<\/strong><br><label>RSS <input type="text" readonly value="([^"]+)"/g,
  )) {
    const u = new URL(m[2]!.replaceAll('&amp;', '&'));
    out.set(m[1]!, u.pathname + u.search);
  }
  return out;
}
const anon = (p: string) => fetch(t.url + p, { redirect: 'manual' });

test('/settings/feeds lists For you, each followed search and each collection; each URL serves its feed, privately', async () => {
  assert.equal((await anon('/settings/feeds')).status, 303, 'signed out: log in first');
  const f = await feeds(alice);
  const titles = [...f.keys()];
  assert.deepEqual(titles.slice(0, 2), ['For you', 'Search: diffusion']);
  assert.ok(titles.includes('Collection: Saved (private)'), titles.join(' | '));
  assert.ok(
    titles.some((x) => x.startsWith('Collection: Private &lt;b&gt;reading')),
    'names are escaped',
  );
  for (const [title, url] of f) {
    assert.match(
      url,
      /^\/feeds\/\d+\/(for-you|search\/\d+|collection\/\d+)\.rss\?key=[A-Za-z0-9_-]{32}$/,
      title,
    );
    const r = await anon(url);
    assert.equal(r.status, 200, title);
    assert.equal(r.headers.get('content-type'), 'application/rss+xml; charset=utf-8');
    assert.match(r.headers.get('cache-control') ?? '', /^private/);
    assert.match(await r.text(), /^<\?xml version="1.0" encoding="utf-8"\?>\n<rss version="2.0"/);
  }
  const forYou = await (await anon(f.get('For you')!)).text();
  assert.match(forYou, /<item>/);
  assert.match(forYou, /Why: /, 'each item says why');
  const search = await (await anon(f.get('Search: diffusion')!)).text();
  const ids = [...search.matchAll(/<link>[^<]*\/papers\/([^<]+)<\/link>/g)].map((m) => m[1]);
  assert.deepEqual(ids, ['2402.00001', '2402.00003'], 'newest first, matching papers only');
  const saved = await (await anon(f.get('Collection: Saved (private)')!)).text();
  assert.match(saved, /Protein folding with transformers/);
  // Atom and JSON of the same feed open with the same key.
  const atom = await anon(f.get('For you')!.replace('.rss?', '.atom?'));
  assert.equal(atom.status, 200);
  assert.match(await atom.text(), /<feed xmlns="http:\/\/www.w3.org\/2005\/Atom">/);
  const json = await anon(f.get('For you')!.replace('.rss?', '.json?'));
  assert.equal(json.status, 200);
  const feed = (await json.json()) as { version: string; items: unknown[] };
  assert.equal(feed.version, 'https://jsonfeed.org/version/1.1', 'a JSON Feed (issue 16 item 6)');
  assert.ok(Array.isArray(feed.items));
});

test('a URL opens its own feed only: wrong, missing, swapped or borrowed keys are 404, like an unknown feed', async () => {
  const f = await feeds(alice);
  const forYou = f.get('For you')!;
  const saved = f.get('Collection: Saved (private)')!;
  const key = (u: string) => new URL(u, 'http://x').searchParams.get('key')!;
  const path = (u: string) => new URL(u, 'http://x').pathname;
  const bobs = await feeds(bob);
  const bobCollection = path(bobs.get('Collection: Bob only (private)')!);
  const aliceId = path(forYou).split('/')[2]!;
  const bobId = path(bobCollection).split('/')[2]!;
  const unknown = [
    `${path(forYou)}`, // no key
    `${path(forYou)}?key=${'A'.repeat(32)}`, // wrong key
    `${path(forYou)}?key=${key(saved)}`, // another feed's key
    `${path(saved)}?key=${key(forYou)}`,
    `${path(forYou).replace(`/${aliceId}/`, `/${bobId}/`)}?key=${key(forYou)}`, // another account
    `${bobCollection.replace(`/${bobId}/`, `/${aliceId}/`)}?key=${key(saved)}`, // bob's collection under alice
    `/feeds/${aliceId}/collection/999999.rss?key=${key(saved)}`,
    `/feeds/${aliceId}/for-you?key=${key(forYou)}`, // no format
    `/feeds/${aliceId}/settings.rss?key=${key(forYou)}`,
  ];
  const bodies = new Set<string>();
  for (const u of unknown) {
    const r = await anon(u);
    assert.equal(r.status, 404, u);
    bodies.add(await r.text());
  }
  assert.equal(bodies.size, 1, 'every refusal reads the same');
  // A feed key is no session: the pages stay closed.
  const page = await anon(`/for-you?key=${key(forYou)}`);
  assert.equal(page.status, 303);
});

test('feeds are never served from the shared page cache: a change shows on the next read', async () => {
  const f = await feeds(alice);
  const saved = f.get('Collection: Saved (private)')!;
  assert.doesNotMatch(await (await anon(saved)).text(), /Diffusion policies for robots/);
  await alice.submit('/library', '/library/save', { paper: '2402.00003' });
  assert.match(await (await anon(saved)).text(), /Diffusion policies for robots/);
});

test('"new links" ends every old URL; the new ones work', async () => {
  const before = await feeds(alice);
  const csrf = await alice.csrf('/settings/feeds');
  const r = await alice.post('/settings/feeds/renew', { csrf });
  assert.equal(r.status, 200);
  assert.match(await r.text(), /every link you had before has stopped working/);
  const afterRenew = await feeds(alice);
  for (const [title, url] of before) {
    assert.equal((await anon(url)).status, 404, `old ${title}`);
    assert.notEqual(afterRenew.get(title), url);
    assert.equal((await anon(afterRenew.get(title)!)).status, 200, `new ${title}`);
  }
  // Without the form token nothing changes.
  assert.equal((await alice.post('/settings/feeds/renew', {})).status, 403);
  assert.equal((await anon(afterRenew.get('For you')!)).status, 200);
});

test('a password reset ends every feed URL', async () => {
  const carol = await signUpAndLogIn(t.url, t.dataDir, 'carol');
  const old = (await feeds(carol)).get('For you')!;
  assert.equal((await anon(old)).status, 200);
  const c = new WebClient(t.url);
  await c.submit('/reset-password', '/reset-password', { email: 'carol@example.org' });
  const link = linkIn((await lastMail(t.dataDir, 'carol@example.org')).text, 'reset');
  const token = new URL(link, 'http://x').searchParams.get('token')!;
  const done = await c.submit(link, '/reset', { token, password: OTHER_STRONG_PASSWORD });
  assert.equal(done.status, 200);
  assert.match(await done.text(), /personal feed links no longer work/);
  assert.equal((await anon(old)).status, 404);
});
