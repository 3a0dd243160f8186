/**
 * Papers edited or deleted since the keyword top lists were built (migrations/sqlite/021), and
 * their scores now, as FTS5 would compute them on papers_fts (src/db/toplists.ts drops these rows
 * from every list and merges them back with these scores); likewise the papers added since.
 *
 * Why not ask papers_fts for them (`MATCH ? AND rowid IN (…)`): SQLite runs such an IN as one
 * FTS5 query per id, and bm25 counts a phrase's matches over the whole table at every one of
 * them (measured at 1M papers: 4 ms per id for "model", 18 ms for "we"); `rowid > ?` for new
 * papers still walks and counts the whole doclist (140 ms for "model" at 2.7M). Instead the edited
 * papers' current text is indexed in its own small FTS5 table, keyword_dirty_fts, same tokenizer
 * and columns: it decides which of them match a phrase, and its bm25 (its own statistics) gives
 * back each row's weighted frequency f exactly (bm25 is a monotone function of f; the column
 * weights are integers, so f is an integer). The score is then fts5_aux.c's fts5Bm25Function
 * with papers_fts's statistics (rows, tokens, the phrase's match count) and the row's length
 * from papers_fts_docsize, in the same operation order, so it equals what FTS5 returns.
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { BM25_WEIGHTS } from './fts5.ts';

export interface Ranked {
  id: number;
  score: number;
}

/**
 * A set of paper ids as a bitmap: the dirty rows are checked against whole lists (up to df/8
 * rows, 300k for the commonest words at 2.7M papers), which a Set did at ~20 ns a row.
 */
