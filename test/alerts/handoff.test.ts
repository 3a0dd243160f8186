/**
 * Issue 15, RELIABILITY "the application-level log shows no event lost": a webhook-bound event
 * and its deliveries are stored in one transaction (alerts.*.repo.ts `record`). The process
 * "dies" right after the event computation committed (the sink it tells throws, standing in for
 * a kill at that instant); after a restart (the store reopened from its file or URL) the
 * delivery is there, and a worker sends it to a real loopback receiver exactly once. Before the
 * fix the events were handed to the webhook side after the commit, and this lost them.
 * Both databases; own ids (2512.16***).
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { computeEvents } from '../../src/alerts/compute.ts';
import { allowList } from '../../src/alerts/webhook-ssrf.ts';
import { WebhookWorker } from '../../src/alerts/webhook-worker.ts';
import { addWebhook } from '../../src/alerts/webhooks.ts';
import { openPostgresStore } from '../../src/app/postgres.store.ts';
import { SqliteStore } from '../../src/app/sqlite.store.ts';
import type { Store } from '../../src/app/store.ts';
import { makeUser } from '../contract/accounts.ts';
import { pgStore, sqliteStore } from '../digest/helpers.ts';
import { makePaper } from '../support/papers.ts';
import { startReceiver } from './receiver.ts';

const allow = allowList(['127.0.0.1']);
const BASE = 'https://paperboy.test';

/** A store, and how to open it again as a restarted process would. */
interface Reopenable {
  store: Store;
  reopen(): Promise<Store>;
  drop(): Promise<void>;
}

const dialects: [string, () => Promise<Reopenable>][] = [
  [
    'sqlite',
    async () => {
      const { store, dir, file } = sqliteStore();
      return {
        store,
        reopen: async () => new SqliteStore(file),
        drop: async () => {
          await store.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  ],
  [
    'postgres',
    async () => {
      const { store, url, drop } = await pgStore();
      return { store, reopen: () => openPostgresStore(url), drop };
    },
  ],
];

for (const [dialect, open] of dialects) {
  test(`${dialect}: a crash right after the events' commit loses no webhook delivery`, async () => {
    const db = await open();
    const rx = await startReceiver([200]);
    let restarted: Store | null = null;
    try {
      const s = db.store;
      const now = new Date().toISOString();
      const reader = await makeUser(s, 'ho-reader', now);
      const everything = await addWebhook(s.webhooks, allow, {
        userId: reader.id,
        url: rx.url,
        collectionId: null,
        nowMs: Date.now(),
      });
      rx.secret = everything.secret;
      const box = await s.library.ensureDefault(reader.id, 'Saved', now);
      const other = await s.library.create({ userId: reader.id, name: 'Elsewhere', isPublic: false, now });
      // Scoped to a collection: takes only events about papers in it.
      const inBox = await s.webhooks.add({
        userId: reader.id,
        collectionId: box.id,
        url: rx.url,
        secret: everything.secret,
        at: now,
      });
      const elsewhere = await s.webhooks.add({
        userId: reader.id,
        collectionId: other.id,
        url: rx.url,
        secret: everything.secret,
        at: now,
      });
      await s.alerts.create(
        { userId: reader.id, kind: 'search', target: 'diffusion', delivery: ['webhook', 'feed'] },
        now,
      );
      await s.papers.upsertMany([
        makePaper({
          arxivId: '2512.16001',
          title: 'Diffusion for the crash test',
          submittedAt: now,
          updatedAt: now,
          versions: [{ version: 1, createdAt: now }],
        }),
      ]);
      await s.library.add(box.id, reader.id, (await s.papers.get('2512.16001'))!.id, now);

      // The process dies just after the commit: whatever comes after it never runs.
      const crash = () => {
        throw new Error('killed right after the commit');
      };
      await assert.rejects(
        computeEvents(s.alerts, { baseUrl: BASE, webhooks: { queued: crash, enqueue: crash } as never }),
        /killed right after the commit/,
      );

      // Restart (the dead process's store is left as it was, closed only at the end): nothing is
      // left to compute, and the deliveries are in the queue.
      restarted = await db.reopen();
      const again = await computeEvents(restarted.alerts, { baseUrl: BASE });
      assert.equal(again.events.length, 0, 'the events were stored before the crash');
      const [event] = await restarted.alerts.events(reader.id, 10, 'webhook');
      assert.ok(event, 'the event is in the log');
      const worker = new WebhookWorker({ repo: restarted.webhooks, allow, userAgent: 'paperboy-test' });
      assert.equal(await worker.drain(), 2, 'the reader-wide webhook and the one of the collection');
      assert.equal(await worker.drain(), 0);

      assert.equal(rx.received.length, 2, 'each delivery sent once');
      assert.ok(rx.received.every((r) => r.verified));
      for (const r of rx.received) {
        const body = JSON.parse(r.body) as { id: string; type: string; data: Record<string, unknown> };
        assert.equal(body.id, r.id, 'the body carries the delivery id');
        assert.equal(body.type, 'search.match');
        assert.deepEqual(
          [body.data.eventId, body.data.arxivId, body.data.link],
          [event.id, '2512.16001', `${BASE}/papers/2512.16001`],
        );
      }
      // The application-level log: every webhook-bound event has its delivery, delivered.
      for (const [hook, want] of [
        [everything.id, ['delivered']],
        [inBox.id, ['delivered']],
        [elsewhere.id, []],
      ] as const) {
        const rows = await restarted.webhooks.deliveries(hook, 10);
        assert.deepEqual(
          rows.map((d) => d.status),
          want,
          `webhook ${hook}`,
        );
        for (const d of rows) assert.equal(d.eventId, event.id);
      }
    } finally {
      await rx.stop();
      if (restarted) await restarted.close();
      await db.drop();
    }
  });
}
