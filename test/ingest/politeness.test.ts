/**
 * Done-when (issue 3): the fixture server's request log shows the configured minimum interval
 * between requests and the Retry-After waits honoured (503 and 429), on the server's own clock.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OaiSource } from '../../src/ingest/sources/oai.ts';
import { fakePapers } from '../fixtures/upstream/fake-papers.ts';
import { oaiEmulator } from '../support/fixture-server.ts';
import { harness } from './harness.ts';

const INTERVAL = 200;

test('request log: ≥ 200 ms between all requests, ≥ Retry-After after a 503 and a 429; User-Agent sent', async () => {
  const emu = oaiEmulator({ papers: fakePapers(50), pageSize: 10 });
  let n = 0;
  const h = await harness(
    {
      '/oai': (req, url) => {
        n++;
        if (n === 2) return { status: 503, headers: { 'Retry-After': '1' }, body: 'busy' };
        if (n === 5) return { status: 429, headers: { 'Retry-After': '2' }, body: 'slow down' };
        return emu(req, url);
      },
    },
    { intervalMs: INTERVAL },
  );
  try {
    const r = await h.run(new OaiSource({ baseUrl: `${h.server.url}/oai` }));
    assert.equal(r.status, 'ok', r.message);
    assert.equal(await h.store.papers.count(), 50);
    const log = h.server.requests;
    assert.equal(log.length, 7, '5 pages + 2 refused attempts');
    const gaps = log.slice(1).map((q, i) => q.at - log[i]!.at);
    for (const [i, gap] of gaps.entries())
      assert.ok(gap >= INTERVAL, `gap ${i + 1} was ${gap.toFixed(1)} ms`);
    assert.ok(
      gaps[1]! >= 1000,
      `after 503 Retry-After: 1 the next request came ${gaps[1]!.toFixed(0)} ms later`,
    );
    assert.ok(
      gaps[4]! >= 2000,
      `after 429 Retry-After: 2 the next request came ${gaps[4]!.toFixed(0)} ms later`,
    );
    for (const q of log)
      assert.match(String(q.headers['user-agent']), /^paperboy-test\/1\.0 \(tests@example\.org\)$/);
    // The waits are in the run record, so an operator sees why the run took longer.
    assert.ok(r.errors.some((e) => /HTTP 503 \(Retry-After 1 s\); retrying in 1 s/.test(e.reason)));
    assert.ok(r.errors.some((e) => /HTTP 429 \(Retry-After 2 s\); retrying in 2 s/.test(e.reason)));
  } finally {
    await h.close();
  }
});
