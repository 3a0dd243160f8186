/**
 * Issue 18 items 3 and 4, with real processes: `paperboy serve` on a PostgreSQL cluster of this
 * test's own (failures.pg.ts), which it stops and starts.
 * - Database stopped for ~15 s: every request is answered 503 + Retry-After at once, `/health` and
 *   `/ready` say what is wrong in JSON; started again: pages answer 200, same process.
 * - `serve` started while the database is down says it is retrying, and serves once it is up.
 * - SIGTERM with a keep-alive client mid-request (a request waiting on a table lock; on SQLite a
 *   request whose body is still arriving): the request is answered and the process exits within
 *   10 s (it took 72–82 s: the connection went back to keep-alive after its answer).
 * - A statement stuck behind a lock is cancelled at databaseStatementTimeoutMs: 503, not a hang.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import pg from 'pg';
import { freePort, serveEnv } from '../support/serve.ts';
import { OwnCluster } from './failures.pg.ts';
import { get, lockWaiters, until, untilRefused } from './probes.ts';

const MAIN = path.join(import.meta.dirname, '../../src/cli/main.ts');
/** The bound for SIGTERM → exit. */
const EXIT_WITHIN_MS = 10_000;

interface Served {
  child: ChildProcess;
  port: number;
  output(): string;
  /** Resolves (with the time) when the process has exited. */
  exited: Promise<number>;
}

/** `paperboy serve` as a child; resolves at once (callers wait for what they expect to see). */
async function spawnServe(extra: NodeJS.ProcessEnv, dataDir: string): Promise<Served> {
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN, 'serve'], {
    env: serveEnv(dataDir, port, {
      PAPERBOY_SCHEDULER: 'false',
      PAPERBOY_LOG_LEVEL: 'warn',
      PAPERBOY_PAGE_CACHE_MS: '0',
      PAPERBOY_OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0',
      ...extra,
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number>((resolve) => child.once('exit', () => resolve(Date.now())));
  return { child, port, output: () => out, exited };
}

/** Resolves when the child has written `text`; rejects if it exits first. */
function saw(s: Served, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (s.output().includes(text)) {
        s.child.stdout!.off('data', check);
        s.child.stderr!.off('data', check);
        resolve();
      }
    };
    s.child.stdout!.on('data', check);
    s.child.stderr!.on('data', check);
    void s.exited.then(() => reject(new Error(`serve exited before "${text}":\n${s.output()}`)));
    check();
  });
}

async function stop(s: Served): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return;
  s.child.kill('SIGKILL');
  await s.exited;
}

