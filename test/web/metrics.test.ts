/**
 * Issue 18 item 6: `GET /metrics` (Prometheus text, prom-client). Scrapes a real app after real
 * requests, a scheduler run, a snapshot import and a digest run on the app's own store; checks the
 * access rule (metricsToken, else only this machine) and that no address or id becomes a label.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { createMailer } from '../../src/digest/mailer.ts';
import { slotOn } from '../../src/digest/period.ts';
import { runDigest } from '../../src/digest/run.ts';
import { HttpClient } from '../../src/ingest/http.ts';
import { runIngest } from '../../src/ingest/runner.ts';
import { importSnapshot } from '../../src/ingest/snapshot/import.ts';
import { OaiSource } from '../../src/ingest/sources/oai.ts';
import { Scheduler } from '../../src/jobs/scheduler.ts';
import { addConfirmed, pgStore, SLOT_DAY, SLOT_MS, seedPapers } from '../digest/helpers.ts';
import { fakePapers } from '../fixtures/upstream/fake-papers.ts';
import { startApp, type TestApp } from '../support/app.ts';
import { oaiEmulator, startFixtureServer } from '../support/fixture-server.ts';
import { freePort } from '../support/serve.ts';
import { snapshotRecord } from '../support/snapshot.ts';

let app: TestApp;
before(async () => {
  app = await startApp();
});
after(() => app.close());

const scrape = async (a: TestApp = app, headers: Record<string, string> = {}) => {
  const res = await fetch(`${a.url}/metrics`, { headers });
  assert.equal(res.status, 200, await res.clone().text());
  assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return res.text();
};

/** The value of one sample, by metric name and exact label set as printed. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries(labels);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const m = /^[^{]+\{(.*)\} (\S+)$/.exec(line);
    if (!m) continue;
    const got = Object.fromEntries([...m[1]!.matchAll(/(\w+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.keys(got).length === want.length && want.every(([k, v]) => got[k] === v)) return Number(m[2]);
  }
  return undefined;
}

test('requests are counted by route pattern and status with latency buckets; addresses never become labels', async () => {
  await seedPapers(app.store, 3);
  for (const p of ['/', '/', '/papers/2401.99999', '/no/such/page-1234567', '/search?q=zebrafishsecret'])
    await (await fetch(`${app.url}${p}`)).arrayBuffer();
  const text = await scrape();
  assert.equal(
    sample(text, 'paperboy_http_request_duration_seconds_count', {
      route: '/',
      method: 'GET',
      status: '200',
    }),
    2,
  );
  assert.equal(
    sample(text, 'paperboy_http_request_duration_seconds_count', {
      route: '/papers/*',
      method: 'GET',
      status: '404',
    }),
    1,
  );
  assert.equal(
    sample(text, 'paperboy_http_request_duration_seconds_count', {
      route: '(unmatched)',
      method: 'GET',
      status: '404',
    }),
    1,
  );
  assert.equal(
    sample(text, 'paperboy_http_request_duration_seconds_bucket', {
      le: '+Inf',
      route: '/',
      method: 'GET',
      status: '200',
    }),
    2,
  );
  assert.match(text, /# TYPE paperboy_http_request_duration_seconds histogram/);
  // The search was timed by the mode that answered (keyword: no vectors in this store).
  assert.equal(sample(text, 'paperboy_search_duration_seconds_count', { mode: 'keyword' }), 1);
  for (const raw of ['2401.99999', 'page-1234567', 'zebrafishsecret'])
    assert.ok(!text.includes(raw), `${raw} (from a requested address) is in the metrics`);
  // SQLite has no pool; process figures come with the first scrape.
  assert.ok(!text.includes('paperboy_db_pool_connections'));
  assert.match(await scrape(), /process_resident_memory_bytes/);
});

test('job runs, ingest counts and digest sends on this app’s store are counted', async () => {
  const jobs = [
    { name: 'works', at: '06:00', timeZone: 'UTC', run: async () => 'done' },
    {
      name: 'breaks',
      at: '06:00',
      timeZone: 'UTC',
      run: async () => {
        throw new Error('upstream said no');
      },
    },
  ];
  const scheduler = new Scheduler({
    store: app.store,
    config: app.config,
    jobs,
    now: () => new Date(SLOT_MS + 30 * 60_000),
  });
  assert.deepEqual(await scheduler.runDue(), ['works', 'breaks']);
  await scheduler.stop();

  const file = path.join(app.dataDir, 'snap.jsonl');
  writeFileSync(
    file,
    `${['0704.0001', '0704.0002'].map((id) => JSON.stringify(snapshotRecord(id))).join('\n')}\n`,
  );
  await importSnapshot(app.store, file);

  await addConfirmed(app.store, 'metrics@example.org');
  const mailer = createMailer(app.config);
  await runDigest(app.store, app.config, {
    slot: slotOn(SLOT_DAY, '06:00', 'UTC'),
    trigger: 'cli',
    mailer,
    now: () => SLOT_MS + 60_000,
  });
  await mailer.close();

  const text = await scrape();
  assert.equal(sample(text, 'paperboy_job_runs_total', { job: 'works', outcome: 'ok' }), 1);
  assert.equal(sample(text, 'paperboy_job_runs_total', { job: 'breaks', outcome: 'failed' }), 1);
  assert.equal(sample(text, 'paperboy_job_duration_seconds_count', { job: 'works' }), 1);
  assert.equal(sample(text, 'paperboy_ingest_runs_total', { source: 'snapshot', status: 'ok' }), 1);
  assert.equal(sample(text, 'paperboy_ingest_papers_total', { source: 'snapshot', outcome: 'inserted' }), 2);
  assert.equal(sample(text, 'paperboy_digest_send_results_total', { result: 'sent' }), 1);
  assert.equal(sample(text, 'paperboy_digest_outbox_depth', {}), undefined, 'printed without labels');
  assert.match(text, /^paperboy_digest_outbox_depth 0$/m);

  // Another app's store is another scope: its events are not counted here.
  const other = await startApp();
  try {
    await importSnapshot(other.store, file);
    const mine = await scrape();
    assert.equal(sample(mine, 'paperboy_ingest_runs_total', { source: 'snapshot', status: 'ok' }), 1);
    assert.equal(
      sample(await scrape(other), 'paperboy_ingest_runs_total', { source: 'snapshot', status: 'ok' }),
      1,
    );
  } finally {
    await other.close();
  }
});

test('a digest the mail server refused is counted as waiting in the outbox', async () => {
  const port = await freePort(); // nothing listens: connection refused, the row waits for a retry
  const refused = await startApp({ config: { smtpUrl: `smtp://127.0.0.1:${port}`, smtpTimeoutMs: 1000 } });
  try {
    await seedPapers(refused.store, 3);
    await addConfirmed(refused.store, 'later@example.org');
    const mailer = createMailer(refused.config);
    await runDigest(refused.store, refused.config, {
      slot: slotOn(SLOT_DAY, '06:00', 'UTC'),
      trigger: 'cli',
      mailer,
      now: () => SLOT_MS + 60_000,
    });
    await mailer.close();
    const text = await scrape(refused);
    assert.match(text, /^paperboy_digest_outbox_depth 1$/m);
    assert.equal(sample(text, 'paperboy_digest_send_results_total', { result: 'sent' }), undefined);
    assert.equal(sample(text, 'paperboy_digest_send_results_total', { result: 'retried' }), 1);
  } finally {
    await refused.close();
  }
});

test('a harvest through the ingest runner counts its run and the papers it inserted and updated', async () => {
  const papers = fakePapers(4);
  const server = await startFixtureServer({ '/oai': oaiEmulator({ papers }) });
  const http = new HttpClient({
    userAgent: 'paperboy-test/1.0 (tests@example.org)',
    intervalMs: 0,
    timeoutMs: 2_000,
    allowedBases: [server.url],
  });
  try {
    const source = () => new OaiSource({ baseUrl: `${server.url}/oai` });
    assert.equal((await runIngest(source(), { store: app.store, http })).status, 'ok');
    assert.equal((await runIngest(source(), { store: app.store, http })).status, 'ok'); // nothing new
  } finally {
    await server.close();
  }
  const text = await scrape();
  assert.equal(sample(text, 'paperboy_ingest_runs_total', { source: 'oai', status: 'ok' }), 2);
  assert.equal(sample(text, 'paperboy_ingest_papers_total', { source: 'oai', outcome: 'inserted' }), 4);
  assert.equal(sample(text, 'paperboy_ingest_papers_total', { source: 'oai', outcome: 'updated' }), 0);
});

test('without metricsToken /metrics answers only this machine; with it, only the bearer of the token', async () => {
  const remote = await app.app.inject({ url: '/metrics', remoteAddress: '203.0.113.9' });
  assert.equal(remote.statusCode, 403);
  // Through a reverse proxy on this machine: loopback peer, but forwarded.
  const proxied = await fetch(`${app.url}/metrics`, { headers: { 'X-Forwarded-For': '203.0.113.9' } });
  assert.equal(proxied.status, 403);
  assert.ok(!(await proxied.text()).includes('paperboy_'));

  const token = 'scrape-me-7f3a9c1e5b';
  const guarded = await startApp({ config: { metricsToken: token } });
  try {
    assert.equal((await fetch(`${guarded.url}/metrics`)).status, 401);
    const wrong = await fetch(`${guarded.url}/metrics`, {
      headers: { Authorization: 'Bearer scrape-me-wrong' },
    });
    assert.equal(wrong.status, 401);
    assert.ok(!(await wrong.text()).includes('paperboy_http'));
    const fromAfar = await guarded.app.inject({
      url: '/metrics',
      remoteAddress: '203.0.113.9',
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(fromAfar.statusCode, 200);
    assert.match(fromAfar.body, /paperboy_http_request_duration_seconds/);
  } finally {
    await guarded.close();
  }
});

test('PostgreSQL mode reports the pool (open, idle, waiting)', async () => {
  const { store, drop } = await pgStore();
  const pgApp = await startApp({ store });
  try {
    await (await fetch(`${pgApp.url}/`)).arrayBuffer();
    const text = await scrape(pgApp);
    assert.ok((sample(text, 'paperboy_db_pool_connections', { state: 'total' }) ?? 0) >= 1, text);
    assert.equal(typeof sample(text, 'paperboy_db_pool_connections', { state: 'idle' }), 'number');
    assert.equal(typeof sample(text, 'paperboy_db_pool_connections', { state: 'waiting' }), 'number');
  } finally {
    await pgApp.close();
    await drop();
  }
});
