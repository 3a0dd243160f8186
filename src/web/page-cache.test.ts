import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CachedPage, PageCache } from './page-cache.ts';

const page = (body: string, status = 200): CachedPage => ({
  status,
  type: 'text/html',
  body: Buffer.from(body),
});

test('entries expire after the TTL; invalidate drops everything; 0 disables', async () => {
  let now = 1000;
  const c = new PageCache(5000, 10, () => now);
  c.set('/', page('a'));
  now += 4999;
  assert.equal(c.get('/')?.body.toString(), 'a');
  now += 1;
  assert.equal(c.get('/'), undefined);
  c.set('/', page('b'));
  c.invalidate();
  assert.equal(c.get('/'), undefined);
  const off = new PageCache(0);
  off.set('/', page('x'));
  assert.equal(off.get('/'), undefined);
});

test('concurrent misses share one render; errors and non-200 answers are not stored', async () => {
  const c = new PageCache(5000);
  let renders = 0;
  const render = async () => {
    renders++;
    await new Promise((r) => setTimeout(r, 10));
    return page('rendered');
  };
  const all = await Promise.all(Array.from({ length: 32 }, () => c.getOrRender('/', render)));
  assert.equal(renders, 1);
  assert.ok(all.every((p) => p.body.toString() === 'rendered'));
  assert.equal((await c.getOrRender('/', render)).body.toString(), 'rendered');
  assert.equal(renders, 1, 'served from the cache');
  await c.getOrRender('/404', async () => page('missing', 404));
  assert.equal(c.get('/404'), undefined);
  await assert.rejects(c.getOrRender('/boom', async () => Promise.reject(new Error('boom'))));
  assert.equal(c.get('/boom'), undefined);
});

test('a render that began before an invalidate() is not stored', async () => {
  const c = new PageCache(5000);
  let release!: () => void;
  const slow = c.getOrRender('/', () => new Promise<CachedPage>((r) => (release = () => r(page('stale')))));
  c.invalidate();
  release();
  assert.equal((await slow).body.toString(), 'stale');
  assert.equal(c.get('/'), undefined);
});

test('the oldest entry goes when full', () => {
  const c = new PageCache(5000, 2);
  c.set('a', page('a'));
  c.set('b', page('b'));
  c.set('c', page('c'));
  assert.equal(c.get('a'), undefined);
  assert.ok(c.get('b') && c.get('c'));
});