describe('PostgreSQL down, stalled, and SIGTERM (own cluster)', () => {
  let cluster: OwnCluster;
  let tmp: string;
  const children: Served[] = [];

  beforeEach(() => cluster?.start());
  before(async () => {
    cluster = await OwnCluster.create();
    tmp = mkdtempSync(path.join(tmpdir(), 'paperboy-failures-'));
  });
  after(async () => {
    for (const c of children) await stop(c);
    cluster.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  async function serveOn(extra: NodeJS.ProcessEnv = {}): Promise<Served> {
    const s = await spawnServe(
      { PAPERBOY_DATABASE_URL: cluster.url, ...extra },
      mkdtempSync(path.join(tmp, 'data-')),
    );
    children.push(s);
    return s;
  }

  test('database stopped ~15 s: 503 + Retry-After at once, /health JSON; started again: 200 without a restart', {
    timeout: 120_000,
  }, async () => {
    const s = await serveOn();
    await saw(s, 'paperboy: serving');
    assert.equal((await get(s.port, '/')).status, 200);
    const ok = JSON.parse((await get(s.port, '/health')).body);
    assert.equal(ok.status, 'ok');
    const ready = await get(s.port, '/ready');
    assert.equal(ready.status, 200, ready.body);
    assert.deepEqual(JSON.parse(ready.body).migrations.pending, []);

    cluster.stop();
    try {
      const downSince = Date.now();
      let rounds = 0;
      while (Date.now() - downSince < 15_000) {
        const page = await get(s.port, '/');
        assert.equal(page.status, 503, `a page while the database is down: ${page.body.slice(0, 300)}`);
        assert.ok(Number(page.headers['retry-after']) > 0, 'Retry-After on the page');
        assert.match(page.body, /database is not answering/);
        assert.ok(page.ms < 3000, `answered at once, not hanging (${page.ms} ms)`);
        const search = await get(s.port, '/search?q=graph+neural');
        assert.equal(search.status, 503, `a search while the database is down: ${search.body.slice(0, 300)}`);
        const health = await get(s.port, '/health');
        assert.equal(health.status, 503);
        assert.ok(Number(health.headers['retry-after']) > 0);
        const h = JSON.parse(health.body);
        assert.equal(h.status, 'down');
        assert.equal(h.database, 'postgres');
        assert.match(h.error, /ECONNREFUSED|terminat|shut/i);
        const r = await get(s.port, '/ready');
        assert.equal(r.status, 503);
        assert.equal(JSON.parse(r.body).status, 'not ready');
        rounds++;
        await new Promise((r) => setTimeout(r, 1000));
      }
      assert.ok(rounds >= 5);
      assert.equal(s.child.exitCode, null, 'serve is still running');
      assert.doesNotMatch(s.output(), /request failed/, 'no stack trace per request of the outage');
    } finally {
      cluster.start();
    }
    await until(async () => (await get(s.port, '/')).status === 200, 'pages answer 200 again', 15_000);
    assert.equal(JSON.parse((await get(s.port, '/health')).body).status, 'ok');
    assert.equal((await get(s.port, '/ready')).status, 200);
    assert.equal(s.child.exitCode, null, 'the same process, never restarted');
  });

  test('serve started while the database is down retries with backoff, then serves once it is up', {
    timeout: 120_000,
  }, async () => {
    cluster.stop();
    const s = await serveOn();
    try {
      await saw(s, 'database not reachable');
      assert.match(s.output(), /retrying in \d+s/);
      await saw(s, 'retrying in 2s'); // backing off, still running (it used to exit after 0.9 s)
    } finally {
      cluster.start();
    }
    await saw(s, 'paperboy: serving');
    assert.equal((await get(s.port, '/')).status, 200);
  });

  test('a statement stuck behind a table lock is cancelled at the statement timeout: 503, not a hang', {
    timeout: 120_000,
  }, async () => {
    const s = await serveOn({ PAPERBOY_DATABASE_STATEMENT_TIMEOUT_MS: '1000' });
    await saw(s, 'paperboy: serving');
    const locker = new pg.Client({ connectionString: cluster.url });
    locker.on('error', () => {}); // the cluster's own stop ends this session too
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE papers IN ACCESS EXCLUSIVE MODE');
      const page = await get(s.port, '/');
      assert.equal(page.status, 503, page.body.slice(0, 300));
      assert.ok(Number(page.headers['retry-after']) > 0);
      const health = await get(s.port, '/health');
      assert.equal(health.status, 503, 'the stalled database is reported, /health does not hang');
      assert.equal(JSON.parse(health.body).status, 'down');
    } finally {
      await locker.query('ROLLBACK');
      await locker.end();
    }
    assert.equal((await get(s.port, '/')).status, 200);
  });

  test('SIGTERM with a keep-alive request waiting on a lock: answered, and the process exits within 10 s', {
    timeout: 120_000,
  }, async (t) => {
    const s = await serveOn();
    await saw(s, 'paperboy: serving');
    const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
    assert.equal((await get(s.port, '/static/app.css', agent)).status, 200); // an idle keep-alive connection
    const locker = new pg.Client({ connectionString: cluster.url });
    locker.on('error', () => {}); // the cluster's own stop ends this session too
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE papers IN ACCESS EXCLUSIVE MODE');
      const inFlight = get(s.port, '/', agent);
      // The request is in flight once its statement waits for the lock.
      await until(async () => (await lockWaiters(locker)) > 0, 'a request waiting on the lock', 10_000);
      const signalled = Date.now();
      s.child.kill('SIGTERM');
      await untilRefused(s.port); // draining: no new connections
      await locker.query('COMMIT');
      const answer = await inFlight;
      assert.equal(answer.status, 200, 'the in-flight request was finished, not dropped');
      const exitedAt = await s.exited;
      assert.ok(exitedAt - signalled <= EXIT_WITHIN_MS, `exited ${exitedAt - signalled} ms after SIGTERM`);
      assert.equal(s.child.exitCode, 0, s.output());
      assert.match(s.output(), /paperboy: stopped in \d+ ms/, 'a clean stop, not the last-resort exit');
      t.diagnostic(`SIGTERM → exit: ${exitedAt - signalled} ms`);
    } finally {
      agent.destroy();
      await locker.end();
    }
  });

  test('SIGTERM while the lock is never released: the process still exits within 10 s', {
    timeout: 120_000,
  }, async (t) => {
    const s = await serveOn();
    await saw(s, 'paperboy: serving');
    const agent = new http.Agent({ keepAlive: true });
    const locker = new pg.Client({ connectionString: cluster.url });
    locker.on('error', () => {}); // the cluster's own stop ends this session too
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE papers IN ACCESS EXCLUSIVE MODE');
      const inFlight = get(s.port, '/', agent).catch((err: Error) => err);
      await until(async () => (await lockWaiters(locker)) > 0, 'a request waiting on the lock', 10_000);
      const signalled = Date.now();
      s.child.kill('SIGTERM');
      const exitedAt = await s.exited;
      assert.ok(exitedAt - signalled <= EXIT_WITHIN_MS, `exited ${exitedAt - signalled} ms after SIGTERM`);
      t.diagnostic(`SIGTERM → exit (lock held): ${exitedAt - signalled} ms`);
      await inFlight; // cut or answered; either way over
    } finally {
      agent.destroy();
      await locker.query('ROLLBACK');
      await locker.end();
    }
  });
});

