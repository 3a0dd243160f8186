/**
 * Issue 14 item 6: the digest is personal for account holders. A subscriber whose address is an
 * account's verified email gets their For-you picks first, each with its reason in the words
 * /for-you uses, then the trending papers with the site's vote counts; what they hid or marked
 * "less like this" never appears. A subscriber without an account gets the digest they got before,
 * and an account with nothing to learn from gets the regular digest, not an empty section.
 * Planned as the scheduler plans (planDigests with For you as src/app/foryou.ts builds it), on
 * SQLite and PostgreSQL.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { createForYou } from '../../src/app/foryou.ts';
import type { Store } from '../../src/app/store.ts';
import { digestCommand } from '../../src/cli/commands/digest.ts';
import type { ComposedDigest } from '../../src/digest/compose.ts';
import { slotOn } from '../../src/digest/period.ts';
import { planDigests } from '../../src/digest/plan.ts';
import type { RenderedMail } from '../../src/digest/template.ts';
import { totalVotes } from '../../src/feed/feed.ts';
import { ForYouService } from '../../src/foryou/service.ts';
import { tempDir } from '../support/app.ts';
import {
  addConfirmed,
  bothStores,
  defaultPrefs,
  digestConfig,
  SLOT_DAY,
  SLOT_MS,
  seedPapers,
  sqliteStore,
  type TestStore,
} from './helpers.ts';

const NOW = new Date(SLOT_MS - 86_400_000).toISOString();
const slot = slotOn(SLOT_DAY, '06:00', 'UTC');

async function account(store: Store, email: string, name: string, verified = true): Promise<number> {
  const user = (await store.users.create({ email, name, passwordHash: 'x', now: NOW }))!;
  if (verified) await store.users.markVerified(user.id, NOW);
  return user.id;
}

async function paperId(store: Store, arxivId: string): Promise<number> {
  return (await store.papers.get(arxivId))!.id;
}

/** Every due subscriber's composed digest and mail, by address (a dry run writes nothing). */
async function plan(store: Store, data: string, personal: boolean) {
  const config = digestConfig(data);
  const out = new Map<string, { digest: ComposedDigest; mail: RenderedMail }>();
  await planDigests(store, config, {
    slot,
    runId: null,
    now: SLOT_MS,
    dryRun: true,
    ...(personal ? { forYou: createForYou(store, config, { now: () => new Date(SLOT_MS) }) } : {}),
    onPreview: (s, mail, digest) => out.set(s.email, { digest, mail }),
  });
  return out;
}

