/**
 * A generated library where a few words are in most papers and most words are rare (Zipf-ish),
 * so common words overflow a keyword top list: test/search/toplists.test.ts and
 * toplists-remember.test.ts build theirs from it.
 */
import assert from 'node:assert/strict';
import type { DatabaseSync } from 'node:sqlite';
import type { SqliteStore } from '../../src/app/sqlite.store.ts';
import { BM25_WEIGHTS } from '../../src/db/fts5.ts';
import type { Ranked } from '../../src/db/toplists.ts';
import { makePaper } from './papers.ts';

export const VOCAB = Array.from({ length: 400 }, (_, i) => `w${i.toString(36)}x`);

/** Deterministic Zipf-ish text: low word indexes are very common (w0x in most papers). */
function text(seed: number, words: number): string {
  let x = seed * 2654435761;
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    const u = (x % 100000) / 100000;
    out.push(VOCAB[Math.floor(VOCAB.length * u ** 3)]!);
  }
  return out.join(' ');
}

/** Paper `i` of the library (arXiv id 2401.<i>), `extra` words added to its title. */
export const paper = (i: number, extra = '') =>
  makePaper({
    arxivId: `2401.${String(i).padStart(5, '0')}`,
    title: `${text(i, 6)} ${extra}`.trim(),
    abstract: text(i + 7919, 40),
  });

/** Papers 1..n of the library, written through the real repository in batches of 500. */
export async function addLibrary(store: SqliteStore, n: number): Promise<void> {
  for (let i = 0; i < n; i += 500)
    await store.papers.upsertMany(Array.from({ length: Math.min(500, n - i) }, (_, j) => paper(i + j + 1)));
}

/** FTS5's own ranking of a MATCH expression, best first: what the top lists must reproduce. */
export function ftsRanking(db: DatabaseSync): (match: string, k: number) => Ranked[] {
  const st = db.prepare(`SELECT rowid AS id, -bm25(papers_fts, ${BM25_WEIGHTS}) AS score
    FROM papers_fts WHERE papers_fts MATCH ? ORDER BY bm25(papers_fts, ${BM25_WEIGHTS}) LIMIT ?`);
  return (match, k) => st.all(match, k) as unknown as Ranked[];
}

/** The same rows with the same scores (1e-9); rows of equal score may come in either order. */
export function assertSameRanking(got: Ranked[], want: Ranked[], label: string): void {
  assert.equal(got.length, want.length, `${label}: row count`);
  for (const [i, g] of got.entries())
    assert.ok(Math.abs(g.score - want[i]!.score) < 1e-9, `${label}: score #${i}`);
  const key = (rs: Ranked[]) => rs.map((r) => `${r.score.toFixed(9)}:${r.id}`).sort();
  assert.deepEqual(key(got), key(want), `${label}: rows`);
}
