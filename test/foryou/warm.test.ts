/**
 * `ForYouService.warm` (what `paperboy serve` runs at start): it builds the default window's pool
 * and reads the recent papers readers saved or upvoted as examples, so a reader's first page reads
 * no example papers from the store, and ranks exactly as a page of a cold service does.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../src/app/open.ts';
import type { Store } from '../../src/app/store.ts';
import type { ForYouRepository } from '../../src/foryou/repository.ts';
import { ForYouService } from '../../src/foryou/service.ts';
import { tempDir } from '../support/app.ts';
import { makePaper } from '../support/papers.ts';

const NOW = Date.parse('2024-05-01T12:00:00.000Z');
const daysAgo = (d: number) => new Date(NOW - d * 86_400_000).toISOString();

/** For you as app/foryou.ts makes it, on the keyword model (no semantic index here). */
const forYou = (store: Store) =>
  new ForYouService({
    store,
    positives: [
      { verb: 'saved', ids: (u, n) => store.library.savedPaperIds(u, n) },
      { verb: 'upvoted', ids: (u, n) => store.forYou.upvoted(u, n) },
    ],
    vectors: async () => null,
    now: () => new Date(NOW),
  });

/** The store with its For-you repository's `briefs` reads recorded (the real repository answers). */
function recordingBriefs(store: Store, asked: number[][]): Store {
  const repo = new Proxy(store.forYou, {
    get(target, key) {
      if (key === 'briefs')
        return (ids: number[]) => {
          asked.push(ids);
          return target.briefs(ids);
        };
      const v = Reflect.get(target, key) as unknown;
      return typeof v === 'function' ? v.bind(target) : v;
    },
  }) as ForYouRepository;
  return new Proxy(store, {
    get: (target, key) => {
      if (key === 'forYou') return repo;
      const v = Reflect.get(target, key) as unknown;
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

test('warm reads the recent saved and upvoted papers once; a first page then reads no example and ranks the same', async () => {
  const dir = tempDir();
  const store = await openStore({ dataDir: path.join(dir, 'data') });
  try {
    const topics = ['graph kernels', 'protein folding', 'sparse attention', 'quantum codes'];
    const papers = Array.from({ length: 40 }, (_, k) =>
      makePaper({
        arxivId: `2404.${String(k + 1).padStart(5, '0')}`,
        title: `On ${topics[k % 4]} number ${k}`,
        abstract: `We study ${topics[k % 4]} and ${topics[(k + 1) % 4]} in setting ${k}.`,
        submittedAt: daysAgo(k < 36 ? k * 1.5 + 0.1 : 70 + k), // the last four: older than 60 days
      }),
    );
    await store.papers.upsertMany(papers);
    const rowId = async (k: number) => (await store.papers.get(papers[k]!.arxivId))!.id;
    const reader = (await store.users.create({
      email: 'w@example.org',
      name: 'warmreader',
      passwordHash: 'x',
      now: daysAgo(100),
    }))!;
    const other = (await store.users.create({
      email: 'o@example.org',
      name: 'otherreader',
      passwordHash: 'x',
      now: daysAgo(100),
    }))!;
    const saved = [8, 12, 20, 37]; // 37 is older than 60 days: not read by warm
    for (const k of saved) await store.library.addToDefault(reader.id, await rowId(k), 'Saved', daysAgo(1));
    for (const k of [9, 13]) await store.community.setVote(other.id, await rowId(k), true, daysAgo(1));

    const asked: number[][] = [];
    const warmService = forYou(recordingBriefs(store, asked));
    assert.equal(warmService.warmth, 'cold');
    const warming = warmService.warm();
    assert.equal(warmService.warmth, 'warming');
    assert.equal(await warming, 5, 'the five saved or upvoted papers of the last 60 days');
    assert.equal(warmService.warmth, 'ready');

    const warmPage = await warmService.page(reader.id);
    assert.deepEqual(
      asked.flat(),
      [await rowId(37)],
      'only the example warm left out (older than 60 days) is read by the page',
    );
    const coldPage = await forYou(store).page(reader.id);
    assert.ok(warmPage.items.length > 0);
    assert.deepEqual(
      warmPage.items.map((i) => [i.paperId, i.reasons]),
      coldPage.items.map((i) => [i.paperId, i.reasons]),
      'the same ranking and reasons as a service that was not warmed',
    );
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
