/**
 * Issue 18, "Done when", the multi-instance lines that stop things: three `paperboy serve`
 * processes (test/support/serve.ts) on a PostgreSQL cluster of this test's own (failures.pg.ts;
 * the shared cluster of the other tests is never stopped), the rest of the three-process checks
 * being in multi-instance.slow.test.ts.
 * - Database stopped for 15 s: all three answer pages and searches 503 with Retry-After at once,
 *   `/health` says in JSON that the database is down; started again: all three answer 200, the
 *   same processes.
 * - SIGTERM to one while a keep-alive client is mid-request (its page waits on a table lock, as in
 *   failures.slow.test.ts): that request is answered and the process exits within 10 s, while the
 *   other two, with requests of their own waiting on the same lock, keep serving.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { freePort, type ServeChild, serveChild, serveEnv } from '../support/serve.ts';
import { OwnCluster } from './failures.pg.ts';
import { type Answer, get, lockWaiters, until, untilRefused } from './probes.ts';

/** The outage and its bound for SIGTERM → exit. */
const OUTAGE_MS = 15_000;
const EXIT_WITHIN_MS = 10_000;

interface Instance {
  serve: ServeChild;
  port: number;
  pid: number;
}

const running = (i: Instance) => i.serve.child.exitCode === null && i.serve.child.signalCode === null;

