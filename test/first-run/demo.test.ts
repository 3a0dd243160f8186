/** `paperboy demo` loads marked records; `--remove` brings every count back, real data untouched. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { SqliteStore } from '../../src/app/sqlite.store.ts';
import { loadDemo, removeDemo } from '../../src/demo/demo.ts';
import { generateDemo } from '../../src/demo/generate.ts';
import { PasswordHasher } from '../../src/users/password.ts';
import { tempDir } from '../support/app.ts';
import { makePaper } from '../support/papers.ts';

const now = new Date('2026-11-20T12:00:00Z');

test('the demo corpus is deterministic, in the demo id range, and never in the future', () => {
  const a = generateDemo({ papers: 200, days: 14, readers: 8, seed: 3, now });
  const b = generateDemo({ papers: 200, days: 14, readers: 8, seed: 3, now });
  assert.deepEqual(a, b);
  assert.equal(new Set(a.papers.map((p) => p.arxivId)).size, 200);
  for (const p of a.papers) {
    assert.match(p.arxivId, /^\d{4}\.9\d{4}$/);
    assert.ok(p.submittedAt < now.toISOString());
  }
  assert.ok(a.featured.length >= 14 * 8 - 16, `featured ${a.featured.length}`);
  assert.ok(a.votes.length > a.featured.length, 'some featured papers have several votes');
  assert.ok(
    a.comments.some((c) => c.replyTo !== null),
    'some comments are replies',
  );
});

test('demo --remove leaves exactly the records that were there before', async () => {
  const store = new SqliteStore(path.join(tempDir(), 'paperboy.db'));
  try {
    const hasher = new PasswordHasher();
    // Real data that must survive: a paper, an account, its vote and comment, a featuring.
    await store.papers.upsertMany([makePaper({ arxivId: '2401.00001' })]);
    await store.papers.feature({
      arxivId: '2401.00001',
      day: '2024-01-02',
      source: 'rule',
      submittedBy: null,
      importedUpvotes: 0,
    });
    const real = (await store.users.create({
      email: 'a@x.org',
      name: 'ada',
      passwordHash: 'x',
      now: now.toISOString(),
    }))!;
    const realPaper = (await store.papers.get('2401.00001'))!;
    await store.community.setVote(real.id, realPaper.id, true, now.toISOString());
    await store.community.addComment({
      paperId: realPaper.id,
      userId: real.id,
      parentId: null,
      body: 'hi',
      now: now.toISOString(),
    });
    const before = await store.firstRun.counts();

    const loaded = await loadDemo(store, hasher, { papers: 300, days: 14, readers: 10 });
    assert.equal(loaded.papers, 300);
    assert.ok(
      loaded.featured > 50 && loaded.votes > loaded.featured && loaded.comments > 5,
      JSON.stringify(loaded),
    );
    const during = await store.firstRun.counts();
    assert.equal(during.papers, before.papers + 300);
    assert.equal(during.users, before.users + 10);
    assert.equal(during.votes, before.votes + loaded.votes);
    assert.equal(during.comments, before.comments + loaded.comments);
    assert.deepEqual(await store.firstRun.demoCounts(), { papers: 300, users: 10 });
    await assert.rejects(loadDemo(store, hasher, { papers: 20 }), /already loaded/);

    // A real reader votes on a demo paper: that vote is demo activity too, and goes with it.
    const demoPaper = (await store.papers.get(
      generateDemo({ papers: 300, days: 14, readers: 10, seed: 7, now: new Date() }).papers[0]!.arxivId,
    ))!;
    assert.equal(demoPaper.demo, true);
    await store.community.setVote(real.id, demoPaper.id, true, now.toISOString());

    const removed = await removeDemo(store);
    assert.deepEqual(removed, { papers: 300, users: 10 });
    assert.deepEqual(await store.firstRun.counts(), before);
    assert.deepEqual(await store.firstRun.demoCounts(), { papers: 0, users: 0 });
    assert.equal((await store.papers.get('2401.00001'))?.demo, false);
    // The keyword index forgot the demo papers too (contentless FTS5 rows have no foreign key).
    const fts = store.db.prepare('SELECT count(*) AS n FROM papers_fts').get() as { n: number };
    assert.equal(fts.n, 1);
  } finally {
    await store.close();
  }
});
