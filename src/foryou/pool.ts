/**
 * The candidates of one window, indexed once per process and shared by every reader: posting lists
 * for followed searches (search/match.ts, the same in-memory matcher the digest uses), author
 * keys, content terms with their document frequency, the trending part of the score, and unit
 * vectors when the semantic index has them. Pure: the service decides when to rebuild.
 */
import { authorKey } from '../papers/authors.ts';
import { trendingScore } from '../ranking/trending.ts';
import { buildIndex, buildIndexInSlices, type CandidateIndex } from '../search/match.ts';
import type { WindowPaper } from './repository.ts';
import { paperTerms } from './terms.ts';

export interface Pool {
  papers: readonly WindowPaper[];
  /** paper id → position */
  position: Map<number, number>;
  index: CandidateIndex;
  /** authors/authors.ts `authorKey` → positions */
  byAuthorKey: Map<string, number[]>;
  /**
   * Content terms (terms.ts) as small integers, so ranking adds and looks up by array index:
   * term → id, id → positions holding it (ascending), position → its term ids.
   */
  termId: Map<string, number>;
  postings: readonly number[][];
  terms: readonly Int32Array[];
  /** 1 for the `cat:<code>` terms, which say where a paper is listed, not what it says. */
  categoryTerm: Uint8Array;
  /** By term id: log(1 + papers / papers holding it), the keyword model's idf. */
  idf: Float64Array;
  /** By position: √(max(1, its term count)), the keyword model's length normalisation. */
  lengthNorm: Float64Array;
  /**
   * Positions (ascending) matching a followed search, by its text: readers share followed searches,
   * and matching one is a parse and a walk of the window's postings. Filled by rank.ts as readers
   * ask, bounded there; dropped with the pool.
   */
  searchHits: Map<string, Int32Array>;
  /** Scratch for rank.ts, by term id, all zero between rankings (ranking is synchronous). */
  holderHead: Int32Array;
  termWeight: Float64Array;
  termSeen: Uint8Array;
  /**
   * Scratch for rank.ts, by position: the model's and the follows' part, the mask of papers left
   * out, and the scores; overwritten by each ranking, which copies out what it keeps.
   */
  scratch: { model: Float32Array; follow: Float64Array; skip: Uint8Array; scores: Float64Array };
  /**
   * 0..1: the site's trending score (ranking/trending.ts: log2(votes + 1) + age term) scaled over
   * the window (lowest 0, highest 1), so its order is exactly /trending's.
   */
  trend: Float32Array;
  /** Unit vectors by position (null where a paper has none); null without a semantic index. */
  vectors: (Float32Array | null)[] | null;
}

/** An int8 paper vector as a unit float vector (null for a zero vector). */
export function unitVector(v: ArrayLike<number>): Float32Array | null {
  let norm = 0;
  for (let i = 0; i < v.length; i++) norm += v[i]! * v[i]!;
  if (norm === 0) return null;
  const out = new Float32Array(v.length);
  const s = 1 / Math.sqrt(norm);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! * s;
  return out;
}

function post(map: Map<string, number[]>, key: string, i: number) {
  const list = map.get(key);
  if (!list) map.set(key, [i]);
  else if (list[list.length - 1] !== i) list.push(i);
}

/** The pool's per-paper part, added in position order; `finish` derives the rest. */
class PoolBuilder {
  readonly position = new Map<number, number>();
  readonly byAuthorKey = new Map<string, number[]>();
  readonly termId = new Map<string, number>();
  readonly postings: number[][] = [];
  readonly terms: Int32Array[] = [];
  readonly scores: Float64Array;
  lo = Number.POSITIVE_INFINITY;
  hi = Number.NEGATIVE_INFINITY;

  constructor(n: number) {
    this.scores = new Float64Array(n);
  }

  add(p: WindowPaper, i: number): void {
    this.position.set(p.id, i);
    for (const a of p.authors) post(this.byAuthorKey, authorKey(a), i);
    const ids = paperTerms(p).map((w) => {
      let id = this.termId.get(w);
      if (id === undefined) {
        id = this.postings.length;
        this.termId.set(w, id);
        this.postings.push([]);
      }
      const list = this.postings[id]!;
      if (list[list.length - 1] !== i) list.push(i);
      return id;
    });
    this.terms.push(Int32Array.from(ids));
    const score = trendingScore({ votes: p.votes, enteredAt: p.enteredAt });
    this.scores[i] = score;
    this.lo = Math.min(this.lo, score);
    this.hi = Math.max(this.hi, score);
  }

  finish(
    papers: readonly WindowPaper[],
    vectorOf: ((paperId: number) => ArrayLike<number> | null) | null,
    index: CandidateIndex,
  ): Pool {
    const { position, byAuthorKey, termId, postings, terms, scores, lo, hi } = this;
    const trend = new Float32Array(papers.length);
    if (hi > lo) for (let i = 0; i < papers.length; i++) trend[i] = (scores[i]! - lo) / (hi - lo);
    const vectors = vectorOf
      ? papers.map((p) => {
          const v = vectorOf(p.id);
          return v ? unitVector(v) : null;
        })
      : null;
    const categoryTerm = new Uint8Array(postings.length);
    for (const [w, id] of termId) if (w.startsWith('cat:')) categoryTerm[id] = 1;
    const idf = Float64Array.from(postings, (list) => Math.log(1 + papers.length / list.length));
    const lengthNorm = Float64Array.from(terms, (t) => Math.sqrt(Math.max(1, t.length)));
    return {
      papers,
      position,
      index,
      byAuthorKey,
      termId,
      postings,
      terms,
      categoryTerm,
      idf,
      lengthNorm,
      searchHits: new Map(),
      holderHead: new Int32Array(postings.length),
      termWeight: new Float64Array(postings.length),
      termSeen: new Uint8Array(postings.length),
      scratch: {
        model: new Float32Array(papers.length),
        follow: new Float64Array(papers.length),
        skip: new Uint8Array(papers.length),
        scores: new Float64Array(papers.length),
      },
      trend,
      vectors,
    };
  }
}

export function buildPool(
  papers: readonly WindowPaper[],
  vectorOf: ((paperId: number) => ArrayLike<number> | null) | null,
): Pool {
  const b = new PoolBuilder(papers.length);
  for (let i = 0; i < papers.length; i++) b.add(papers[i]!, i);
  return b.finish(papers, vectorOf, buildIndex(papers));
}

/** Papers indexed between two pauses of a sliced build: ~10 ms of work on this kind of machine. */
const SLICE = 50;

/**
 * The same pool, built SLICE papers at a time with `pause()` awaited between slices. A week of a
 * 1M library (2,553 papers) is ~0.5–0.9 s of indexing; built in one go inside a request, it held
 * every other request of the process that long, once a minute (bench/foryou-http.bench.ts: max
 * 2.4 s). The service builds in slices and serves the previous pool meanwhile.
 */
export async function buildPoolInSlices(
  papers: readonly WindowPaper[],
  vectorOf: ((paperId: number) => ArrayLike<number> | null) | null,
  pause: () => Promise<void>,
): Promise<Pool> {
  const b = new PoolBuilder(papers.length);
  for (let i = 0; i < papers.length; i++) {
    if (i > 0 && i % SLICE === 0) await pause();
    b.add(papers[i]!, i);
  }
  await pause();
  const index = await buildIndexInSlices(papers, SLICE, pause);
  return b.finish(papers, vectorOf, index);
}
