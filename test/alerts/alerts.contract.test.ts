/**
 * Alerts' storage and event computation (issue 15 items 1 and 3) on both databases, through the
 * real repositories: papers written by the ingestion path (`papers.upsertMany`), saves through the
 * library, votes through the community repository. Own ids (2515.*).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { computeEvents } from '../../src/alerts/compute.ts';
import type { Store } from '../../src/app/store.ts';
import type { PaperInput } from '../../src/papers/paper.ts';
import { makeUser } from '../contract/accounts.ts';
import { bothStores, type TestStore } from '../digest/helpers.ts';
import { makePaper } from '../support/papers.ts';

const NOW = Date.parse('2026-11-30T12:00:00.000Z');
const at = (hoursAgo: number) => new Date(NOW - hoursAgo * 3_600_000).toISOString();
const id = (n: number) => `2515.${String(n).padStart(5, '0')}`;
const BASE = 'https://paperboy.test';

function paper(n: number, over: Partial<PaperInput> = {}): PaperInput {
  return makePaper({
    arxivId: id(n),
    submittedAt: at(48),
    updatedAt: at(48),
    versions: [{ version: 1, createdAt: at(48) }],
    ...over,
  });
}

const harvest = [
  paper(1, { title: 'Diffusion models for protein design', categories: ['q-bio.BM'] }),
  paper(2, {
    title: 'A note on graphs',
    authors: [
      { name: 'Geoffrey Hinton', keyname: 'Hinton', forenames: 'Geoffrey', suffix: '', affiliation: null },
    ],
  }),
  paper(3, { title: 'Segmenting cells', categories: ['cs.CV'] }),
  // Old: a bulk import of past years queues it, but no follow alert fires for it.
  paper(4, { title: 'Diffusion in 2019', submittedAt: '2019-05-01T00:00:00.000Z' }),
];

const run = (s: Store, queued?: number[]) =>
  computeEvents(s.alerts, {
    baseUrl: BASE,
    now: () => NOW,
    webhooks: queued ? { queued: (n) => void queued.push(n) } : undefined,
  });

const brief = (events: { type: string; arxivId: string; reason: string }[]) =>
  events.map((e) => `${e.type} ${e.arxivId} ${e.reason}`).sort();

for (const [dialect, open] of bothStores) {
  describe(`alerts (${dialect})`, () => {
    let t: TestStore;
    before(async () => {
      t = await open();
    });
    after(() => t.close());

    test('events from a harvest, each once; versions, code, votes; pause and delivery', async () => {
      const s = t.store;
      const now = new Date(NOW).toISOString();
      const reader = await makeUser(s, 'al-reader', now);
      const other = await makeUser(s, 'al-other', now);
      const voter = await makeUser(s, 'al-voter', now);
      // A saved paper from before any alert existed: its own insertion is an old change.
      await s.papers.upsertMany([paper(10, { title: 'Saved work', submittedAt: at(24 * 60) })]);
      const saved = (await s.papers.get(id(10)))!.id;
      const box = await s.library.ensureDefault(reader.id, 'Saved', now);
      await s.library.add(box.id, reader.id, saved, now);
      await run(s);
      const hook = await s.webhooks.add({
        userId: reader.id,
        collectionId: null,
        url: 'https://hooks.example/paperboy',
        secret: 'whsec_test',
        at: now,
      });

      const search = await s.alerts.create(
        { userId: reader.id, kind: 'search', target: 'diffusion', delivery: ['feed', 'webhook'] },
        now,
      );
      await s.alerts.create(
        { userId: reader.id, kind: 'author', target: 'Geoffrey Hinton', delivery: ['mail'] },
        now,
      );
      const cat = await s.alerts.create(
        { userId: other.id, kind: 'category', target: 'cs.CV', delivery: ['digest'] },
        now,
      );
      await s.alerts.create(
        { userId: reader.id, kind: 'version', target: 'library', delivery: ['mail'] },
        now,
      );
      await s.alerts.create({ userId: reader.id, kind: 'code', target: 'library', delivery: ['feed'] }, now);
      await s.alerts.create(
        {
          userId: reader.id,
          kind: 'trending',
          target: id(10),
          paperId: saved,
          threshold: 2,
          delivery: ['digest'],
        },
        now,
      );
      const again = await s.alerts.create(
        { userId: reader.id, kind: 'search', target: 'diffusion', delivery: ['mail'] },
        now,
      );
      assert.deepEqual(again, search, 'the same alert twice is the first one');

      await s.papers.upsertMany(harvest);
      const queued: number[] = [];
      const first = await run(s, queued);
      assert.equal(first.changes, 8, 'each new paper queues its category row and its version row');
      assert.deepEqual(brief(first.events), [
        `author.match ${id(2)} new paper by Geoffrey Hinton`,
        `category.match ${id(3)} new in cs.CV`,
        `search.match ${id(1)} matches your search “diffusion”`,
      ]);
      const deliveries = await s.webhooks.deliveries(hook.id, 10);
      assert.deepEqual(
        deliveries.map((d) => [d.eventType, d.status]),
        [['search.match', 'pending']],
        'only alerts delivering to a webhook queue a delivery, with the event',
      );
      assert.deepEqual([first.deliveries, queued], [1, [1]], 'the sink is told how many were queued');
      const hooked = first.events.find((e) => e.type === 'search.match')!;
      assert.equal(deliveries[0]!.eventId, hooked.id);

      // The same harvest again: nothing is queued, nothing fires.
      await s.papers.upsertMany(harvest);
      assert.deepEqual(await run(s), { changes: 0, events: [], deliveries: 0 });

      // A new version with a comments line and a code link it did not have.
      const v2 = paper(10, {
        title: 'Saved work',
        version: 2,
        submittedAt: at(24 * 60),
        comments: 'camera-ready, 12 pages',
        versions: [
          { version: 1, createdAt: at(24 * 60) },
          { version: 2, createdAt: at(1) },
        ],
        links: [{ kind: 'code', url: 'https://github.com/ada/saved', host: 'github.com' }],
      });
      await s.papers.upsertMany([v2]);
      assert.deepEqual(brief((await run(s)).events), [
        `paper.code ${id(10)} code released: https://github.com/ada/saved`,
        `paper.version ${id(10)} v2: camera-ready, 12 pages`,
      ]);
      // The same record again, and a change of the same version that keeps the link: no event.
      await s.papers.upsertMany([v2]);
      await s.papers.upsertMany([{ ...v2, abstract: 'Now with a better abstract.' }]);
      assert.deepEqual(await run(s), { changes: 0, events: [], deliveries: 0 });

      // Votes: the threshold fires once, when it is passed.
      await s.community.setVote(voter.id, saved, true, now);
      assert.deepEqual((await run(s)).events, [], 'one vote is under the threshold of 2');
      await s.community.setVote(other.id, saved, true, now);
      assert.deepEqual(brief((await run(s)).events), [`paper.trending ${id(10)} reached 2 votes`]);
      await s.community.setVote(reader.id, saved, true, now);
      assert.deepEqual((await run(s)).events, [], 'passing it again is no new event');

      // Processing the same change twice (two processes, or a crash before the delete) stores once.
      await s.papers.upsertMany([paper(5, { title: 'More segmenting', categories: ['cs.CV'] })]);
      const [a, b] = await Promise.all([run(s), run(s)]);
      assert.equal(a.events.length + b.events.length, 1, 'the unique key keeps one event');

      // Paused: no event; resumed with another delivery.
      assert.equal(await s.alerts.update(other.id, cat.id, { paused: true }), true);
      assert.equal(
        await s.alerts.update(reader.id, cat.id, { paused: false }),
        false,
        "another reader's alert",
      );
      await s.papers.upsertMany([paper(6, { title: 'Still segmenting', categories: ['cs.CV'] })]);
      assert.deepEqual((await run(s)).events, []);
      await s.alerts.update(other.id, cat.id, { paused: false, delivery: ['mail', 'feed'] });
      const listed = (await s.alerts.list(other.id))[0]!;
      assert.deepEqual([listed.paused, listed.delivery], [false, ['feed', 'mail']]);
      assert.equal(listed.lastReason, 'new in cs.CV', 'when it last fired and why');

      const mine = await s.alerts.events(reader.id, 10);
      assert.deepEqual(
        mine.map((e) => e.type),
        ['paper.trending', 'paper.code', 'paper.version', 'author.match', 'search.match'],
        'newest first',
      );
      assert.equal(mine[0]!.title, 'Saved work');

      const stats = await s.alerts.stats();
      assert.equal(stats.pendingChanges, 0);
      assert.equal(stats.events.find((e) => e.type === 'category.match')?.total, 2);
      assert.deepEqual(
        stats.alerts.find((k) => k.kind === 'search'),
        { kind: 'search', total: 1, paused: 0 },
      );

      assert.equal(await s.alerts.remove(other.id, search.id), false, "another reader's alert stays");
      assert.equal(await s.alerts.remove(reader.id, search.id), true);
      assert.equal((await s.alerts.list(reader.id)).length, 4);
    });
  });
}
