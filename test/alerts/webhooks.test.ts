/**
 * Issue 15 item 2 (webhooks), on SQLite and PostgreSQL with a real loopback receiver:
 * RELIABILITY "a receiver that answers 500 twice then 200 gets it on the third attempt with the
 * backoff schedule documented; one that hangs is timed out; one that answers 410 disables the
 * webhook"; "two serving processes against one PostgreSQL deliver each event once" (two workers,
 * two pools); "a receiver streaming an endless body is cut at the cap"; signatures verify.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { AlertEvent } from '../../src/alerts/events.ts';
import { allowList } from '../../src/alerts/webhook-ssrf.ts';
import { RETRY_DELAYS_MS, WebhookWorker, webhookSink } from '../../src/alerts/webhook-worker.ts';
import { addWebhook } from '../../src/alerts/webhooks.ts';
import { openPostgresStore } from '../../src/app/postgres.store.ts';
import type { Store } from '../../src/app/store.ts';
import { bothStores, pgStore } from '../digest/helpers.ts';
import { makePaper } from '../support/papers.ts';
import { type Answer, startReceiver } from './receiver.ts';

const T0 = Date.parse('2026-12-07T10:00:00Z');
const allow = allowList(['127.0.0.1']);

async function reader(store: Store, name: string) {
  return (await store.users.create({
    email: `${name}@x.org`,
    name,
    passwordHash: 'x',
    now: new Date(T0).toISOString(),
  }))!;
}

const event = (userId: number, id: number): AlertEvent => ({
  id,
  userId,
  alertId: 1,
  type: 'search.match',
  paperId: 1000 + id,
  arxivId: `2612.${String(id).padStart(5, '0')}`,
  title: `Paper ${id}`,
  link: `https://paperboy.test/papers/2612.${String(id).padStart(5, '0')}`,
  reason: 'matches your search "diffusion"',
  createdAt: new Date(T0).toISOString(),
});

/** A clock the test moves; the receiver verifies signatures against the same clock. */
function fakeClock() {
  let now = T0;
  return { now: () => now, set: (ms: number) => (now = ms) };
}

async function setup(store: Store, script: Answer[], opts: { timeoutMs?: number; capBytes?: number } = {}) {
  const clock = fakeClock();
  const rx = await startReceiver(script, '', clock.now);
  const user = await reader(store, `r${Math.random().toString(36).slice(2, 8)}`);
  const hook = await addWebhook(store.webhooks, allow, {
    userId: user.id,
    url: rx.url,
    collectionId: null,
    nowMs: T0,
  });
  rx.secret = hook.secret;
  const worker = new WebhookWorker({
    repo: store.webhooks,
    allow,
    userAgent: 'paperboy-test',
    clock: clock.now,
    timeoutMs: opts.timeoutMs ?? 5000,
    capBytes: opts.capBytes ?? 64 * 1024,
  });
  return { clock, rx, user, hook, worker, sink: webhookSink(store.webhooks, undefined, clock.now) };
}