function runOn(name: string, open: () => Promise<TestStore>) {
  describe(`personal digest (${name})`, () => {
    let env: TestStore | null = null;
    const data = tempDir('paperboy-personal-');
    after(async () => {
      await env?.close();
      rmSync(data, { recursive: true, force: true });
    });

    it('an account holder gets For-you picks with reasons first, then trending with site votes; others are unchanged', async () => {
      env = await open();
      const { store } = env;
      // 24 papers over the two days before the slot: topics cycle by 6 (3: protein folding,
      // 0: diffusion models), every 4th by Geoffrey Hinton; every 3rd featured with imported votes.
      const ids = await seedPapers(store, 24);

      const reader = await account(store, 'reader@example.org', 'reader');
      await addConfirmed(store, 'reader@example.org', defaultPrefs({ paperCount: 10 }));
      const saved = await store.library.ensureDefault(reader, 'Saved', NOW);
      for (const i of [3, 9]) await store.library.add(saved.id, reader, await paperId(store, ids[i]!), NOW);
      for (const [kind, value] of [
        ['author', 'Geoffrey Hinton'],
        ['search', 'diffusion -survey'],
      ] as const)
        await store.forYou.follow(reader, ForYouService.normalize(kind, value), NOW);
      // Paper 0 (Hinton, diffusion, the most upvoted highlight) is hidden; 21 (protein folding,
      // like the saved ones, featured) is "less like this": both would be in the digest otherwise.
      await store.forYou.setFeedback(reader, await paperId(store, ids[0]!), 'hide', NOW);
      await store.forYou.setFeedback(reader, await paperId(store, ids[21]!), 'less', NOW);
      // The site's own votes: two local upvotes on a featured paper.
      for (const v of ['v1', 'v2']) {
        const voter = await account(store, `${v}@example.org`, v);
        await store.community.setVote(voter, await paperId(store, ids[15]!), true, NOW);
      }
      // Without an account, and with an account whose address is not verified: interest fields.
      const interests = { categories: ['cs.LG'], keywords: ['protein'], authors: [] };
      await addConfirmed(store, 'plain@example.org', defaultPrefs({ paperCount: 10, interests }));
      await account(store, 'unverified@example.org', 'unverified', false);
      await addConfirmed(store, 'unverified@example.org', defaultPrefs({ paperCount: 10, interests }));

      const before = await plan(store, data, false);
      const now = await plan(store, data, true);
      const { digest, mail } = now.get('reader@example.org')!;

      // For you leads, then trending; nothing of the interest section.
      const sections = digest.items.map((i) => i.section);
      const firstHighlight = sections.indexOf('highlights');
      assert.equal(sections[0], 'foryou', `sections: ${sections.join(' ')}`);
      assert.ok(firstHighlight > 0, 'trending follows the picks');
      assert.ok(sections.slice(firstHighlight).every((s) => s === 'highlights'));
      assert.equal(digest.items.length, 10);

      // Each pick says why, in /for-you's words.
      const picks = digest.items.filter((i) => i.section === 'foryou');
      assert.ok(picks.every((p) => p.reasons.length > 0));
      const reasons = picks.flatMap((p) => p.reasons);
      assert.ok(reasons.includes('by Geoffrey Hinton, whom you follow'), reasons.join(' | '));
      assert.ok(reasons.includes('matches your followed search `diffusion -survey`'), reasons.join(' | '));
      assert.ok(
        reasons.some((r) => /^similar to “On protein folding: result (3|9)”.*, which you saved$/.test(r)),
        reasons.join(' | '),
      );
      // Hidden and "less like this" appear nowhere; the saved papers are not offered back as picks.
      const listed = digest.items.map((i) => i.paper.arxivId);
      assert.ok(!listed.includes(ids[0]!) && !listed.includes(ids[21]!), listed.join(' '));
      assert.ok(!picks.some((p) => [ids[3], ids[9]].includes(p.paper.arxivId)));

      // Trending with the site's vote counts (imported + local).
      const highlights = digest.items.filter((i) => i.section === 'highlights');
      const feed = await store.feed.items(
        await Promise.all(highlights.map((h) => paperId(store, h.paper.arxivId))),
      );
      const votes = new Map(feed.map((f) => [f.paper.arxivId, totalVotes(f.stats)]));
      for (const h of highlights) assert.equal(h.upvotes, votes.get(h.paper.arxivId));
      assert.equal(digest.items.find((i) => i.paper.arxivId === ids[15])?.upvotes, 100 - 15 + 2);

      // Both parts of the mail carry the section and the reasons.
      assert.match(mail.text, /^For you\n-------\n/m);
      assert.match(mail.text, /^ {3}Why: .*by Geoffrey Hinton, whom you follow/m);
      assert.match(mail.text, /^ {3}Why: .*matches your followed search `diffusion -survey`/m);
      assert.ok(mail.text.indexOf('For you') < mail.text.indexOf('Trending today'));
      assert.match(mail.html, />For you<\/h2>/);
      assert.match(mail.html, /Why: [^<]*by Geoffrey Hinton, whom you follow/);
      assert.match(mail.html, /Why: [^<]*similar to “On protein folding: result (3|9)”/);

      // Without an account (or with an unverified one): exactly the digest of before.
      for (const email of ['plain@example.org', 'unverified@example.org']) {
        assert.equal(now.get(email)!.mail.text, before.get(email)!.mail.text, email);
        assert.equal(now.get(email)!.mail.html, before.get(email)!.mail.html, email);
        assert.ok(now.get(email)!.digest.items.some((i) => i.section === 'interests'));
      }
    });

    it('an account with nothing to learn from gets the regular digest, minus what it hid', async () => {
      const { store } = env!;
      // cs.CV holds papers 1, 7, 13 and 19, none of them featured.
      const interests = { categories: ['cs.CV'], keywords: [], authors: [] };
      const quiet = await account(store, 'quiet@example.org', 'quiet');
      await addConfirmed(store, 'quiet@example.org', defaultPrefs({ paperCount: 8, interests }));
      await addConfirmed(store, 'twin@example.org', defaultPrefs({ paperCount: 9, interests }));
      // The twin's digest, one paper longer, is the regular one (5 trending, 4 matches); the quiet
      // reader, with an account but nothing saved, upvoted or followed, hid one of its matches.
      const regular = (await plan(store, data, true)).get('twin@example.org')!.digest;
      const hiddenId = regular.items.find((i) => i.section === 'interests')!.paper.arxivId;
      await store.forYou.setFeedback(quiet, await paperId(store, hiddenId), 'hide', NOW);

      const { digest, mail } = (await plan(store, data, true)).get('quiet@example.org')!;
      assert.ok(!digest.items.some((i) => i.section === 'foryou'), 'no For-you section');
      assert.doesNotMatch(mail.text, /^For you$/m);
      assert.deepEqual(
        digest.items.map((i) => [i.section, i.paper.arxivId]),
        regular.items.filter((i) => i.paper.arxivId !== hiddenId).map((i) => [i.section, i.paper.arxivId]),
      );
    });
  });
}

for (const [name, open] of bothStores) runOn(name, open);

describe('paperboy digest preview is personal (sqlite)', () => {
  it('the command builds For you as the scheduler does: the preview leads with the picks', async () => {
    const s = sqliteStore();
    try {
      const ids = await seedPapers(s.store, 24);
      const reader = await account(s.store, 'reader@example.org', 'reader');
      await addConfirmed(s.store, 'reader@example.org', defaultPrefs({ paperCount: 6 }));
      await s.store.forYou.follow(reader, ForYouService.normalize('author', 'Geoffrey Hinton'), NOW);
      await s.store.forYou.setFeedback(reader, await paperId(s.store, ids[0]!), 'hide', NOW);
      const out = path.join(s.dir, 'preview');
      const code = await digestCommand(digestConfig(s.dir), ['preview', 'reader@example.org'], {
        json: false,
        dryRun: false,
        period: SLOT_DAY,
        out,
      });
      assert.equal(code, 0);
      const text = readFileSync(`${out}.txt`, 'utf8');
      assert.match(text, /\n\nFor you\n-------\n\n1\. /);
      assert.match(text, /^ {3}Why: by Geoffrey Hinton, whom you follow/m);
      assert.ok(!text.includes(ids[0]!), 'the hidden paper is left out');
    } finally {
      await s.store.close();
      rmSync(s.dir, { recursive: true, force: true });
    }
  });
});