describe('three serve processes on a PostgreSQL of their own: database stopped, then SIGTERM to one', () => {
  let cluster: OwnCluster;
  let tmp: string;
  const instances: Instance[] = [];

  before(async () => {
    cluster = await OwnCluster.create();
    tmp = mkdtempSync(path.join(tmpdir(), 'paperboy-multi-outage-'));
    const ports = await Promise.all([freePort(), freePort(), freePort()]);
    // One after another: the first applies the migrations, the others find them applied (they
    // would wait on the migration lock anyway, src/db/postgres.ts).
    for (const port of ports) {
      const serve = await serveChild(
        serveEnv(mkdtempSync(path.join(tmp, 'data-')), port, {
          PAPERBOY_DATABASE_URL: cluster.url,
          PAPERBOY_SCHEDULER: 'false',
          PAPERBOY_LOG_LEVEL: 'warn',
          PAPERBOY_PAGE_CACHE_MS: '0', // every page asks the database: a cached one would hide the outage
          // Three servers on a shared 2-core machine stall their event loops for moments; the overload
          // guard's 503s are tested elsewhere (test/web/overload.test.ts), not here.
          PAPERBOY_OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0',
        }),
      );
      instances.push({ serve, port, pid: serve.child.pid! });
    }
  });

  after(async () => {
    for (const i of instances) {
      if (!running(i)) continue;
      const exited = new Promise((r) => i.serve.child.once('exit', r));
      i.serve.child.kill('SIGKILL');
      await exited;
    }
    cluster?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test('database stopped 15 s: all three answer 503 + Retry-After and /health JSON; started again: all three 200 without a restart', {
    timeout: 120_000,
  }, async () => {
    for (const i of instances) {
      assert.equal((await get(i.port, '/')).status, 200);
      assert.equal(JSON.parse((await get(i.port, '/health')).body).status, 'ok');
    }

    cluster.stop();
    try {
      const downSince = Date.now();
      let rounds = 0;
      while (Date.now() - downSince < OUTAGE_MS) {
        await Promise.all(instances.map((i) => answersDown(i)));
        rounds++;
        await new Promise((r) => setTimeout(r, 1000));
      }
      assert.ok(rounds >= 5, `${rounds} rounds of checks during the outage`);
    } finally {
      cluster.start();
    }
    for (const i of instances) {
      await until(
        async () => (await get(i.port, '/')).status === 200,
        `pages on :${i.port} answer 200 again`,
        15_000,
      );
      assert.equal((await get(i.port, '/search?q=graph+neural')).status, 200);
      assert.equal(JSON.parse((await get(i.port, '/health')).body).status, 'ok');
      assert.ok(running(i), 'the same process, never restarted');
      assert.equal(i.serve.child.pid, i.pid);
      assert.doesNotMatch(i.serve.output(), /request failed/, 'no stack trace per request of the outage');
    }
  });

  /** What one instance answers while the database is down: at once, 503, and why. */
  async function answersDown(i: Instance): Promise<void> {
    const where = `on :${i.port}`;
    for (const url of ['/', '/search?q=graph+neural']) {
      const r = await get(i.port, url);
      assert.equal(r.status, 503, `${url} ${where} while the database is down: ${r.body.slice(0, 300)}`);
      assert.ok(Number(r.headers['retry-after']) > 0, `Retry-After on ${url} ${where}`);
      assert.ok(r.ms < 3000, `${url} ${where} answered at once, not hanging (${r.ms} ms)`);
    }
    const health = await get(i.port, '/health');
    assert.equal(health.status, 503, `/health ${where}`);
    assert.ok(Number(health.headers['retry-after']) > 0, `Retry-After on /health ${where}`);
    const h = JSON.parse(health.body);
    assert.equal(h.status, 'down', health.body);
    assert.equal(h.database, 'postgres');
    assert.match(h.error, /ECONNREFUSED|terminat|shut/i);
    assert.ok(running(i), `serve ${where} is still running`);
  }

  test('SIGTERM to one with a keep-alive request in flight: answered, exit within 10 s; the other two keep serving', {
    timeout: 120_000,
  }, async (t) => {
    const [a, ...others] = instances as [Instance, Instance, Instance];
    const agents = instances.map(() => new http.Agent({ keepAlive: true, maxSockets: 2 }));
    // An idle keep-alive connection to the one to be stopped, as a browser or balancer keeps.
    assert.equal((await get(a.port, '/static/app.css', agents[0])).status, 200);
    const locker = new pg.Client({ connectionString: cluster.url });
    locker.on('error', () => {});
    await locker.connect();
    let locked = false;
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE papers IN ACCESS EXCLUSIVE MODE');
      locked = true;
      // A page in flight on each instance: each is under way once one more statement waits on the
      // lock (one at a time, so that every instance's own request is counted).
      const inFlight: Promise<Answer | Error>[] = [];
      for (const [n, i] of instances.entries()) {
        const waiting = await lockWaiters(locker);
        // Settled either way, so that a cut request is reported below, not as an unhandled rejection.
        inFlight.push(get(i.port, '/', agents[n]).catch((err: Error) => err));
        await until(
          async () => (await lockWaiters(locker)) > waiting,
          `a request on :${i.port} waiting`,
          10_000,
        );
      }

      const exited = new Promise<number>((r) => a.serve.child.once('exit', () => r(Date.now())));
      const signalled = Date.now();
      a.serve.child.kill('SIGTERM');
      await untilRefused(a.port); // draining: no new connections
      for (const o of others)
        assert.equal(
          (await get(o.port, '/static/app.css')).status,
          200,
          `:${o.port} still takes connections`,
        );
      await locker.query('COMMIT');
      locked = false;

      const answers = await Promise.all(inFlight);
      assert.deepEqual(
        answers.map((r) => (r instanceof Error ? r.message : r.status)),
        [200, 200, 200],
        'the stopped one finished its in-flight request, the others theirs',
      );
      const exitedAt = await exited;
      assert.ok(exitedAt - signalled <= EXIT_WITHIN_MS, `exited ${exitedAt - signalled} ms after SIGTERM`);
      assert.equal(a.serve.child.exitCode, 0, a.serve.output());
      assert.match(a.serve.output(), /paperboy: stopped in \d+ ms/, 'a clean stop, not the last-resort exit');
      t.diagnostic(`SIGTERM → exit with two other instances serving: ${exitedAt - signalled} ms`);

      for (const [n, o] of others.entries()) {
        assert.equal((await get(o.port, '/', agents[n + 1])).status, 200, `:${o.port} serves pages`);
        assert.equal((await get(o.port, '/search?q=graph+neural')).status, 200, `:${o.port} serves searches`);
        assert.equal(JSON.parse((await get(o.port, '/health')).body).status, 'ok');
        assert.ok(running(o));
      }
    } finally {
      for (const agent of agents) agent.destroy();
      if (locked) await locker.query('ROLLBACK');
      await locker.end();
    }
  });
});
