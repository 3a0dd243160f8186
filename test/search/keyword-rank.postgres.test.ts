/**
 * Keyword ranking on PostgreSQL is SQLite's (issue 18 item 1): the same generated library in both
 * stores, the same queries, the same top 10 — before the top lists exist (bm25 over the whole
 * match set) and after maintainKeywordIndex built them. A word with more than 5,000 matches is
 * ranked over all of them (the oldest paper is the best match), and common words answer.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openPostgresStore } from '../../src/app/postgres.store.ts';
import { SqliteStore } from '../../src/app/sqlite.store.ts';
import type { Store } from '../../src/app/store.ts';
import type { PaperInput } from '../../src/papers/paper.ts';
import { keywordPlan } from '../../src/search/plan.ts';
import { parseQuery } from '../../src/search/query/parse.ts';
import { searchPapers } from '../../src/search/service.ts';
import { listUse } from '../../src/search/toplists.pg.ts';
import { mulberry32 } from '../../src/shared/prng.ts';
import { makePaper } from '../support/papers.ts';
import { pgAdmin } from '../support/pg-admin.ts';

const N = 6_000;
const WORDS = `signal noise graph model robot policy protein enzyme galaxy orbit lattice spin fluid
  flow kernel sparse tensor neural network learning control sensor camera image depth motion legged
  gait terrain quantum circuit qubit error code channel radio antenna spectrum cluster dark matter
  halo star planet transit climate ocean carbon soil crop yield market price agent game equilibrium`
  .split(/\s+/)
  .filter(Boolean);
const FILLER = 'we each which both the of and a in to for with on that is are by from'.split(' ');

function library(): PaperInput[] {
  const r = mulberry32(7);
  const pick = (xs: string[]) => xs[Math.floor(r() * xs.length)]!;
  const text = (n: number) =>
    Array.from({ length: n }, () => (r() < 0.35 ? pick(FILLER) : pick(WORDS))).join(' ');
  const out: PaperInput[] = [];
  // The oldest paper is the best match for "signature": short, the word in its title and twice in
  // its abstract. The old ranking saw only the 5,000 newest matches and never found it.
  out.push(
    makePaper({
      arxivId: '1501.00001',
      title: 'Signature detection',
      abstract: 'A signature of spin order; the signature persists.',
      submittedAt: '2015-01-05T00:00:00.000Z',
    }),
  );
  for (let i = 1; i < N; i++) {
    const day = new Date(Date.UTC(2016, 0, 1) + i * 3_600_000 * 12).toISOString();
    out.push(
      makePaper({
        arxivId: `2${String(100 + Math.floor(i / 1000)).slice(1)}${String(i % 1000).padStart(2, '0')}.${String(i).padStart(5, '0')}`,
        // Every newer paper also holds "signature", once, in a longer title.
        title: `${text(4)} signature ${text(5)}`,
        abstract: text(25 + Math.floor(r() * 40)),
        submittedAt: day,
        updatedAt: day,
      }),
    );
  }
  return out;
}

const QUERIES = [
  'signature',
  'each',
  'which',
  'we',
  'both',
  'legged',
  'galaxy',
  'quantum error',
  'robot gait terrain',
  '"dark matter"',
  'qub*',
  'spin lattice',
  'neural network learning',
  'title:protein',
  'orbit -planet',
  'ocean OR climate',
];

const schema = `kwrank_${process.pid}_${Date.now().toString(36)}`;
const baseUrl = process.env.PAPERBOY_TEST_PG_URL;

const admin = (sql: string) => pgAdmin(baseUrl, sql);

describe('keyword ranking on PostgreSQL agrees with SQLite', {
  skip: !baseUrl && 'PAPERBOY_TEST_PG_URL unset',
}, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'paperboy-kwrank-'));
  let lite: Store;
  let pgs: Store;
  const top = async (store: Store, q: string) => {
    const ranked = await store.search.keyword(keywordPlan(parseQuery(q)), 10);
    const hits = new Map((await store.search.hits(ranked.map((r) => r.paperId))).map((h) => [h.paperId, h]));
    return ranked.map((r) => hits.get(r.paperId)!.arxivId);
  };
  const agree = async () => {
    for (const q of QUERIES) {
      const want = await top(lite, q);
      assert.ok(want.length > 0, `sqlite answers ${q}`);
      assert.deepEqual(await top(pgs, q), want, `top 10 of ${q}`);
    }
  };

  before(async () => {
    await admin(`CREATE SCHEMA ${schema}`);
    const u = new URL(baseUrl!);
    u.searchParams.set('options', `-c search_path=${schema}`);
    pgs = await openPostgresStore(u.toString());
    lite = new SqliteStore(path.join(dir, 'paperboy.db'));
    const papers = library();
    for (let i = 0; i < papers.length; i += 2_000) {
      await lite.papers.upsertMany(papers.slice(i, i + 2_000));
      await pgs.papers.upsertMany(papers.slice(i, i + 2_000));
    }
  });
  after(async () => {
    await pgs?.close();
    await lite?.close();
    await admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    rmSync(dir, { recursive: true, force: true });
  });

  it('ranks a word with over 5,000 matches over all of them: the old best match first', async () => {
    for (const store of [lite, pgs]) assert.equal((await top(store, 'signature'))[0], '1501.00001');
  });

  it('answers common words (each, which, we, both) through the search service', async () => {
    for (const q of ['each', 'which', 'we', 'both']) {
      const r = await searchPapers(
        { store: pgs, config: { data: dir, embedder: 'builtin' as const } },
        { q, mode: 'keyword' },
      );
      assert.ok(r.hits.length > 0, `${q} has keyword hits`);
    }
  });

  it('gives the top 10 SQLite gives, without top lists', async () => {
    await agree();
  });

  it('gives the top 10 SQLite gives, from the top lists', async () => {
    assert.match((await pgs.maintainKeywordIndex()) ?? '', /keyword top lists: \d+ phrases/);
    await lite.maintainKeywordIndex();
    await agree();
    // A paper added after the build is ranked live and merged (as SQLite's fresh rows).
    const late = makePaper({
      arxivId: '2601.00001',
      title: 'Signature signature',
      abstract: 'signature',
      submittedAt: '2026-01-01T00:00:00.000Z',
    });
    await lite.papers.upsertMany([late]);
    await pgs.papers.upsertMany([late]);
    assert.equal((await top(pgs, 'signature'))[0], '2601.00001');
    await agree();
  });

  it('ranks edited papers from their new text while the lists stay in use, without a rebuild', async () => {
    // The best match loses the word; a paper far down the list gains it in its title.
    const versions = [
      { version: 1, createdAt: '2024-01-02T03:04:05.000Z' },
      { version: 2, createdAt: '2024-03-02T03:04:05.000Z' },
    ];
    const edits = [
      makePaper({
        arxivId: '1501.00001',
        version: 2,
        versions,
        title: 'Detection',
        abstract: 'Of spin order.',
        submittedAt: '2015-01-05T00:00:00.000Z',
      }),
      makePaper({
        arxivId: '20300.03000', // library()'s paper 3,000
        version: 2,
        versions,
        title: 'Signature signature signature',
        abstract: 'signature',
        submittedAt: '2020-02-09T00:00:00.000Z',
      }),
    ];
    for (const store of [lite, pgs]) await store.papers.upsertMany(edits);
    assert.equal(await pgs.maintainKeywordIndex(), null, 'PostgreSQL: no rebuild for two edits');
    assert.equal(await lite.maintainKeywordIndex(), null, 'SQLite: no rebuild for two edits');
    const answered = listUse.answered;
    const best = await top(pgs, 'signature');
    assert.ok(listUse.answered > answered, 'answered from the lists');
    assert.equal(best[0], '20300.03000', 'the edited paper rose to the top');
    assert.ok(!best.includes('1501.00001'), 'the other one left');
    await agree();
  });
});
