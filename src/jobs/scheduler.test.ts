/**
 * Leases and the scheduler: one run per slot across instances sharing a database, takeover from
 * dead or expired holders, and the real daily-harvest job against the fixture server.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fakePapers } from '../../test/fixtures/upstream/fake-papers.ts';
import { tempDir } from '../../test/support/app.ts';
import { oaiEmulator, rssEmulator, startFixtureServer } from '../../test/support/fixture-server.ts';
import { scheduleTable } from '../app/schedule.ts';
import { SqliteStore } from '../app/sqlite.store.ts';
import { loadConfig } from '../config/config.ts';
import { holderIsGone } from '../shared/holder.ts';
import { LeaseBusyError, tryAcquire } from './lease.ts';
import type { Job } from './schedule.ts';
import { Scheduler } from './scheduler.ts';

function twoStores() {
  const dir = tempDir('paperboy-sched-');
  const file = path.join(dir, 'paperboy.db');
  const a = new SqliteStore(file);
  const b = new SqliteStore(file);
  return {
    a,
    b,
    async close() {
      await a.close();
      await b.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const config = loadConfig({ env: {}, flags: { data: '/tmp/unused', logLevel: 'silent' } });
const deadPid = () => spawnSync(process.execPath, ['-e', '0']).pid!;

describe('leases', () => {
  it('one holder at a time; expiry frees it; a dead local holder is taken over at once', async () => {
    const s = twoStores();
    try {
      const t = 1_000_000;
      assert.ok(await s.a.leases.acquire('job:x', 'h1', t, 1000));
      assert.equal(await s.b.leases.acquire('job:x', 'h2', t + 10, 1000), false);
      assert.ok(await s.b.leases.acquire('job:x', 'h1', t + 10, 1000), 'the holder may re-acquire');
      assert.ok(await s.b.leases.acquire('job:x', 'h2', t + 1011, 1000), 'expired');
      assert.equal(await s.a.leases.renew('job:x', 'h1', t + 1012, 1000), false, 'h1 lost it');

      const dead = `${hostname()}:${deadPid()}:abcd`;
      assert.ok(holderIsGone(dead));
      assert.equal(holderIsGone(`${hostname()}:${process.pid}:x`), false);
      assert.equal(
        holderIsGone(`some-other-host:${deadPid()}:x`),
        false,
        'other machines: only expiry frees it',
      );
      assert.ok(await s.a.leases.acquire('ingest:oai', dead, Date.now(), 60_000));
      const taken = await tryAcquire(s.b.leases, 'ingest:oai', { holder: 'me' });
      assert.ok(taken, 'taken over from the killed process without waiting for expiry');
      assert.equal((await s.a.leases.get('ingest:oai'))?.holder, 'me');
      await taken.release();
      assert.equal((await s.a.leases.get('ingest:oai'))?.holder, null);
    } finally {
      await s.close();
    }
  });

  it('a finished slot is never taken again', async () => {
    const s = twoStores();
    try {
      const slot = '2024-02-01T01:00:00.000Z';
      const l = await tryAcquire(s.a.leases, 'job:x', { holder: 'h1', slot });
      await l!.release(slot);
      assert.equal(await tryAcquire(s.b.leases, 'job:x', { holder: 'h2', slot }), null);
      assert.ok(await tryAcquire(s.b.leases, 'job:x', { holder: 'h2', slot: '2024-02-02T01:00:00.000Z' }));
    } finally {
      await s.close();
    }
  });
});

describe('scheduler', () => {
  it('two instances sharing a database run each daily slot once; a failed run is not retried that day', async () => {
    const s = twoStores();
    try {
      const calls: string[] = [];
      let fail = false;
      let clock = new Date('2024-02-01T01:05:00Z'); // 20:05 New York, Jan 31
      const job = (who: string): Job => ({
        name: 'daily-harvest',
        at: '20:00',
        timeZone: 'America/New_York',
        async run() {
          calls.push(who);
          await new Promise((r) => setTimeout(r, 30));
          if (fail) throw new Error('upstream down');
          return 'done';
        },
      });
      const mk = (store: SqliteStore, who: string) =>
        new Scheduler({ store, config, jobs: [job(who)], holder: who, now: () => clock });
      const [x, y] = [mk(s.a, 'x'), mk(s.b, 'y')];
      await Promise.all([x.runDue(), y.runDue()]);
      assert.equal(calls.length, 1, `ran by ${calls.join(', ')}`);
      await Promise.all([x.runDue(), y.runDue()]);
      assert.equal(calls.length, 1, 'same slot: nothing');

      clock = new Date('2024-02-02T01:00:00Z');
      fail = true;
      await Promise.all([y.runDue(), x.runDue()]);
      assert.equal(calls.length, 2);
      await x.runDue();
      assert.equal(calls.length, 2, 'a failure waits for the next slot instead of hammering upstream');

      clock = new Date('2024-02-03T14:00:00Z'); // 09:00 NY: yesterday's slot is 13 h old, past catch-up
      await x.runDue();
      assert.equal(calls.length, 2);
      assert.equal(x.nextWake().toISOString(), '2024-02-03T15:00:00.000Z', 'wakes at least hourly');
    } finally {
      await s.close();
    }
  });

  it('a due slot whose holder died on another machine is taken over when its lease lapses, within 2 min by default', async () => {
    const s = twoStores();
    try {
      const calls: string[] = [];
      let clock = new Date('2024-02-01T01:05:00Z');
      const job: Job = {
        name: 'daily-harvest',
        at: '20:00',
        timeZone: 'America/New_York',
        async run() {
          calls.push('y');
          return 'done';
        },
      };
      // An instance on another machine took the slot, renewed once, then died: nothing on this
      // machine can tell (src/shared/holder.ts), so only its lease's expiry frees the job.
      const elsewhere = 'other-machine:4242:beef:0123456789ab:777';
      assert.equal(holderIsGone(elsewhere), false);
      const died = clock.getTime();
      assert.ok(
        await tryAcquire(s.a.leases, 'job:daily-harvest', {
          holder: elsewhere,
          slot: '2024-02-01T01:00:00.000Z',
          ttlMs: config.jobLeaseMs,
          now: () => died,
        }),
      );
      const y = new Scheduler({ store: s.b, config, jobs: [job], holder: 'y', now: () => clock });
      clock = new Date(died + 1000);
      assert.deepEqual(await y.runDue(), []);
      const wake = y.nextWake().getTime();
      assert.ok(
        wake - died <= 120_000,
        `looks again ${wake - died} ms after the holder died, not at the hourly wake`,
      );
      assert.equal(wake, died + config.jobLeaseMs + 50, 'just after the lease lapses');
      clock = new Date(wake);
      assert.deepEqual(await y.runDue(), ['daily-harvest']);
      assert.deepEqual(calls, ['y']);
      const lease = await s.a.leases.get('job:daily-harvest');
      assert.equal(lease?.lastSlot, '2024-02-01T01:00:00.000Z', 'finished by the instance that took over');
    } finally {
      await s.close();
    }
  });

  it('a live holder renewing its lease is left alone; the watcher follows its lease', async () => {
    const s = twoStores();
    try {
      let clock = new Date('2024-02-01T01:05:00Z');
      const cfg = loadConfig({
        env: {},
        flags: { data: '/tmp/unused', logLevel: 'silent', jobLeaseMs: 3000 },
      });
      const job: Job = { name: 'digest', at: '20:00', timeZone: 'America/New_York', run: async () => 'done' };
      const t0 = clock.getTime();
      assert.ok(await s.a.leases.acquire('job:digest', 'other-machine:1:x::', t0, 3000));
      const y = new Scheduler({ store: s.b, config: cfg, jobs: [job], holder: 'y', now: () => clock });
      clock = new Date(t0 + 100);
      assert.deepEqual(await y.runDue(), []);
      assert.equal(y.nextWake().getTime(), t0 + 3050);
      // Renewed before it lapsed: still held when the watcher looks, which then waits for the new expiry.
      assert.ok(await s.a.leases.renew('job:digest', 'other-machine:1:x::', t0 + 2000, 3000));
      clock = new Date(t0 + 3050);
      assert.deepEqual(await y.runDue(), []);
      assert.equal(y.nextWake().getTime(), t0 + 5050);
    } finally {
      await s.close();
    }
  });

  it('a job that finds an inner lease still held leaves its slot open and runs again when it lapses', async () => {
    const s = twoStores();
    try {
      let clock = new Date('2024-02-01T01:05:00Z');
      const calls: number[] = [];
      const job: Job = {
        name: 'daily-harvest',
        at: '20:00',
        timeZone: 'America/New_York',
        async run() {
          calls.push(clock.getTime());
          if (calls.length === 1) throw new LeaseBusyError('another process is harvesting oai', null);
          return 'done';
        },
      };
      const x = new Scheduler({ store: s.a, config, jobs: [job], holder: 'x', now: () => clock });
      assert.deepEqual(await x.runDue(), ['daily-harvest']);
      const wake = x.nextWake().getTime();
      assert.equal(wake - clock.getTime(), config.jobLeaseMs);
      clock = new Date(wake);
      assert.deepEqual(await x.runDue(), ['daily-harvest'], 'the slot was left open');
      assert.equal(calls.length, 2);
      assert.deepEqual(await x.runDue(), [], 'and is done now');
    } finally {
      await s.close();
    }
  });

  it('the real daily harvest finding its source lease still held (a dead remote holder) leaves the slot open', async () => {
    const papers = fakePapers(5);
    const server = await startFixtureServer({ '/oai': oaiEmulator({ papers }) });
    const dir = tempDir('paperboy-sched-');
    const store = new SqliteStore(path.join(dir, 'paperboy.db'));
    try {
      const cfg = loadConfig({
        env: {},
        flags: {
          data: dir,
          logLevel: 'silent',
          arxivOaiUrl: `${server.url}/oai`,
          upstreamIntervalMs: 0,
          harvestSources: 'oai',
          oaiFirstHarvestDays: 3650,
        },
      });
      let clock = new Date('2024-02-01T01:30:00Z');
      // Its job lease lapsed a moment before its source lease, which it renewed on its own timer.
      // (The runner's source lease is on the real clock.)
      assert.ok(await store.leases.acquire('ingest:oai', 'other-machine:7:x::', Date.now(), 60_000));
      const harvest = scheduleTable(cfg).filter((j) => j.name === 'daily-harvest');
      const sched = new Scheduler({ store, config: cfg, jobs: harvest, holder: 'me', now: () => clock });
      assert.deepEqual(await sched.runDue(), ['daily-harvest']);
      assert.equal((await store.leases.get('job:daily-harvest'))?.lastSlot, null, 'not called done');
      assert.equal(await store.papers.count(), 0);
      assert.equal(sched.nextWake().getTime() - clock.getTime(), cfg.jobLeaseMs, 'looks again a lease later');
      clock = new Date(sched.nextWake().getTime() + 1);
      await store.leases.release('ingest:oai', 'other-machine:7:x::'); // lapsed by then
      assert.deepEqual(await sched.runDue(), ['daily-harvest'], 'run again once the source lease lapsed');
      assert.equal(await store.papers.count(), 5);
      assert.equal((await store.leases.get('job:daily-harvest'))?.lastSlot, '2024-02-01T01:00:00.000Z');
    } finally {
      await store.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the real daily-harvest job runs OAI and the featuring feeds against the configured upstreams', async () => {
    const papers = fakePapers(20);
    const server = await startFixtureServer({
      '/oai': oaiEmulator({ papers }),
      '/rss/*': rssEmulator({ papers, day: '2024-02-01' }),
    });
    const dir = tempDir('paperboy-sched-');
    const store = new SqliteStore(path.join(dir, 'paperboy.db'));
    try {
      const cfg = loadConfig({
        env: {},
        flags: {
          data: dir,
          logLevel: 'silent',
          arxivOaiUrl: `${server.url}/oai`,
          arxivRssUrl: server.url,
          upstreamIntervalMs: 0,
          featureCategories: 'cs.LG',
          oaiFirstHarvestDays: 3650,
        },
      });
      const logs: string[] = [];
      // Just after a slot, whatever the time of day the test runs.
      const sched = new Scheduler({
        store,
        config: cfg,
        jobs: scheduleTable(cfg),
        now: () => new Date('2024-02-01T01:30:00Z'),
        log: (m) => logs.push(m),
      });
      const ran = await sched.runDue();
      // The digest job (src/digest/job.ts) shares the table and may be due at the real clock's time too.
      assert.deepEqual(
        ran.filter((name) => name !== 'digest'),
        ['daily-harvest'],
        logs.join('\n'),
      );
      const runs = await store.ingestRuns.recent(10);
      assert.deepEqual(
        runs.map((r) => [r.source, r.status]).reverse(),
        [
          ['oai', 'ok'],
          ['rss', 'ok'],
        ],
        logs.join('\n'),
      );
      assert.ok(
        server.requests[0]?.query.from,
        'a first scheduled harvest starts oaiFirstHarvestDays back, not at the beginning',
      );
      assert.equal(await store.papers.count(), 20);
      assert.ok(
        (await store.papers.featuredOn('2024-02-01')).length > 0,
        'new cs.LG papers featured by the rule',
      );
      assert.deepEqual(await sched.runDue(), [], 'slot done');
      await sched.stop();
    } finally {
      await store.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
