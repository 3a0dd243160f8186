/**
 * Issue 16 item 18: text answers are brotli/gzip-encoded when the client accepts it, once per
 * cached page; lists and feeds carry an ETag and answer a matching If-None-Match with 304.
 * Raw bytes through app.inject (fetch would decode them for us).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { startApp, type TestApp } from '../support/app.ts';
import { makePaper } from '../support/papers.ts';

let t: TestApp;

before(async () => {
  t = await startApp({ config: { pageCacheMs: 60_000 } });
  await t.store.papers.upsertMany(
    Array.from({ length: 12 }, (_, i) =>
      makePaper({ arxivId: `2403.${String(100 + i).padStart(5, '0')}`, title: `Compressible paper ${i}` }),
    ),
  );
  for (let i = 0; i < 12; i++)
    await t.store.papers.feature({
      arxivId: `2403.${String(100 + i).padStart(5, '0')}`,
      day: '2024-03-04',
      source: 'import',
      submittedBy: null,
      importedUpvotes: i,
    });
});
after(() => t.close());

const get = (url: string, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'GET', url, headers });
const csrfCookie = async () => {
  const set = (await get('/')).headers['set-cookie'];
  return String(Array.isArray(set) ? set[0] : set).split(';')[0]!;
};
const decode = (enc: string | undefined, body: Buffer) =>
  enc === 'br' ? brotliDecompressSync(body) : enc === 'gzip' ? gunzipSync(body) : body;

test('issue 16 item 18: HTML, feeds, JSON and CSS are brotli or gzip encoded as the client asks', async () => {
  // The reader's form token (in the home page's subscribe form) comes from this cookie.
  const cookie = await csrfCookie();
  for (const url of [
    '/',
    '/papers.rss?date=2024-03-04',
    '/trending.json',
    '/api/daily_papers?date=2024-03-04',
    '/static/app.css',
  ]) {
    const plain = await get(url, { cookie });
    assert.equal(plain.statusCode, 200, url);
    assert.equal(plain.headers['content-encoding'], undefined, `${url}: nothing asked, nothing encoded`);
    assert.match(String(plain.headers.vary), /Accept-Encoding/, url);
    for (const [accept, want] of [
      ['gzip, deflate, br', 'br'],
      ['gzip', 'gzip'],
      ['br;q=0, gzip;q=0.5', 'gzip'],
      ['identity', undefined],
    ] as const) {
      const r = await get(url, { cookie, 'accept-encoding': accept });
      assert.equal(r.headers['content-encoding'], want, `${url} with ${accept}`);
      assert.equal(
        decode(want, r.rawPayload).toString(),
        plain.body,
        `${url} with ${accept}: same bytes decoded`,
      );
      if (want)
        assert.ok(r.rawPayload.length < plain.rawPayload.length / 2, `${url}: ${r.rawPayload.length} bytes`);
    }
  }
});

test('issue 16 item 18: lists and feeds carry an ETag; If-None-Match answers 304 with no body', async () => {
  const cookie = await csrfCookie();
  for (const url of [
    '/papers?date=2024-03-04',
    '/papers.rss',
    '/trending',
    '/trending.atom',
    '/categories/cs.LG.json',
  ]) {
    const first = await get(url, { cookie, 'accept-encoding': 'br' });
    const tag = first.headers.etag;
    assert.ok(typeof tag === 'string' && /^W\/"[\w-]+"$/.test(tag), `${url}: ${tag}`);
    assert.match(String(first.headers['cache-control']), /no-cache|max-age/, url);
    const again = await get(url, { cookie, 'accept-encoding': 'br', 'if-none-match': tag });
    assert.equal(again.statusCode, 304, url);
    assert.equal(again.rawPayload.length, 0, url);
    assert.equal(again.headers.etag, tag);
    const other = await get(url, { cookie, 'if-none-match': 'W/"something-else"' });
    assert.equal(other.statusCode, 200, url);
    assert.equal(other.headers.etag, tag, 'the same tag for every encoding of the same bytes');
  }
  // A reader's form token is in the page, so a new token is a new tag (the old copy would fail CSRF).
  const mine = await csrfCookie();
  const a = await get('/', { cookie: mine });
  assert.equal((await get('/', { cookie: mine, 'if-none-match': String(a.headers.etag) })).statusCode, 304);
  const b = await get('/', { cookie: await csrfCookie() });
  assert.notEqual(a.headers.etag, b.headers.etag);
});
