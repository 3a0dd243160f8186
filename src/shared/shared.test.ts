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
