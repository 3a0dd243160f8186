/**
 * Queries the keyword top lists cannot prove (src/db/toplists.ts rankExpression): an AND whose
 * bound fails, an OR group with two truncated alternatives. FTS5 ranks such a query once; its
 * ranking is remembered under the query's MATCH text and the next ask reads it — the same rows
 * and scores as FTS5, without FTS5 scoring every match again (issue 18 item 7: at 2.7M papers
 * these queries made the keyword and hybrid p99). Real SQLite file, a corpus where common words
 * overflow a list (more than TOPLIST_K matches).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SqliteStore } from '../../src/app/sqlite.store.ts';
import { expressionKey, MAX_EXPRESSIONS, type Ranked, TOPLIST_K, TopLists } from '../../src/db/toplists.ts';
import { rebuildTopLists } from '../../src/db/toplists-build.ts';
import { keywordPlan } from '../../src/search/plan.ts';
import { parseQuery } from '../../src/search/query/parse.ts';
import { makePaper } from '../support/papers.ts';
import { addLibrary, assertSameRanking, ftsRanking, paper, VOCAB } from '../support/zipf-papers.ts';

const N = 6000;

describe('keyword top lists: rankings of queries the lists cannot prove are remembered', () => {
  let dir: string;
  let store: SqliteStore;
  let direct: (match: string, k: number) => Ranked[];
  let stored: (phrase: string) => boolean;
  let expressions: () => number;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'pb-toplists-expr-'));
    store = new SqliteStore(path.join(dir, 'paperboy.db'));
    await addLibrary(store, N);
    direct = ftsRanking(store.db);
    const has = store.db.prepare('SELECT 1 FROM keyword_toplists WHERE phrase = ?');
    stored = (phrase) => has.get(phrase) !== undefined;
    const n = store.db.prepare("SELECT count(*) AS n FROM keyword_toplists WHERE phrase LIKE '(%'");
    expressions = () => (n.get() as { n: number }).n;
    assert.equal(rebuildTopLists(store.db, { sample: 2000, minShare: 0.01 }).valid, true);
    assert.ok(
      direct('"w0x"', N).length > TOPLIST_K,
      'w0x must overflow a list for these tests to mean anything',
    );
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const same = assertSameRanking;

  /** rankOrRemember / rankGroupOrFts with a `direct` that records whether FTS5 was asked. */
  const ask = (q: string[], k: number, how: 'and' | 'or', atLeast?: number) => {
    const match = how === 'and' ? q.join(' AND ') : `(${q.join(' OR ')})`;
    let asked = false;
    const fts = (limit: number) => {
      asked = true;
      return direct(match, limit);
    };
    const lists = new TopLists(store.db);
    const got = how === 'and' ? lists.rankOrRemember(q, k, fts, atLeast) : lists.rankGroupOrFts(q, k, fts);
    return { got, asked, want: direct(match, k) };
  };

  test('an AND the lists cannot prove is ranked by FTS5 once, then read from its remembered ranking', () => {
    let unproven = 0;
    for (const q of [
      ['"w0x"', '"w1x"'],
      ['"w0x"', '"w2x"', '"w3x"'],
      ['"w1x"', '"w4x"'],
      ['"w0x"', '"w9ex"'],
      ['"w2x"', '"w3" *'],
      ['"w0x"', 'title : "w2x"'],
    ])
      for (const k of [10, 100]) {
        const first = ask(q, k, 'and');
        same(first.got, first.want, `${q.join(' ')} k=${k}, first ask`);
        if (!first.asked) continue; // proven from the phrases' lists: nothing to remember
        unproven++;
        assert.ok(stored(expressionKey(q.join(' AND '))), `${q.join(' ')}: remembered`);
        const again = ask(q, k, 'and');
        assert.equal(again.asked, false, `${q.join(' ')} k=${k}: FTS5 is not asked again`);
        same(again.got, again.want, `${q.join(' ')} k=${k}, second ask`);
        // The hybrid search's keyword side asks 100 with 11 enough: the full 100 now.
        const hybrid = ask(q, 100, 'and', 11);
        assert.equal(hybrid.asked, false, `${q.join(' ')}: hybrid side from the remembered ranking`);
        same(hybrid.got, hybrid.want, `${q.join(' ')} k=100 atLeast 11`);
      }
    assert.ok(unproven >= 3, `only ${unproven} of these queries needed FTS5: the test means little`);
  });

  test('an OR group with two truncated alternatives is ranked by FTS5 once, then read from its list', () => {
    for (const alts of [
      ['"w0x"', '"w1x"', '"w9ex"'],
      ['"w0x"', '"w2x"'],
    ]) {
      const first = ask(alts, 20, 'or');
      assert.equal(first.asked, true, `${alts}: two truncated lists, FTS5 ranks it the first time`);
      same(first.got, first.want, `${alts} first ask`);
      const again = ask(alts, 20, 'or');
      assert.equal(again.asked, false, `${alts}: FTS5 is not asked again`);
      same(again.got, again.want, `${alts} second ask`);
    }
  });

  test('through the search repository: an unprovable AND is remembered and answers like FTS5', async () => {
    const lists = new TopLists(store.db);
    const words = [
      ['w0x', 'w5x', 'w6x'],
      ['w0x', 'w7x'],
      ['w1x', 'w5x'],
      ['w2x', 'w8x'],
    ].find(
      (ws) =>
        lists.rank(
          ws.map((w) => `"${w}"`),
          10,
        ) === null,
    );
    assert.ok(words, 'one of these ANDs must be beyond the lists for this test to mean anything');
    const plan = keywordPlan(parseQuery(words.join(' ')));
    const match = words.map((w) => `"${w}"`).join(' AND ');
    const want = direct(match, 10);
    const first = await store.search.keyword(plan, 10);
    assert.ok(stored(expressionKey(match)), 'remembered under its MATCH text');
    const again = await store.search.keyword(plan, 10);
    for (const got of [first, again])
      same(
        got.map((h) => ({ id: h.paperId, score: h.score })),
        want,
        words.join(' '),
      );
  });

  test(`only the newest ${MAX_EXPRESSIONS} remembered rankings are kept`, () => {
    const lists = new TopLists(store.db);
    const pairs: string[] = [];
    for (let a = 0; a < VOCAB.length && pairs.length <= MAX_EXPRESSIONS + 5; a++)
      for (let b = a + 1; b < a + 4 && b < VOCAB.length; b++) pairs.push(`"${VOCAB[a]}" AND "${VOCAB[b]}"`);
    for (const m of pairs) lists.rankExpression(expressionKey(m), 10, (k) => direct(m, k));
    assert.equal(expressions(), MAX_EXPRESSIONS);
    assert.ok(stored(expressionKey(pairs.at(-1)!)), 'the newest is kept');
  });

  test('papers added later are merged live into a remembered ranking', async () => {
    const q = ['"w0x"', '"w1x"'];
    ask(q, 10, 'and');
    await store.papers.upsertMany(
      Array.from({ length: 20 }, (_, j) => paper(N + 1 + j, 'w0x w0x w0x w1x w1x w1x')),
    );
    const { got, want } = ask(q, 10, 'and');
    // Listed rows keep their build-time scores while the new papers moved bm25's statistics a
    // little (as for every list, toplists.test.ts): the same rows, scores within 2%.
    assert.deepEqual(
      got.map((r) => r.id),
      want.map((r) => r.id),
    );
    for (const [i, g] of got.entries())
      assert.ok(Math.abs(g.score - want[i]!.score) < 0.02 * Math.abs(want[i]!.score), `#${i}`);
  });

  test('an edited paper: a remembered ranking is not used as it was stored', async () => {
    const q = ['"w0x"', '"w1x"'];
    const before = ask(q, 10, 'and');
    assert.equal(ask(q, 10, 'and').asked, false, 'remembered before the edit');
    // A paper outside the top 10 gets a new version whose text is both words many times over.
    const top = new Set(before.want.map((r) => r.id));
    const id = [...Array(N).keys()].map((i) => i + 1).find((i) => !top.has(i))!;
    const { arxiv_id } = store.db.prepare('SELECT arxiv_id FROM papers WHERE id = ?').get(id) as {
      arxiv_id: string;
    };
    await store.papers.upsertMany([
      makePaper({
        arxivId: arxiv_id,
        version: 2,
        versions: [
          { version: 1, createdAt: '2024-01-02T03:04:05.000Z' },
          { version: 2, createdAt: '2024-02-02T03:04:05.000Z' },
        ],
        title: 'w0x w1x w0x w1x w0x w1x',
        abstract: Array(40).fill('w0x w1x').join(' '),
      }),
    ]);
    const after = ask(q, 10, 'and');
    assert.ok(
      after.want.some((r) => r.id === id),
      'the edited paper is in FTS5’s top 10 now',
    );
    // Listed rows keep their build-time scores while the edit moved bm25's statistics a little (as
    // new papers do, the test above): the same rows as FTS5 now, scores within 2%.
    assert.deepEqual(
      after.got.map((r) => r.id),
      after.want.map((r) => r.id),
    );
    for (const [i, g] of after.got.entries())
      assert.ok(Math.abs(g.score - after.want[i]!.score) < 0.02 * Math.abs(after.want[i]!.score), `#${i}`);
  });

  test('a rebuild drops the remembered rankings instead of re-ranking each', () => {
    assert.ok(expressions() > 0);
    assert.equal(rebuildTopLists(store.db, { sample: 2000, minShare: 0.01 }).valid, true);
    assert.equal(expressions(), 0);
    const { got, want } = ask(['"w0x"', '"w1x"'], 10, 'and');
    same(got, want, 'after the rebuild');
  });
});