test('SQLite: SIGTERM with a keep-alive request whose body is still arriving: answered, exit within 10 s', {
  timeout: 120_000,
}, async (t) => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'paperboy-failures-sqlite-'));
  // info: Fastify logs "incoming request" once it has routed one, the event the signal waits for.
  const s = await spawnServe({ PAPERBOY_LOG_LEVEL: 'info' }, tmp);
  try {
    await saw(s, 'paperboy: serving');
    const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
    assert.equal((await get(s.port, '/static/app.css', agent)).status, 200); // an idle keep-alive connection
    const body = 'theme=dark';
    // Its own keep-alive connection (the agent above keeps the idle one).
    const posting = new http.Agent({ keepAlive: true });
    let signalled = 0;
    const answered = new Promise<number>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: s.port,
          path: '/theme',
          method: 'POST',
          agent: posting,
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': body.length },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode!));
        },
      );
      req.on('error', reject);
      req.flushHeaders();
      req.write(body.slice(0, 3));
      // Routed with half its body: the request is in flight when the signal comes; the rest
      // follows once the server has stopped listening.
      void saw(s, '"url":"/theme"').then(() => {
        signalled = Date.now();
        s.child.kill('SIGTERM');
        void untilRefused(s.port).then(() => req.end(body.slice(3)));
      }, reject);
    });
    const status = await answered;
    assert.ok(status < 500, `the in-flight request was answered (${status})`);
    const exitedAt = await s.exited;
    assert.ok(exitedAt - signalled <= EXIT_WITHIN_MS, `exited ${exitedAt - signalled} ms after SIGTERM`);
    assert.equal(s.child.exitCode, 0, s.output());
    assert.match(s.output(), /paperboy: stopped in \d+ ms/, 'a clean stop, not the last-resort exit');
    t.diagnostic(`SIGTERM → exit: ${exitedAt - signalled} ms`);
    posting.destroy();
    agent.destroy();
  } finally {
    await stop(s);
    rmSync(tmp, { recursive: true, force: true });
  }
});
