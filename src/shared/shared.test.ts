import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mulberry32 } from './prng.ts';
import { sleep } from './sleep.ts';

test('sleep resolves after the wait', async () => {
  await sleep(1);
});

// Before issue 13 the digest's sleep resolved on abort while the HTTP client's rejected.
test('sleep rejects with the reason when aborted before or during the wait', async () => {
  const reason = new Error('stop');
  await assert.rejects(sleep(10, AbortSignal.abort(reason)), (e) => e === reason);
  const ac = new AbortController();
  const waiting = sleep(60_000, ac.signal);
  ac.abort(reason);
  await assert.rejects(waiting, (e) => e === reason);
});

test('the PRNG is mulberry32: a seed gives the same sequence everywhere (models, demo, bench corpus)', () => {
  const r = mulberry32(42);
  assert.deepEqual([r(), r(), r()], [0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
});

// One escaper per output type: HTML (site pages and mail alike) through shared/html.ts's tag,
// XML (feeds) through web/feeds.ts. Before issue 13 the digest mail escaped HTML by hand.
test('only shared/html.ts and web/feeds.ts spell out entity escapes', async () => {
  const { readdir, readFile } = await import('node:fs/promises');
  const src = new URL('..', import.meta.url);
  const files = (await readdir(src, { recursive: true })).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
  );
  const escaping: string[] = [];
  for (const f of files) if ((await readFile(new URL(f, src), 'utf8')).includes("'&amp;'")) escaping.push(f);
  assert.deepEqual(escaping.sort(), ['shared/html.ts', 'web/feeds.ts']);
});
