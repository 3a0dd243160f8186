/**
 * Keyword top lists (src/db/toplists.ts) answer exactly what FTS5 would: same rows, same
 * scores — for one phrase, for AND-ed phrases (or they decline), with papers added after the
 * build, and never with stale scores after a paper's text changed. Real SQLite file, a corpus
 * big enough that common words overflow a list (more than TOPLIST_K matches).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SqliteStore } from '../../src/app/sqlite.store.ts';
import { BM25_WEIGHTS } from '../../src/db/fts5.ts';
import { combine, maxDirtyRows, type Ranked, TOPLIST_K, TopLists } from '../../src/db/toplists.ts';
import { rebuildTopLists, topListsStale } from '../../src/db/toplists-build.ts';
import { keywordHits } from '../support/keyword.ts';
import { makePaper } from '../support/papers.ts';
import { addLibrary, assertSameRanking, ftsRanking, paper } from '../support/zipf-papers.ts';

const N = 6000;

describe('keyword top lists', () => {
  let dir: string;
  let store: SqliteStore;
  let direct: (match: string, k: number) => Ranked[];

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'pb-toplists-'));
    store = new SqliteStore(path.join(dir, 'paperboy.db'));
    await addLibrary(store, N);
    direct = ftsRanking(store.db);
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const same = assertSameRanking;

  const queries = [
    ['"w0x"'],
    ['"w1x"'],
    ['"w5x"'],
    ['"w0x"', '"w1x"'],
    ['"w0x"', '"w2x"', '"w3x"'],
    ['"w1x"', '"w9x"'],
    ['title : "w0x"'],
  ];

  test('before any rebuild the lists decline and search still answers exactly', async () => {
    const lists = new TopLists(store.db);
    assert.equal(lists.validChanges(), null);
    assert.equal(lists.rank(['"w0x"'], 10), null);
    const hits = await keywordHits(store, 'w0x', 10);
    assert.deepEqual(
      hits.map((h) => h.score.toFixed(9)),
      direct('"w0x"', 10).map((r) => r.score.toFixed(9)),
    );
  });

  test('after a rebuild common words have lists, overflowing K, and answer like FTS5', () => {
    const report = rebuildTopLists(store.db, { sample: 2000, minShare: 0.01 });
    assert.equal(report.valid, true);
    assert.ok(report.phrases >= 20, `only ${report.phrases} phrases`);
    const full = store.db.prepare('SELECT complete FROM keyword_toplists WHERE phrase = ?').get('"w0x"') as {
      complete: number;
    };
    assert.equal(full.complete, 0, 'w0x must match more than K papers for this test to mean anything');
    assert.ok((direct('"w0x"', N) as Ranked[]).length > TOPLIST_K);
    const lists = new TopLists(store.db);
    let answered = 0;
    for (const q of queries)
      for (const k of [1, 10, 50]) {
        const got = lists.rank(q, k);
        if (q.length === 1 && !q[0]!.startsWith('title'))
          assert.ok(got, `${q} must be answered from its list`);
        if (got) {
          answered++;
          same(got, direct(q.join(' AND '), k), `${q.join(' ')} k=${k}`);
        }
      }
    assert.ok(answered >= 12, `lists answered ${answered} of ${queries.length * 3}`);
  });

  test('a one-phrase query FTS5 had to rank is remembered as a list', async () => {
    const lists = new TopLists(store.db);
    assert.equal(lists.rank(['"w0" *'], 10), null);
    const want = direct('"w0" *', 10);
    same(
      lists.rankOrRemember(['"w0" *'], 10, (k) => direct('"w0" *', k)),
      want,
      'first ask',
    );
    const again = lists.rank(['"w0" *'], 10);
    assert.ok(again, 'remembered');
    same(again, want, 'second ask');
  });

  test('phrases without a stored list are ranked live: any AND query answers exactly', () => {
    const lists = new TopLists(store.db);
    let fromLists = 0;
    for (const rare of ['"wax"', '"w9ex"', '"w3" *', 'title : "w2x"'])
      for (const common of ['"w0x"', '"w1x"', '"w4x"']) {
        const q = [common, rare];
        const want = direct(q.join(' AND '), 10);
        let asked = false;
        const got = lists.rankOrRemember(q, 10, (k) => {
          asked = true;
          return direct(q.join(' AND '), k);
        });
        if (!asked) fromLists++;
        same(got, want, q.join(' '));
      }
    assert.ok(fromLists >= 3, `lists answered ${fromLists} of 12 mixed queries`);
  });

  test('asked for 500 with 11 enough, an AND of common words answers with the head FTS5 ranks first', () => {
    const lists = new TopLists(store.db);
    let shorter = 0;
    for (const q of [
      ['"w0x"', '"w1x"'],
      ['"w0x"', '"w2x"', '"w3x"'],
      ['"w1x"', '"w4x"'],
    ]) {
      const want = direct(q.join(' AND '), 500);
      let asked = false;
      const got = lists.rankOrRemember(
        q,
        500,
        (k) => {
          asked = true;
          return direct(q.join(' AND '), k);
        },
        11,
      );
      assert.ok(got.length >= Math.min(11, want.length), `${q}: at least the 11 asked for`);
      if (!asked && got.length < want.length) shorter++;
      same(got, want.slice(0, got.length), `${q.join(' ')} head of ${got.length}`);
    }
    assert.ok(
      shorter >= 1,
      'at least one query must be answered by a proven head for this test to mean anything',
    );
  });

  test('an OR group of a frequent word and rare synonyms is ranked exactly without FTS5 ranking it', () => {
    const lists = new TopLists(store.db);
    const cases: [string[], boolean][] = [
      [['"w0x"', '"w9ex"', '"w9fx"'], true],
      [['"w1x"', '"wax"'], true],
      [['"w9ex"', '"w9fx"', '"wa0x"'], true],
      [['"w0x"', '"w1x"', '"w9ex"'], false], // two truncated lists: FTS5 ranks it
    ];
    for (const [alts, fromLists] of cases) {
      const match = `(${alts.join(' OR ')})`;
      let asked = false;
      const got = lists.rankGroupOrFts(alts, 20, (k) => {
        asked = true;
        return direct(match, k);
      });
      assert.equal(!asked, fromLists, `${match}: answered from lists`);
      same(got, direct(match, 20), match);
    }
  });

  test('papers added after the build are ranked live and merged', async () => {
    // Titles stuffed with the common words: they belong at the top.
    await store.papers.upsertMany(
      Array.from({ length: 30 }, (_, j) => paper(N + 1 + j, 'w0x w0x w0x w1x w1x w2x w3x')),
    );
    const side = store.db.prepare('SELECT count(*) AS n FROM keyword_dirty_fts').get() as { n: number };
    assert.equal(side.n, 30, 'new papers are indexed apart, so FTS5 need not walk whole doclists for them');
    const lists = new TopLists(store.db);
    // Listed rows keep their build-time scores while the new papers moved bm25's statistics a
    // little: scores agree within 2% (absolute below 1), and the new papers FTS5 puts in the top 10 are there.
    let checked = 0;
    for (const q of queries) {
      const got = lists.rank(q, 10);
      if (!got) continue;
      checked++;
      const want = direct(q.join(' AND '), 10);
      assert.equal(got.length, want.length);
      for (const [i, g] of got.entries())
        assert.ok(
          Math.abs(g.score - want[i]!.score) < 0.02 * Math.max(1, Math.abs(want[i]!.score)),
          `${q} #${i}: ${g.id}@${g.score} vs ${want[i]!.id}@${want[i]!.score}`,
        );
      const mine = new Set(got.map((r) => r.id));
      for (const w of want) if (w.id > N) assert.ok(mine.has(w.id), `${q}: new paper ${w.id} missing`);
    }
    assert.ok(checked >= 3, `lists answered ${checked} queries`);
    const top = lists.rank(['"w0x"'], 10);
    assert.ok(
      top?.some((r) => r.id > N),
      'a new paper reaches the top 10',
    );
  });

  const arxivOf = (id: number) =>
    (store.db.prepare('SELECT arxiv_id FROM papers WHERE id = ?').get(id) as { arxiv_id: string }).arxiv_id;
  const edit = (id: number, title: string, abstract: string) =>
    makePaper({
      arxivId: arxivOf(id),
      version: 2,
      versions: [
        { version: 1, createdAt: '2024-01-02T03:04:05.000Z' },
        { version: 2, createdAt: '2024-02-02T03:04:05.000Z' },
      ],
      title,
      abstract,
    });

  test('edited and deleted papers are ranked from their current text while the lists stay in use', async () => {
    const lists = new TopLists(store.db);
    const valid = lists.validChanges();
    assert.notEqual(valid, null);
    // One leaves the top of "w0x", one enters it, one of "w1x"'s best is deleted.
    const leaving = lists.rank(['"w0x"'], 1)![0]!.id;
    const entering = lists.rank(['"w0x"'], 200)!.at(-1)!.id;
    const deleted = lists.rank(['"w1x"'], 1)![0]!.id;
    assert.ok(new Set([leaving, entering, deleted]).size === 3 && entering <= N, 'three listed papers');
    await store.papers.upsertMany([
      edit(leaving, 'nothing common here', 'rewritten'),
      edit(entering, 'w0x w0x w0x w0x w0x w0x w0x w0x w1x w1x w2x w3x w9ex', 'w0x w1x w2x w3x'),
    ]);
    await store.firstRun.markDemoPapers([arxivOf(deleted)]);
    await store.firstRun.removeDemo();
    assert.equal(lists.validChanges(), valid, 'the lists stay in use');
    let compared = 0;
    for (const q of [...queries, ['"w9ex"', '"w0x"']])
      for (const k of [1, 10, 50]) {
        const before = lists.answered;
        const got = lists.rank(q, k);
        if (q.length === 1 && !q[0]!.startsWith('title')) assert.ok(got, `${q} is answered by its list`);
        if (!got) continue;
        assert.equal(lists.answered, before + 1, 'answered from the lists, not by FTS5');
        compared++;
        const want = direct(q.join(' AND '), k);
        const label = `${q.join(' ')} k=${k}`;
        // The 30 papers added since the build moved bm25's statistics a little, so listed scores
        // (the build's) may swap near-ties with FTS5's (the strict test is in the next describe).
        // The edited paper's score is today's, to the bit, at FTS5's rank.
        assert.equal(got.length, want.length, label);
        for (const [i, g] of got.entries())
          assert.ok(
            Math.abs(g.score - want[i]!.score) < 0.02 * Math.max(1, want[i]!.score),
            `${label} #${i}`,
          );
        const at = got.findIndex((r) => r.id === entering);
        assert.equal(
          at,
          want.findIndex((r) => r.id === entering),
          `${label}: the edited paper's rank`,
        );
        if (at >= 0) assert.ok(Math.abs(got[at]!.score - want[at]!.score) < 1e-15, `${label}: its score`);
        for (const gone of [leaving, deleted])
          assert.equal(
            got.some((r) => r.id === gone),
            want.some((r) => r.id === gone),
            `${label}: ${gone}`,
          );
      }
    assert.ok(compared >= 15, `lists answered ${compared} queries`);
    const top = lists.rank(['"w0x"'], 10)!.map((r) => r.id);
    assert.ok(top.includes(entering), 'the edited paper moved into the top 10');
    assert.ok(!lists.rank(['"w0x"'], 200)!.some((r) => r.id === leaving), 'the other moved out');
    assert.ok(!lists.rank(['"w1x"'], 200)!.some((r) => r.id === deleted), 'the deleted paper is gone');
    const hits = await keywordHits(store, 'w0x', 10);
    assert.ok(!hits.some((h) => h.arxivId === arxivOf(leaving)), 'search no longer finds it for w0x');
    // An OR group (the hybrid search's word + synonyms) takes the same rows.
    const group = ['"w0x"', '"w9ex"', '"w9fx"'];
    const before = lists.answered;
    const got = lists.rankGroupOrFts(group, 20, () => []);
    assert.equal(lists.answered, before + 1, 'the group answered from the lists');
    assert.deepEqual(
      got.map((r) => r.id),
      direct(`(${group.join(' OR ')})`, 20).map((r) => r.id),
    );
  });

  test('a rebuild takes the edits in and forgets them', async () => {
    assert.equal(rebuildTopLists(store.db, { sample: 2000, minShare: 0.01 }).valid, true);
    const dirty = store.db.prepare('SELECT count(*) AS n FROM keyword_toplists_dirty').get() as { n: number };
    assert.equal(dirty.n, 0);
    same(new TopLists(store.db).rank(['"w0x"'], 10)!, direct('"w0x"', 10), 'after rebuild');
  });
});

/** `p` as its version 2, with the fields in `change` rewritten. */
const v2 = (p: ReturnType<typeof paper>, change: { title?: string; abstract?: string }) => ({
  ...p,
  ...change,
  version: 2,
  versions: [
    { version: 1, createdAt: '2024-01-02T03:04:05.000Z' },
    { version: 2, createdAt: '2024-03-02T03:04:05.000Z' },
  ],
});

