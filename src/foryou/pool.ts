/**
 * The candidates of one window, indexed once per process and shared by every reader: posting lists
 * for followed searches (search/match.ts, the same in-memory matcher the digest uses), author
 * keys, content terms with their document frequency, the trending part of the score, and unit
 * vectors when the semantic index has them. Pure: the service decides when to rebuild.
 */
import { authorKey } from '../papers/authors.ts';
import { trendingScore } from '../ranking/trending.ts';
import { buildIndex, type CandidateIndex } from '../search/match.ts';
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
  /** Scratch for rank.ts, by term id, all zero between rankings (ranking is synchronous). */
  holderHead: Int32Array;
  termWeight: Float64Array;
  termSeen: Uint8Array;
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

export function buildPool(
  papers: readonly WindowPaper[],
  vectorOf: ((paperId: number) => ArrayLike<number> | null) | null,
): Pool {
  const position = new Map<number, number>();
  const byAuthorKey = new Map<string, number[]>();
  const termId = new Map<string, number>();
  const postings: number[][] = [];
  const terms: Int32Array[] = [];
  const scores = new Float64Array(papers.length);
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  papers.forEach((p, i) => {
    position.set(p.id, i);
    for (const a of p.authors) post(byAuthorKey, authorKey(a), i);
    const ids = paperTerms(p).map((w) => {
      let id = termId.get(w);
      if (id === undefined) {
        id = postings.length;
        termId.set(w, id);
        postings.push([]);
      }
      const list = postings[id]!;
      if (list[list.length - 1] !== i) list.push(i);
      return id;
    });
    terms.push(Int32Array.from(ids));
    const score = trendingScore({ votes: p.votes, enteredAt: p.enteredAt });
    scores[i] = score;
    lo = Math.min(lo, score);
    hi = Math.max(hi, score);
  });
  const trend = new Float32Array(papers.length);
  if (hi > lo) for (let i = 0; i < papers.length; i++) trend[i] = (scores[i]! - lo) / (hi - lo);
  const vectors = vectorOf
    ? papers.map((p) => {
        const v = vectorOf(p.id);
        return v ? unitVector(v) : null;
      })
    : null;
  const index = buildIndex(
    papers.map((p) => ({
      arxivId: p.arxivId,
      title: p.title,
      abstract: p.abstract,
      authors: p.authors,
      categories: p.categories,
      submittedAt: p.submittedAt,
    })),
  );
  const categoryTerm = new Uint8Array(postings.length);
  for (const [w, id] of termId) if (w.startsWith('cat:')) categoryTerm[id] = 1;
  const holderHead = new Int32Array(postings.length);
  const termWeight = new Float64Array(postings.length);
  const termSeen = new Uint8Array(postings.length);
  return {
    papers,
    position,
    index,
    byAuthorKey,
    termId,
    postings,
    terms,
    categoryTerm,
    holderHead,
    termWeight,
    termSeen,
    trend,
    vectors,
  };
}
