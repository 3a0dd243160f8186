/**
 * Issue 13 (seam: the digest ranked without the site's own votes): a weekly digest's highlights
 * are the site's /trending order with the site's vote counts, local votes included. Before, the
 * digest scored featured papers by imported upvotes only: papers with 22, 13 and 11 local votes
 * were left out while 0-vote papers led. Run on SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import type { Store } from '../../src/app/store.ts';
import type { ComposedDigest } from '../../src/digest/compose.ts';
import { slotOn } from '../../src/digest/period.ts';
import { planDigests } from '../../src/digest/plan.ts';
import { totalVotes } from '../../src/feed/feed.ts';
import { tempDir } from '../support/app.ts';
import {
  addConfirmed,
  bothStores,
  defaultPrefs,
  digestConfig,
  SLOT_DAY,
  SLOT_MS,
  seedPapers,
  type TestStore,
} from './helpers.ts';

const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

async function seedVotes(store: Store, ids: string[]): Promise<void> {
  // Papers featured earlier in the week without imported upvotes; the site's readers vote on them.
  const local: [string, number, number][] = [
    [ids[1]!, 22, 2],
    [ids[2]!, 13, 3],
    [ids[4]!, 11, 4],
    [ids[5]!, 0, 5],
  ];
  for (const [arxivId, , daysBack] of local)
    await store.papers.feature({
      arxivId,
      day: isoDay(SLOT_MS - daysBack * DAY),
      source: 'submission',
      submittedBy: null,
      importedUpvotes: 0,
    });
  const now = new Date(SLOT_MS - DAY).toISOString();
  const voters = [];
  for (let u = 0; u < 22; u++)
    voters.push(
      (await store.users.create({ email: `v${u}@example.org`, name: `voter${u}`, passwordHash: 'x', now }))!,
    );
  for (const [arxivId, votes] of local) {
    const paper = (await store.papers.get(arxivId))!;
    for (const v of voters.slice(0, votes)) await store.community.setVote(v.id, paper.id, true, now);
  }
}

function runOn(name: string, open: () => Promise<TestStore>) {
  describe(`digest trending = site trending (${name})`, () => {
    let env: TestStore | null = null;
    after(async () => env?.close());

    it("a weekly digest lists the site's /trending order with the site's vote counts", async () => {
      env = await open();
      const { store } = env;
      const data = tempDir('paperboy-trending-');
      try {
        const ids = await seedPapers(store, 24);
        await seedVotes(store, ids);
        await addConfirmed(
          store,
          'weekly@example.org',
          defaultPrefs({ frequency: 'weekly', weekday: 3, paperCount: 10 }),
        );
        const composed: ComposedDigest[] = [];
        await planDigests(store, digestConfig(data), {
          slot: slotOn(SLOT_DAY, '06:00', 'UTC'),
          runId: null,
          now: SLOT_MS,
          dryRun: true,
          onPreview: (_s, _m, d) => composed.push(d),
        });
        assert.equal(composed.length, 1);
        const digest = composed[0]!.items.filter((i) => i.section === 'highlights');

        const site = (await store.feed.trending(100, 0)).slice(0, 10);
        assert.deepEqual(
          digest.map((i) => [i.paper.arxivId, i.upvotes]),
          site.map((s) => [s.paper.arxivId, totalVotes(s.stats)]),
        );
        // The local votes are there, and the 22-vote paper is among the listed.
        assert.ok(digest.some((i) => i.paper.arxivId === ids[1] && i.upvotes === 22));
      } finally {
        rmSync(data, { recursive: true, force: true });
      }
    });
  });
}

for (const [name, open] of bothStores) runOn(name, open);
