/**
 * Issue 12, item 1 (overload protection): when the event loop has been stalled past the threshold,
 * requests are answered at once with 503 + Retry-After in the site's formats, and /health says so.
 * The stall is real: this test blocks the (shared, in-process) event loop synchronously.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { loadStatus } from '../../src/web/overload.ts';
import { startApp, type TestApp } from '../support/app.ts';

let t: TestApp;
before(async () => {
  t = await startApp({
    config: { overloadMaxEventLoopDelayMs: 30, overloadSampleIntervalMs: 300, overloadRetryAfterSeconds: 7 },
  });
});
after(() => t.close());

function blockEventLoop(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // Busy on purpose: the stall under-pressure must notice.
  }
}

/** /health until it answers `status` (startup work itself stalls the loop past this low threshold). */
async function healthUntil(status: number, withinMs = 5000): Promise<Response> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    const res = await fetch(`${t.url}/health`);
    if (res.status === status || Date.now() > deadline) return res;
    await res.arrayBuffer();
  }
}

test('quiet: pages and /health answer normally, /health reports the load', async () => {
  // On a busy test machine a sample may still catch some startup work: settle first.
  let page = 0;
  for (let i = 0; i < 10 && page !== 200; i++) {
    await (await healthUntil(200)).arrayBuffer();
    page = (await fetch(`${t.url}/`)).status;
  }
  assert.equal(page, 200);
  const health = await healthUntil(200);
  assert.equal(health.status, 200);
  assert.equal(((await health.json()) as { status: string }).status, 'ok');
});

test('after a stall past the threshold: 503 + Retry-After, as a page, as API JSON, and on /health', async () => {
  // The next one or two samples (300 ms apart) see the stall, for one sample; /health says when.
  // A busy machine may hide one stall between samples: up to three tries.
  let health = new Response(null, { status: 599 });
  for (let i = 0; i < 3 && health.status !== 503; i++) {
    await health.arrayBuffer();
    blockEventLoop(1500);
    health = await healthUntil(503, 1500);
  }
  assert.equal(health.status, 503, 'the stall was never reported');
  assert.equal(health.headers.get('retry-after'), '7');
  const h = (await health.json()) as { status: string; eventLoopDelayMs: number };
  assert.equal(h.status, 'overloaded');
  assert.ok(h.eventLoopDelayMs > 30, String(h.eventLoopDelayMs));

  const [page, api] = await Promise.all([fetch(`${t.url}/`), fetch(`${t.url}/api/daily_papers`)]);
  assert.equal(page.status, 503);
  assert.equal(page.headers.get('retry-after'), '7');
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  assert.match(await page.text(), /overloaded right now; try again in 7 seconds/);
  assert.equal(api.status, 503);
  assert.equal(api.headers.get('retry-after'), '7');
  assert.deepEqual(await api.json(), {
    error: 'The server is overloaded right now; try again in 7 seconds.',
    status: 503,
  });
});

test('a loop blocked for a whole sample interval is reported as at least that interval, not null', () => {
  const app = {
    memoryUsage: () => ({ eventLoopDelay: Number.POSITIVE_INFINITY, heapUsed: 0 }),
    isUnderPressure: () => true,
  } as unknown as Parameters<typeof loadStatus>[0];
  const status = loadStatus(app, t.config);
  assert.equal(status.eventLoopDelayMs, t.config.overloadSampleIntervalMs);
  assert.equal(JSON.parse(JSON.stringify(status)).eventLoopDelayMs, 300);
});
