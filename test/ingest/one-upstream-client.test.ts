/**
 * One upstream client per process (issue 13): the bootstrap harvest and a community submission,
 * started together in one app, reach the upstream at least `upstreamIntervalMs` apart, as
 * measured by the fixture server's own request log.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fakePapers } from '../fixtures/upstream/fake-papers.ts';
import { startApp, type TestApp } from '../support/app.ts';
import { arxivApiEmulator, type FixtureServer, startFixtureServer } from '../support/fixture-server.ts';
import { signUpAndLogIn, type WebClient } from '../support/web-client.ts';

const INTERVAL_MS = 400;
let t: TestApp;
let upstream: FixtureServer;
let alice: WebClient;

before(async () => {
  upstream = await startFixtureServer({
    '/api/query': arxivApiEmulator({ papers: fakePapers(3, { idPrefix: '2405' }) }),
  });
  t = await startApp({
    config: {
      pageCacheMs: 0,
      arxivApiUrl: `${upstream.url}/api/query`,
      upstreamIntervalMs: INTERVAL_MS,
      upstreamRetries: 0,
    },
  });
  alice = await signUpAndLogIn(t.url, t.dataDir, 'alice');
  // A followed category gives the bootstrap something to fetch; the app reads its config live.
  t.config.rssCategories = ['math.CO']; // none of the emulator's papers: the submission must fetch its own
});
after(async () => {
  await t.close();
  await upstream.close();
});

test('bootstrap harvest and a submission share one client: requests are upstreamIntervalMs apart', async () => {
  const csrf = await alice.csrf('/submit');
  assert.equal(upstream.requests.length, 0);
  const [, submitted] = await Promise.all([
    t.app.bootstrap.start(),
    alice.post('/submit', { csrf, paper: '2405.00001' }),
  ]);
  assert.equal(submitted.status, 200);
  assert.match(await submitted.text(), /fetched from arXiv just now/);
  const log = upstream.requests.toSorted((a, b) => a.at - b.at);
  assert.ok(
    log.some((r) => r.query.id_list) && log.some((r) => r.query.search_query),
    'both the submission and the bootstrap reached the upstream',
  );
  for (let i = 1; i < log.length; i++) {
    const gap = log[i]!.at - log[i - 1]!.at;
    assert.ok(gap >= INTERVAL_MS, `requests ${i - 1} and ${i} were ${gap.toFixed(1)} ms apart`);
  }
});
