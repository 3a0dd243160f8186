/**
 * Issue 16 item 11: the demo's dates agree with themselves. A featuring's time falls on its day
 * (the card's label and its `datetime`), a reply is never older than its parent, on both stores;
 * and the demo banner is not put on the page of a real paper imported beside the demo.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadDemo } from '../../src/demo/demo.ts';
import { generateDemo } from '../../src/demo/generate.ts';
import { PasswordHasher } from '../../src/users/password.ts';
import { bothStores } from '../digest/helpers.ts';
import { startApp } from '../support/app.ts';
import { makePaper } from '../support/papers.ts';

const options = { papers: 300, days: 14, readers: 10, seed: 7 };

const clocks = [new Date('2026-11-20T12:00:00Z'), new Date('2026-11-20T00:30:00Z')];

it('the generated corpus: each featuring is dated on its day', () => {
  for (const now of clocks)
    for (const f of generateDemo({ ...options, now }).featured) {
      assert.equal(f.at.slice(0, 10), f.day, `${f.arxivId} featured ${f.day} at ${f.at}`);
      assert.ok(f.at < now.toISOString());
    }
});

it('the generated corpus: a reply comes after its parent', () => {
  for (const now of clocks) {
    const c = generateDemo({ ...options, now });
    const replies = c.comments.filter((x) => x.replyTo !== null);
    assert.ok(replies.length > 5);
    for (const r of replies) assert.ok(r.at > c.comments[r.replyTo!]!.at, `${r.at} after its parent`);
    for (const x of c.comments) assert.ok(x.at < now.toISOString());
  }
});

for (const [name, open] of bothStores) {
  describe(`loaded demo dates (${name})`, () => {
    it('stored featurings and replies keep those dates', async () => {
      const { store, close } = await open();
      try {
        await loadDemo(store, new PasswordHasher(), options);
        const corpus = generateDemo({ ...options, now: new Date() });
        const days = [...new Set(corpus.featured.map((f) => f.day))];
        let seen = 0;
        for (const day of days)
          for (const f of await store.papers.featuredOn(day)) {
            assert.equal(f.createdAt.slice(0, 10), day, `${f.arxivId}: featured ${day}, at ${f.createdAt}`);
            seen++;
          }
        assert.ok(seen > 50);
        let replies = 0;
        for (const arxivId of new Set(corpus.comments.map((c) => c.arxivId))) {
          const paper = (await store.papers.get(arxivId))!;
          const list = await store.community.commentsFor(paper.id);
          const byId = new Map(list.map((c) => [c.id, c]));
          for (const c of list) {
            if (c.parentId === null) continue;
            replies++;
            assert.ok(c.createdAt > byId.get(c.parentId)!.createdAt, `reply ${c.id} after its parent`);
          }
        }
        assert.ok(replies > 0);
      } finally {
        await close();
      }
    });
  });
}

it('the demo banner shows on demo pages, not on a real paper imported beside them', async () => {
  const t = await startApp();
  try {
    await t.store.papers.upsertMany([makePaper({ arxivId: '2401.00001' })]);
    await loadDemo(t.store, new PasswordHasher(), options);
    const demoId = generateDemo({ ...options, now: new Date() }).papers[0]!.arxivId;
    const page = async (p: string) => {
      const res = await fetch(`${t.url}${p}`);
      assert.equal(res.status, 200, p);
      return res.text();
    };
    assert.match(await page('/'), /class="demo-banner"/);
    assert.match(await page(`/papers/${demoId}`), /class="demo-banner"/);
    assert.doesNotMatch(await page('/papers/2401.00001'), /class="demo-banner"/);
  } finally {
    await t.close();
  }
});