for (const [dialect, open] of bothStores) {
  describe(`webhooks on ${dialect}`, () => {
    let store: Store;
    const cleanup: (() => Promise<void>)[] = [];
    after(async () => {
      for (const c of cleanup.reverse()) await c();
    });
    test('open', async () => {
      const s = await open();
      store = s.store;
      cleanup.push(s.close);
    });

    test('500, 500, 200: the third attempt, on the documented schedule, same id, signed', async () => {
      const { clock, rx, user, hook, worker, sink } = await setup(store, [500, 500, 200]);
      cleanup.push(rx.stop);
      await sink.enqueue([event(user.id, 1)]);
      await sink.enqueue([event(user.id, 1)]); // the same event again: no second delivery
      assert.equal(await worker.runOnce(), 1);
      assert.equal(rx.received.length, 1);
      clock.set(T0 + RETRY_DELAYS_MS[0] - 1);
      assert.equal(await worker.runOnce(), 0, 'not due before 5 s');
      clock.set(T0 + RETRY_DELAYS_MS[0]);
      assert.equal(await worker.runOnce(), 1);
      const second = T0 + RETRY_DELAYS_MS[0];
      clock.set(second + RETRY_DELAYS_MS[1] - 1);
      assert.equal(await worker.runOnce(), 0, 'not due before 5 min more');
      clock.set(second + RETRY_DELAYS_MS[1]);
      assert.equal(await worker.runOnce(), 1);
      assert.equal(rx.received.length, 3);
      assert.equal(rx.unique().size, 1, 'every attempt carries the same delivery id');
      assert.ok(
        rx.received.every((r) => r.verified),
        'every request verifies with the secret',
      );
      const body = JSON.parse(rx.received[2]!.body);
      assert.equal(body.type, 'search.match');
      assert.equal(body.id, rx.received[2]!.id);
      assert.equal(body.data.arxivId, '2612.00001');
      const attempts = await store.webhooks.attempts(hook.id, 10);
      assert.deepEqual(
        attempts.map((a) => [a.attempt, a.statusCode]),
        [
          [3, 200],
          [2, 500],
          [1, 500],
        ],
      );
      const [d] = await store.webhooks.deliveries(hook.id, 10);
      assert.equal(d!.status, 'delivered');
      assert.equal((await store.webhooks.get(hook.id))!.failures, 0);
      assert.ok(
        !(await store.webhooks.health()).failing.some((f) => f.url === hook.url),
        'a webhook that recovered is not listed as failing',
      );
    });

    test('429 with Retry-After waits as long as asked', async () => {
      const { clock, rx, user, worker, sink } = await setup(store, [
        { status: 429, headers: { 'retry-after': '120' } },
        200,
      ]);
      cleanup.push(rx.stop);
      await sink.enqueue([event(user.id, 2)]);
      await worker.runOnce();
      clock.set(T0 + 119_000);
      assert.equal(await worker.runOnce(), 0);
      clock.set(T0 + 120_000);
      assert.equal(await worker.runOnce(), 1);
      assert.equal(rx.received.length, 2);
    });

    test('410 disables the webhook and drops what was queued', async () => {
      const { rx, user, hook, worker, sink } = await setup(store, [410]);
      cleanup.push(rx.stop);
      await sink.enqueue([event(user.id, 3), event(user.id, 4)]);
      await worker.runOnce();
      const w = (await store.webhooks.get(hook.id))!;
      assert.ok(w.disabledAt);
      assert.match(w.disabledReason!, /410 Gone/);
      assert.equal(await worker.runOnce(), 0);
      assert.ok(rx.received.length <= 2);
      const statuses = (await store.webhooks.deliveries(hook.id, 10)).map((d) => d.status).sort();
      assert.ok(
        statuses.every((s) => s === 'failed' || s === 'dropped'),
        String(statuses),
      );
      await sink.enqueue([event(user.id, 5)]);
      assert.equal(
        (await store.webhooks.deliveries(hook.id, 10)).length,
        2,
        'a disabled webhook takes no events',
      );
      const health = await store.webhooks.health();
      const mine = health.failing.find((f) => f.url === hook.url && f.owner === user.name);
      assert.ok(mine, 'the operator sees it among failing webhooks');
      assert.match(mine.lastError ?? '', /^disabled: the receiver answered 410 Gone/);
    });

    test('a hanging receiver is timed out and retried later', async () => {
      const { rx, user, hook, worker, sink } = await setup(store, ['hang'], { timeoutMs: 300 });
      cleanup.push(rx.stop);
      await sink.enqueue([event(user.id, 6)]);
      assert.equal(await worker.runOnce(), 1);
      const [a] = await store.webhooks.attempts(hook.id, 1);
      assert.equal(a!.statusCode, null);
      assert.match(a!.error!, /no answer within 300 ms/);
      const [d] = await store.webhooks.deliveries(hook.id, 1);
      assert.equal(d!.status, 'pending');
      assert.equal(d!.nextAttemptAt, new Date(T0 + RETRY_DELAYS_MS[0]).toISOString());
      await store.webhooks.remove(hook.id, user.id); // later tests move the clock past its retry
    });

    test('an endless body is cut at the cap', async () => {
      const { rx, user, hook, worker, sink } = await setup(store, ['endless'], { capBytes: 100_000 });
      cleanup.push(rx.stop);
      await sink.enqueue([event(user.id, 7)]);
      assert.equal(await worker.runOnce(), 1);
      const [a] = await store.webhooks.attempts(hook.id, 1);
      assert.equal(a!.statusCode, 200);
      assert.match(a!.error!, /cut at 100000 bytes/);
      assert.equal((await store.webhooks.deliveries(hook.id, 1))[0]!.status, 'delivered');
    });

    test('a collection webhook takes only events about papers in that collection', async () => {
      const { rx, user, hook: everything, worker, sink } = await setup(store, [200]);
      cleanup.push(rx.stop);
      await store.papers.upsertMany([
        makePaper({ arxivId: '2612.09001' }),
        makePaper({ arxivId: '2612.09002' }),
      ]);
      const [inside, outside] = await Promise.all(
        ['2612.09001', '2612.09002'].map((id) => store.papers.get(id)),
      );
      const c = await store.library.create({
        userId: user.id,
        name: 'Lab',
        isPublic: false,
        now: new Date(T0).toISOString(),
      });
      await store.library.add(c.id, user.id, inside!.id, new Date(T0).toISOString());
      const scoped = await addWebhook(store.webhooks, allow, {
        userId: user.id,
        url: rx.url,
        collectionId: c.id,
        nowMs: T0,
      });
      await sink.enqueue([
        { ...event(user.id, 20), paperId: inside!.id },
        { ...event(user.id, 21), paperId: outside!.id },
      ]);
      assert.deepEqual(
        (await store.webhooks.deliveries(scoped.id, 10)).map((d) => d.eventId),
        [20],
      );
      assert.equal((await store.webhooks.deliveries(everything.id, 10)).length, 2);
      await worker.drain();
      assert.equal(rx.received.length, 3);
    });

    test('failing for a day disables the webhook', async () => {
      const { clock, rx, user, hook, worker, sink } = await setup(store, [503]);
      cleanup.push(rx.stop);
      await sink.enqueue([event(user.id, 8)]);
      let at = T0;
      for (const wait of RETRY_DELAYS_MS) {
        await worker.runOnce();
        at += wait;
        clock.set(at);
      }
      assert.equal((await store.webhooks.get(hook.id))!.disabledAt, null, 'not yet: 23.6 h');
      await sink.enqueue([event(user.id, 9)]);
      clock.set(T0 + 24 * 3_600_000);
      await worker.drain();
      const w = (await store.webhooks.get(hook.id))!;
      assert.match(w.disabledReason ?? '', /failed for a day \(last: HTTP 503\)/);
      assert.equal(rx.received.filter((r) => r.id === rx.received[0]!.id).length, 8, 'eight attempts');
    });
  });
}

test('two workers on two pools against one PostgreSQL deliver each event once', async () => {
  const p = await pgStore();
  const second = await openPostgresStore(p.url);
  const rx = await startReceiver([200]);
  try {
    const user = await reader(p.store, 'two');
    const hook = await addWebhook(p.store.webhooks, allow, {
      userId: user.id,
      url: rx.url,
      collectionId: null,
      nowMs: T0,
    });
    rx.secret = hook.secret;
    const events = Array.from({ length: 200 }, (_, i) => event(user.id, 100 + i));
    await webhookSink(p.store.webhooks).enqueue(events);
    const w = (s: Store) => new WebhookWorker({ repo: s.webhooks, allow, userAgent: 't', batch: 10 });
    await Promise.all([w(p.store).drain(), w(second).drain()]);
    assert.equal(rx.received.length, 200, 'each delivery sent once');
    assert.equal(rx.unique().size, 200);
  } finally {
    await rx.stop();
    await second.close();
    await p.drop();
  }
});