export class IdSet {
  readonly #bits: Uint8Array;
  readonly ids: readonly number[];
  constructor(ids: Iterable<number>) {
    this.ids = [...new Set(ids)];
    this.#bits = new Uint8Array((this.ids.reduce((m, id) => Math.max(m, id), 0) >> 3) + 1);
    for (const id of this.ids) this.#bits[id >> 3]! |= 1 << (id & 7);
  }
  get size(): number {
    return this.ids.length;
  }
  has(id: number): boolean {
    return ((this.#bits[id >> 3] ?? 0) & (1 << (id & 7))) !== 0;
  }
}
export const NO_IDS = new IdSet([]);

const K1 = 1.2;
const B = 0.75;
const WEIGHTS = BM25_WEIGHTS.split(',').map(Number);
if (!WEIGHTS.every(Number.isInteger))
  throw new Error('toplists-dirty.ts recovers integer frequencies: BM25_WEIGHTS must be integers');

/** Phrases whose frequencies and match counts are cached per version (one connection's). */
const CACHE_PHRASES = 512;

/** fts5's idf: log((N - n + 0.5) / (n + 0.5)), 1e-6 when not positive (fts5_aux.c). */
function idf(rows: number, hits: number): number {
  const v = Math.log((rows - hits + 0.5) / (hits + 0.5));
  return v <= 0 ? 1e-6 : v;
}

/** SQLite's varint (FTS5 stores sizes and totals with it): 7 bits a byte, the 9th byte 8. */
function varints(b: Uint8Array): number[] {
  const out: number[] = [];
  let i = 0;
  while (i < b.length) {
    let v = 0;
    let n = 0;
    for (;;) {
      const byte = b[i++]!;
      if (n === 8) {
        v = v * 256 + byte;
        break;
      }
      v = v * 128 + (byte & 0x7f);
      n++;
      if ((byte & 0x80) === 0) break;
    }
    out.push(v);
  }
  return out;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

/** An FTS5 table's row count and total tokens (its averages record, rowid 1 of %_data). */
function totals(st: StatementSync): { rows: number; avgdl: number } {
  const r = st.get() as { block: Uint8Array } | undefined;
  if (!r) return { rows: 0, avgdl: 1 };
  const [rows = 0, ...cols] = varints(r.block);
  return { rows, avgdl: rows ? sum(cols) / rows : 1 };
}

interface Version {
  key: string;
  /** Every recorded id (edited or deleted). */
  ids: IdSet;
  /** Token counts of the papers in keyword_dirty_fts (dirty or new): in papers_fts, in it. */
  len: Map<number, { main: number; side: number }>;
  /** Per phrase: the weighted frequency of each dirty row holding it. */
  freq: Map<string, Map<number, number>>;
  /** Per MATCH expression: the dirty rows it matches. */
  match: Map<string, number[]>;
  /** Per phrase: its match count in papers_fts (also moves with maxId, so keyed by both). */
  hits: Map<string, number>;
}

export class DirtyRows {
  readonly #s: Record<
    | 'count'
    | 'dirtyIds'
    | 'load'
    | 'mainTotals'
    | 'sideTotals'
    | 'sideMatch'
    | 'sideRank'
    | 'sideHits'
    | 'mainHits',
    StatementSync
  >;
  #v: Version | null = null;

  constructor(db: DatabaseSync) {
    const w = BM25_WEIGHTS;
    this.#s = {
      count: db.prepare('SELECT count(*) AS n FROM keyword_toplists_dirty'),
      dirtyIds: db.prepare('SELECT paper_id AS id FROM keyword_toplists_dirty'),
      load: db.prepare(`SELECT s.id, m.sz AS main, s.sz AS side FROM keyword_dirty_fts_docsize s
        LEFT JOIN papers_fts_docsize m ON m.id = s.id`),
      mainTotals: db.prepare('SELECT block FROM papers_fts_data WHERE id = 1'),
      sideTotals: db.prepare('SELECT block FROM keyword_dirty_fts_data WHERE id = 1'),
      sideMatch: db.prepare('SELECT rowid AS id FROM keyword_dirty_fts WHERE keyword_dirty_fts MATCH ?'),
      sideRank: db.prepare(
        `SELECT rowid AS id, -bm25(keyword_dirty_fts, ${w}) AS score FROM keyword_dirty_fts WHERE keyword_dirty_fts MATCH ?`,
      ),
      sideHits: db.prepare('SELECT count(*) AS n FROM keyword_dirty_fts WHERE keyword_dirty_fts MATCH ?'),
      mainHits: db.prepare('SELECT count(*) AS n FROM papers_fts WHERE papers_fts MATCH ?'),
    };
  }

  /** How many papers are recorded (read from the table: the version may not be loaded). */
  count(): number {
    return (this.#s.count.get() as { n: number }).n;
  }

  /**
   * The recorded ids for `key` (the state's change counts and the highest paper id: edits,
   * rebuilds and new papers move it), loaded once per version.
   */
  ids(key: string): IdSet {
    return this.#version(key).ids;
  }

  #version(key: string): Version {
    if (this.#v?.key === key) return this.#v;
    const rows = this.#s.load.all() as { id: number; main: Uint8Array | null; side: Uint8Array | null }[];
    const len = new Map<number, { main: number; side: number }>();
    for (const r of rows)
      if (r.main && r.side) len.set(r.id, { main: sum(varints(r.main)), side: sum(varints(r.side)) });
    const ids = new IdSet((this.#s.dirtyIds.all() as { id: number }[]).map((r) => r.id));
    this.#v = { key, ids, len, freq: new Map(), match: new Map(), hits: new Map() };
    return this.#v;
  }

  /**
   * Current scores of the rows that match `phrases` (single FTS5 phrases): all of them (`all`, an
   * AND) or any (an OR group); the score sums over every phrase, as bm25 does, and a phrase a row
   * lacks adds nothing. Rows up to `upto` only when dirty (the lists hold the others), and, when
   * `fresh`, the new papers above `upto` (the caller checked the table holds all of them).
   */
  rank(
    key: string,
    phrases: string[],
    upto: number,
    all: boolean,
    maxId: number,
    k: number,
    fresh: boolean,
  ): Ranked[] {
    const v = this.#version(key);
    if (v.len.size === 0) return [];
    const expr = phrases.join(all ? ' AND ' : ' OR ');
    let matched = v.match.get(expr);
    if (!matched) {
      matched = (this.#s.sideMatch.all(expr) as { id: number }[])
        .map((r) => r.id)
        .filter((id) => v.len.has(id));
      remember(v.match, expr, matched);
    }
    const rows = matched.filter((id) => (id <= upto ? v.ids.has(id) : fresh));
    if (rows.length === 0) return [];
    const main = totals(this.#s.mainTotals);
    const freqs = phrases.map((p) => this.#freq(v, p));
    const idfs = phrases.map((p) => idf(main.rows, this.#hits(v, p, maxId)));
    const out = rows.map((id) => {
      const D = v.len.get(id)!.main;
      let score = 0;
      for (let i = 0; i < phrases.length; i++) {
        const f = freqs[i]!.get(id) ?? 0;
        score += idfs[i]! * ((f * (K1 + 1.0)) / (f + K1 * (1 - B + (B * D) / main.avgdl)));
      }
      return { id, score };
    });
    // Only the best k can enter a top k.
    return out.sort((a, b) => b.score - a.score || a.id - b.id).slice(0, k);
  }

  /** The weighted frequency of `phrase` in each dirty row holding it, from the side table's bm25. */
  #freq(v: Version, phrase: string): Map<number, number> {
    const cached = v.freq.get(phrase);
    if (cached) return cached;
    const side = totals(this.#s.sideTotals);
    const n = (this.#s.sideHits.get(phrase) as { n: number }).n;
    const x = idf(side.rows, n);
    const out = new Map<number, number>();
    for (const r of this.#s.sideRank.all(phrase) as unknown as Ranked[]) {
      const len = v.len.get(r.id);
      if (!len) continue;
      // score = x·f·(k1+1) / (f + K), K = k1·(1 − b + b·D/avgdl): solved for f.
      const g = r.score / x;
      const K = K1 * (1 - B + (B * len.side) / side.avgdl);
      out.set(r.id, Math.round((g * K) / (K1 + 1.0 - g)));
    }
    remember(v.freq, phrase, out);
    return out;
  }

  #hits(v: Version, phrase: string, maxId: number): number {
    const k = `${maxId}\u0000${phrase}`;
    let n = v.hits.get(k);
    if (n === undefined) {
      n = (this.#s.mainHits.get(phrase) as { n: number }).n;
      remember(v.hits, k, n);
    }
    return n;
  }
}

function remember<T>(m: Map<string, T>, k: string, val: T): void {
  if (m.size >= CACHE_PHRASES) m.delete(m.keys().next().value!);
  m.set(k, val);
}
