/**
 * The real-vocabulary quality set (bench/quality/, issue 17 item 6) is well-formed: its papers
 * go through the snapshot importer's own line parser, it spans enough fields, its queries and
 * similar-papers judgments point at papers that exist, and the tracked files are what the
 * hand-written source builds (bench/quality/build-real-vocab.ts).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { buildRealVocab, render } from '../../bench/quality/build-real-vocab.ts';
import {
  loadQueries,
  loadSimilar,
  PAPERS_FILE,
  QUERIES_FILE,
  QUERY_KINDS,
  SIMILAR_FILE,
} from '../../bench/quality/real-vocab.ts';
import { mrrAt10, recallAt5 } from '../../bench/real-vocab.bench.ts';
import { readLines } from '../../src/ingest/snapshot/lines.ts';
import { parseLine } from '../../src/ingest/snapshot/parse-worker.ts';
import type { PreparedPaper } from '../../src/papers/prepared.ts';

const words = (s: string) => s.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
// Words a reader types around a description; they say nothing about the title.
const FILLER = new Set([
  'a',
  'an',
  'the',
  'of',
  'for',
  'with',
  'and',
  'in',
  'on',
  'to',
  'by',
  'from',
  'no',
  'one',
]);

async function importedPapers(): Promise<PreparedPaper[]> {
  const papers: PreparedPaper[] = [];
  for await (const line of readLines(PAPERS_FILE)) {
    const warnings: { line: number; reason: string }[] = [];
    const p = parseLine(line, warnings);
    assert.notEqual(typeof p, 'string', `line ${line.number} rejected by the importer: ${String(p)}`);
    assert.deepEqual(warnings, [], `line ${line.number} imported with warnings`);
    papers.push(p as PreparedPaper);
  }
  return papers;
}

describe('real-vocabulary quality set', () => {
  it('has ≥ 300 papers the importer accepts, with unique ids outside the generated corpus, across ≥ 10 fields', async () => {
    const papers = await importedPapers();
    assert.ok(papers.length >= 300, `${papers.length} papers`);
    const ids = papers.map((p) => p.arxivId);
    assert.equal(new Set(ids).size, ids.length, 'ids are unique');
    // bench/corpus/papers.ts numbers months 2015-01 … 2026-10 only: November 2026 cannot collide.
    for (const id of ids) assert.match(id, /^2611\.9\d{4}$/);
    const primaries = new Set(papers.map((p) => p.categories.split(' ')[0]));
    assert.ok(primaries.size >= 10, `primary categories: ${[...primaries].join(', ')}`);
  });

  it('has ≥ 60 queries, ≥ 20 of each kind, whose relevant papers exist', async () => {
    const ids = new Set((await importedPapers()).map((p) => p.arxivId));
    const queries = await loadQueries();
    assert.ok(queries.length >= 60, `${queries.length} queries`);
    for (const kind of QUERY_KINDS) {
      const n = queries.filter((q) => q.kind === kind).length;
      assert.ok(n >= 20, `${n} ${kind} queries`);
    }
    for (const q of queries) {
      assert.ok(QUERY_KINDS.includes(q.kind), `kind of "${q.q}"`);
      assert.ok(q.q.trim().length > 0 && q.relevant.length > 0, `"${q.q}" has text and relevant papers`);
      for (const id of q.relevant) assert.ok(ids.has(id), `"${q.q}": relevant ${id} is not in the set`);
    }
  });

  it('has paraphrases of 3–8 words that avoid the words of their paper’s title', async () => {
    const titles = new Map((await importedPapers()).map((p) => [p.arxivId, new Set(words(p.title))]));
    for (const q of (await loadQueries()).filter((x) => x.kind === 'paraphrase')) {
      const n = q.q.split(/\s+/).length;
      assert.ok(n >= 3 && n <= 8, `"${q.q}" has ${n} words`);
      for (const id of q.relevant) {
        const shared = words(q.q).filter((w) => !FILLER.has(w) && titles.get(id)!.has(w));
        assert.deepEqual(shared, [], `"${q.q}" repeats title words of ${id}`);
      }
    }
  });

  it('has ≥ 20 similar-papers judgments with ≥ 3 existing papers each', async () => {
    const ids = new Set((await importedPapers()).map((p) => p.arxivId));
    const judgments = await loadSimilar();
    assert.ok(judgments.length >= 20, `${judgments.length} judgments`);
    for (const j of judgments) {
      assert.ok(ids.has(j.id), `judged paper ${j.id} exists`);
      assert.ok(j.similar.length >= 3, `${j.id} has ${j.similar.length} similar papers`);
      assert.ok(!j.similar.includes(j.id), `${j.id} is not its own neighbour`);
      for (const id of j.similar) assert.ok(ids.has(id), `${j.id}: similar ${id} exists`);
    }
  });

  it('tracked files are what the source builds', async () => {
    const built = render(await buildRealVocab());
    assert.equal(
      await readFile(PAPERS_FILE, 'utf8'),
      built.papers,
      'run node bench/quality/build-real-vocab.ts',
    );
    assert.deepEqual(JSON.parse(await readFile(QUERIES_FILE, 'utf8')), JSON.parse(built.queries));
    assert.deepEqual(JSON.parse(await readFile(SIMILAR_FILE, 'utf8')), JSON.parse(built.similar));
  });
});

describe('real-vocab bench arithmetic', () => {
  it('MRR@10 is the reciprocal rank of the first relevant hit in the top 10, else 0', () => {
    assert.equal(mrrAt10(['x', 'a', 'b'], ['a', 'b']), 1 / 2);
    assert.equal(mrrAt10([...'cdefghijkl', 'a'], ['a']), 0);
    assert.equal(mrrAt10([], ['a']), 0);
  });

  it('recall@5 counts relevant hits in the top 5 over min(5, relevant)', () => {
    assert.equal(recallAt5(['a', 'x', 'b', 'y', 'z', 'c'], ['a', 'b', 'c']), 2 / 3);
    assert.equal(recallAt5(['a', 'b', 'c', 'd', 'e'], [...'abcdefg']), 1);
    assert.equal(recallAt5([], ['a']), 0);
  });
});