describe('an edit, nothing else changed: the lists answer exactly what FTS5 ranks, without a rebuild', () => {
  test('one paper rises into the top of "w0x" by its abstract, another falls out by its title', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pb-toplists-e-'));
    const store = new SqliteStore(path.join(dir, 'paperboy.db'));
    try {
      const n = 3000;
      await store.papers.upsertMany(Array.from({ length: n }, (_, i) => paper(i + 1)));
      rebuildTopLists(store.db, { sample: 2000, minShare: 0.01 });
      const st = store.db.prepare(`SELECT rowid AS id, -bm25(papers_fts, ${BM25_WEIGHTS}) AS score
        FROM papers_fts WHERE papers_fts MATCH '"w0x"' ORDER BY bm25(papers_fts, ${BM25_WEIGHTS}) LIMIT ?`);
      const fts = (k: number) =>
        (st.all(k) as unknown as Ranked[]).map((r) => ({ id: r.id, score: r.score }));
      const lists = new TopLists(store.db);
      const words = (s: string) => s.split(' ');
      // Edits that keep every paper's token count and the papers holding "w0x": bm25's
      // statistics for "w0x" stay as they were, so every listed score is still exact.
      const top = new Set(fts(50).map((r) => r.id));
      const holds = (i: number) => words(paper(i).abstract).includes('w0x');
      const falling = fts(1)[0]!.id;
      const rising = Array.from({ length: n }, (_, i) => i + 1).find((i) => !top.has(i) && holds(i))!;
      assert.ok(holds(falling), 'the falling paper keeps "w0x" in its abstract');
      const old = paper(rising);
      await store.papers.upsertMany([
        v2(old, {
          abstract: words(old.abstract)
            .map(() => 'w0x')
            .join(' '),
        }),
        v2(paper(falling), {
          title: words(paper(falling).title)
            .map(() => 'wzzx')
            .join(' '),
        }),
      ]);
      assert.equal(topListsStale(store.db), false, 'an edit is no reason to rebuild');
      for (const k of [1, 10, 50, 200]) {
        const answered = lists.answered;
        const got = lists.rank(['"w0x"'], k);
        assert.ok(got, `k=${k}: answered`);
        assert.equal(lists.answered, answered + 1, `k=${k}: from the lists`);
        assert.deepEqual(got, fts(k), `k=${k}: FTS5's rows and scores`);
      }
      assert.ok(
        lists
          .rank(['"w0x"'], 10)!
          .map((r) => r.id)
          .includes(rising),
        'the edited abstract lifts its paper into the top 10',
      );
      assert.ok(
        !lists.rank(['"w0x"'], 50)!.some((r) => r.id === falling),
        'the edited title drops its paper',
      );
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('maintainKeywordIndex (the serve-start and after-harvest hook)', () => {
  test('rebuilds stale lists in a worker thread, not for a few edits, again past maxDirtyRows', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pb-toplists-m-'));
    const store = new SqliteStore(path.join(dir, 'paperboy.db'));
    try {
      assert.match(
        (await store.maintainKeywordIndex()) ?? '',
        /: 0 phrases/,
        'an empty library: nothing to list',
      );
      assert.equal(await store.maintainKeywordIndex(), null, 'and nothing to do again');
      const n = 2100;
      await store.papers.upsertMany(Array.from({ length: n }, (_, i) => paper(i + 1)));
      const msg = await store.maintainKeywordIndex();
      assert.match(msg ?? '', /^keyword top lists: \d+ phrases in /);
      const valid = new TopLists(store.db).validChanges();
      assert.notEqual(valid, null, 'lists usable after the rebuild');
      assert.equal(await store.maintainKeywordIndex(), null, 'fresh lists are left alone');
      await store.papers.upsertMany([v2(paper(5), { title: 'edited title' })]);
      assert.equal(new TopLists(store.db).validChanges(), valid, 'an edit leaves the lists on');
      assert.equal(await store.maintainKeywordIndex(), null, 'and is no reason to rebuild');
      const bound = maxDirtyRows(n);
      assert.equal(bound, 2000);
      await store.papers.upsertMany(
        Array.from({ length: bound }, (_, i) => v2(paper(i + 6), { title: `edited ${i}` })),
      );
      assert.equal(new TopLists(store.db).validChanges(), null, `${bound + 1} edited papers switch them off`);
      assert.match(
        (await store.maintainKeywordIndex()) ?? '',
        /^keyword top lists: /,
        'and a rebuild is due',
      );
      assert.notEqual(new TopLists(store.db).validChanges(), null, 'usable again');
      const dirty = store.db.prepare('SELECT count(*) AS n FROM keyword_toplists_dirty').get() as {
        n: number;
      };
      assert.equal(dirty.n, 0, 'the rebuild forgot the edits it ranked');
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('combine (AND of lists)', () => {
  const list = (rows: [number, number][], complete: boolean) => ({
    ids: Int32Array.from(rows, (r) => r[0]),
    scores: Float64Array.from(rows, (r) => r[1]),
    complete,
    upto: 100,
  });
  const cases: {
    name: string;
    lists: ReturnType<typeof list>[];
    k: number;
    want: [number, number][] | null;
  }[] = [
    {
      name: 'complete lists: the intersection, exact',
      lists: [
        list(
          [
            [1, 5],
            [2, 4],
            [3, 1],
          ],
          true,
        ),
        list(
          [
            [2, 3],
            [3, 2],
            [4, 9],
          ],
          true,
        ),
      ],
      k: 10,
      want: [
        [2, 7],
        [3, 3],
      ],
    },
    {
      name: 'truncated lists, k-th exact score above every bound: proven',
      lists: [
        list(
          [
            [1, 9],
            [2, 8],
            [3, 1],
          ],
          false,
        ),
        list(
          [
            [1, 9],
            [2, 8],
            [4, 1],
          ],
          false,
        ),
      ],
      k: 2,
      want: [
        [1, 18],
        [2, 16],
      ],
    },
    {
      name: 'rows in one list only stay below the k-th exact score: proven',
      lists: [
        list(
          [
            [1, 9],
            [5, 8.9],
            [3, 5],
          ],
          false,
        ),
        list(
          [
            [1, 9],
            [2, 6],
            [4, 5],
          ],
          false,
        ),
      ],
      k: 1,
      want: [[1, 18]],
    },
    {
      name: 'a row in one list only could be second: declined',
      lists: [
        list(
          [
            [1, 9],
            [5, 8.9],
          ],
          false,
        ),
        list(
          [
            [1, 9],
            [2, 6],
          ],
          false,
        ),
      ],
      k: 2,
      want: null,
    },
    {
      name: 'too few rows in every list with truncated lists: declined',
      lists: [list([[1, 9]], false), list([[2, 9]], false)],
      k: 1,
      want: null,
    },
  ];
  for (const c of cases)
    test(c.name, () => {
      const got = combine(c.lists, c.k);
      assert.deepEqual(
        got?.map((r) => [r.id, r.score]),
        c.want ?? undefined,
      );
    });

  // The hybrid search's keyword side (atLeast): the head the lists prove, when long enough.
  const twoWords = [
    list(
      [
        [1, 9],
        [2, 8],
        [5, 8.9],
      ],
      false,
    ),
    list(
      [
        [1, 9],
        [2, 7],
        [6, 5],
      ],
      false,
    ),
  ];
  test('an unprovable top 3 gives its proven head when one row will do', () => {
    assert.equal(combine(twoWords, 3), null);
    // Rows 1 (18) and 2 (15) are exact and beat every bound: row 5 scores at most 8.9 + 5 (the
    // second list's last), row 6 at most 5 + 8, an unlisted row 8 + 5.
    assert.deepEqual(
      combine(twoWords, 3, 1)?.map((r) => r.id),
      [1, 2],
    );
    assert.equal(combine(twoWords, 3, 3), null, 'a head shorter than asked is declined');
  });
});
