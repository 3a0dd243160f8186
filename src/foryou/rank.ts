/**
 * For you's ranking, pure (issue 14 item 4). For each paper of the window:
 *
 *     score = w_model · model + w_follow · follow + w_trend · trend
 *
 * - model (−1..1): how close the paper is to the reader's examples. Positives are their upvotes,
 *   saved papers and start-out picks; negatives their "less like this". With the semantic index:
 *   the cosine between the paper's vector and (centroid of positives − NEGATIVE_WEIGHT · centroid of
 *   negatives), all unit vectors. Without it (keyword model): content terms (terms.ts) weighted by
 *   (share of positives holding the term − NEGATIVE_WEIGHT · share of negatives) × idf over the
 *   window, the MODEL_TERMS strongest kept, a paper scored by the sum over its terms divided by
 *   √(its term count), scaled so the window's best paper is 1.
 * - follow (0..1): the strongest follow the paper matches (FOLLOW_STRENGTH).
 * - trend (0..1): the site's trending score (ranking/trending.ts, with the site's vote counts),
 *   scaled over the window (lowest 0, highest 1): /trending's order; with no votes, newest first.
 *
 * Weights (WEIGHTS, and the reader's "library ↔ trending" step b = step / 4): w_model = 1 − b,
 * w_follow = 0.7, w_trend = b; the default step 1 gives 0.75 / 0.7 / 0.25. A follow match (≥ 0.6 ·
 * 0.7 = 0.42) outranks the window's most upvoted paper (0.25) unless the reader turns the control
 * towards trending. A reader with no examples and no follows gets the trending order.
 *
 * Hidden papers, papers marked "less like this" and the reader's own positives never appear.
 */
import { authorKey } from '../papers/authors.ts';
import { matchInterests } from '../search/match.ts';
import { QueryError } from '../search/query/ast.ts';
import { parseQuery } from '../search/query/parse.ts';
import type { Pool } from './pool.ts';
import type { Follow } from './repository.ts';
import type { Tuning } from './settings.ts';

/** The weights at step b = 0 (model, follow) and b = 1 (trend); see the file comment. */
const WEIGHTS = { model: 1, follow: 0.7, trend: 1 } as const;
/** How much a "less like this" pulls away, relative to a positive's pull. */
const NEGATIVE_WEIGHT = 0.5;
/** A followed author is the surest sign, a followed search nearly so, a category the loosest. */
const FOLLOW_STRENGTH = { author: 1, search: 0.9, category: 0.6 } as const;
/** Terms the keyword model keeps (the strongest by |weight|). */
const MODEL_TERMS = 64;
/** An example is named as evidence when at least this close (cosine) to the paper... */
const EVIDENCE_COSINE = 0.3;
/**
 * ...or, in the keyword model, when it shares at least this many of the model's words with it:
 * the MODEL_TERMS strongest that pull towards the reader's examples, so an example is named for
 * the words that made the paper rank, not for "results" or "framework", which half of any window
 * holds (and counting only those is what keeps a page's evidence cheap).
 */
const EVIDENCE_WORDS = 2;
/** A model part below this gives no "similar to" reason. */
const MODEL_REASON_MIN = 0.05;

type ModelKind = 'vector' | 'keyword' | 'none';

export interface Example {
  id: number;
  arxivId: string;
  title: string;
  /** How the reader gave it: "upvoted", "saved", "picked". */
  verb: string;
  /** terms.ts `paperTerms` (read when `termIds` is not given). */
  terms: readonly string[];
  /**
   * The same terms as ids of the pool the example is ranked in (`poolTermIds`): the service keeps
   * them per cached paper and pool, so a page does not look its examples' words up again.
   */
  termIds?: Int32Array;
  /** Unit vector, or null. */
  vector: Float32Array | null;
}

export interface ReaderProfile {
  positives: Example[];
  negatives: Example[];
  follows: Follow[];
  /** Never shown: hidden, "less like this", and the positives themselves. */
  exclude: Set<number>;
}

export type Reason =
  | { kind: 'similar'; examples: { arxivId: string; title: string; verb: string }[] }
  | { kind: 'author'; name: string }
  | { kind: 'search'; query: string }
  | { kind: 'category'; code: string }
  | { kind: 'votes'; votes: number }
  | { kind: 'trending' };

interface Ranked {
  paperId: number;
  score: number;
  parts: { model: number; follow: number; trend: number };
  reasons: Reason[];
}

export function weightsFor(t: Pick<Tuning, 'trending'>): { model: number; follow: number; trend: number } {
  const b = t.trending / 4;
  return { model: WEIGHTS.model * (1 - b), follow: WEIGHTS.follow, trend: WEIGHTS.trend * b };
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function centroid(examples: Example[], dims: number): { sum: Float32Array; n: number } {
  const sum = new Float32Array(dims);
  let n = 0;
  for (const e of examples) {
    if (!e.vector || e.vector.length !== dims) continue;
    for (let i = 0; i < dims; i++) sum[i]! += e.vector[i]!;
    n++;
  }
  return { sum, n };
}

/** The vector model: cosine to (mean positive − NEGATIVE_WEIGHT · mean negative). */
function vectorModel(pool: Pool, profile: ReaderProfile): Float32Array | null {
  const vectors = pool.vectors;
  if (!vectors) return null;
  const dims = profile.positives.find((e) => e.vector)?.vector?.length;
  if (!dims) return null;
  const pos = centroid(profile.positives, dims);
  const neg = centroid(profile.negatives, dims);
  const m = new Float32Array(dims);
  for (let i = 0; i < dims; i++)
    m[i] = pos.sum[i]! / pos.n - (neg.n ? (NEGATIVE_WEIGHT * neg.sum[i]!) / neg.n : 0);
  const norm = Math.sqrt(dot(m, m));
  const out = pool.scratch.model;
  out.fill(0);
  if (norm === 0) return out;
  vectors.forEach((v, i) => {
    out[i] = v && v.length === dims ? dot(m, v) / norm : 0;
  });
  return out;
}

/** Terms as the pool's term ids (terms no paper of the window has are dropped). */
export function poolTermIds(pool: Pool, terms: Iterable<string>): Int32Array {
  const out: number[] = [];
  for (const t of terms) {
    const id = pool.termId.get(t);
    if (id !== undefined) out.push(id);
  }
  return Int32Array.from(out);
}

/**
 * An example's terms as the pool's term ids: given by the service (`Example.termIds`), else looked
 * up, and kept per terms array and pool, as many readers share example papers.
 */
const idsCache = new WeakMap<readonly string[], { pool: Pool; ids: Int32Array }>();
function termIds(pool: Pool, e: Example): Int32Array {
  if (e.termIds) return e.termIds;
  const hit = idsCache.get(e.terms);
  if (hit?.pool === pool) return hit.ids;
  const ids = poolTermIds(pool, e.terms);
  idsCache.set(e.terms, { pool, ids });
  return ids;
}

/**
 * The `limit` best of the indexes 0..n-1 not skipped, best first: a bounded min-heap whose root is
 * the worst kept, so n candidates cost n comparisons and only those entering it a sift, rather
 * than a sort of all n. `worse(a, b)` must be a strict total order (ties broken by index).
 */
function best(
  n: number,
  limit: number,
  worse: (a: number, b: number) => boolean,
  skip?: Uint8Array,
): number[] {
  const heap: number[] = [];
  if (limit <= 0) return heap;
  const swap = (x: number, y: number) => {
    const t = heap[x]!;
    heap[x] = heap[y]!;
    heap[y] = t;
  };
  for (let i = 0; i < n; i++) {
    if (skip?.[i]) continue;
    if (heap.length < limit) {
      heap.push(i);
      for (let at = heap.length - 1; at > 0; ) {
        const up = (at - 1) >> 1;
        if (!worse(heap[at]!, heap[up]!)) break;
        swap(at, up);
        at = up;
      }
    } else if (worse(heap[0]!, i)) {
      heap[0] = i;
      for (let at = 0; ; ) {
        const l = 2 * at + 1;
        const r = l + 1;
        let m = at;
        if (l < heap.length && worse(heap[l]!, heap[m]!)) m = l;
        if (r < heap.length && worse(heap[r]!, heap[m]!)) m = r;
        if (m === at) break;
        swap(at, m);
        at = m;
      }
    }
  }
  return heap.sort((a, b) => (worse(a, b) ? 1 : -1));
}

/**
 * The MODEL_TERMS strongest non-zero weights of `w` by |weight| (first seen first among equals),
 * strongest first, as indexes into `w`. A reader touches ~1,500 terms; a sort of them all was a
 * sixth of a ranking's time (bench/foryou-http.bench.ts profile).
 */
function strongest(w: Float64Array): number[] {
  const abs = new Float64Array(w.length);
  for (let k = 0; k < w.length; k++) abs[k] = Math.abs(w[k]!);
  const skip = new Uint8Array(w.length);
  for (let k = 0; k < w.length; k++) if (abs[k] === 0) skip[k] = 1;
  return best(w.length, MODEL_TERMS, (a, b) => abs[a]! < abs[b]! || (abs[a] === abs[b] && a > b), skip);
}

/** The keyword model (see the file comment); null when there are no positives. */
function keywordModel(
  pool: Pool,
  positives: Int32Array[],
  negatives: Int32Array[],
): { scores: Float32Array; terms: Set<number> } | null {
  if (positives.length === 0) return null;
  const n = pool.papers.length;
  // The pool's scratch, zero again before returning (ranking is synchronous).
  const weight = pool.termWeight;
  const seen = pool.termSeen;
  const touched: number[] = []; // first seen first, so equal weights keep that order
  const add = (examples: Int32Array[], share: number) => {
    for (const ids of examples)
      for (const t of ids) {
        if (!seen[t]) {
          seen[t] = 1;
          touched.push(t);
        }
        weight[t]! += share;
      }
  };
  add(positives, 1 / positives.length);
  if (negatives.length) add(negatives, -NEGATIVE_WEIGHT / negatives.length);
  // Typed arrays rather than a { term, weight } object per touched term: a reader touches ~1,500
  // terms, and those objects were a large share of a page's garbage (bench/foryou-http.bench.ts).
  const w = new Float64Array(touched.length);
  for (let k = 0; k < touched.length; k++) {
    const t = touched[k]!;
    w[k] = weight[t]! * pool.idf[t]!;
    weight[t] = 0;
    seen[t] = 0;
  }
  const raw = pool.scratch.model;
  raw.fill(0);
  const terms = new Set<number>();
  for (const k of strongest(w)) {
    const t = touched[k]!;
    const wk = w[k]!;
    for (const i of pool.postings[t]!) raw[i]! += wk;
    if (wk > 0 && !pool.categoryTerm[t]) terms.add(t);
  }
  let max = 0;
  for (let i = 0; i < n; i++) {
    raw[i] = raw[i]! / pool.lengthNorm[i]!;
    if (raw[i]! > max) max = raw[i]!;
  }
  if (max > 0) for (let i = 0; i < n; i++) raw[i] = Math.max(-1, raw[i]! / max);
  return { scores: raw, terms };
}

/** Followed searches whose matches a pool keeps (pool.ts `searchHits`); past it, it starts over. */
const SEARCH_HITS_KEPT = 5_000;

/** Positions (ascending) a followed search matches in the pool; none for an unreadable one. */
function searchHits(pool: Pool, text: string): Int32Array {
  const hit = pool.searchHits.get(text);
  if (hit) return hit;
  let positions = new Int32Array(0);
  try {
    const found = matchInterests(pool.index, {
      categories: [],
      keywords: [{ text, query: parseQuery(text) }],
      authors: [],
    });
    positions = Int32Array.from(found.keys()).sort();
  } catch (err) {
    // Saved before a language change: it matches nothing.
    if (!(err instanceof QueryError)) throw err;
  }
  if (pool.searchHits.size >= SEARCH_HITS_KEPT) pool.searchHits.clear();
  pool.searchHits.set(text, positions);
  return positions;
}

/** What one follow matches: positions (ascending) and the reason it gives. */
interface FollowHit {
  positions: ArrayLike<number>;
  strength: number;
  reason: Reason;
}

/** The reader's follows as hits, in the order reasons are given: authors, searches, categories. */
function followHits(pool: Pool, follows: Follow[]): FollowHit[] {
  const none: number[] = [];
  const hits: FollowHit[] = [];
  for (const f of follows)
    if (f.kind === 'author')
      hits.push({
        positions: pool.byAuthorKey.get(authorKey(f.key)) ?? none,
        strength: FOLLOW_STRENGTH.author,
        reason: { kind: 'author', name: f.label },
      });
  for (const f of follows)
    if (f.kind === 'search')
      hits.push({
        positions: searchHits(pool, f.key),
        strength: FOLLOW_STRENGTH.search,
        reason: { kind: 'search', query: f.label },
      });
  for (const f of follows)
    if (f.kind === 'category')
      hits.push({
        positions: pool.index.byCategory.get(f.key.toLowerCase()) ?? none,
        strength: FOLLOW_STRENGTH.category,
        reason: { kind: 'category', code: f.label },
      });
  return hits;
}

/** Whether ascending `positions` holds `i`. */
function holds(positions: ArrayLike<number>, i: number): boolean {
  let lo = 0;
  let hi = positions.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = positions[mid]!;
    if (v === i) return true;
    if (v < i) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/**
 * Positives by content word (categories left out), as linked lists from the pool's `holderHead`
 * (term id → 1 + its last node): the keyword model's evidence counts shared words with one array
 * read per word of the paper, instead of comparing each ranked paper with every positive (Maps
 * here cost more than the ranking itself: bench/foryou-http.bench.ts profile). `release` zeroes
 * the heads again; ranking is synchronous, so one pool's scratch serves every reader in turn.
 */
interface Holders {
  who: number[];
  next: number[];
  /** Per positive: words shared with the paper at hand, and which positives are non-zero. */
  shared: Int32Array;
  hit: number[];
  release(): void;
}

function holdersOf(pool: Pool, ids: Int32Array[], modelTerms: Int32Array): Holders {
  const head = pool.holderHead;
  // The model's words marked in the pool's scratch (zero again below, before returning).
  const isModelTerm = pool.termSeen;
  for (const t of modelTerms) isModelTerm[t] = 1;
  const who: number[] = [];
  const next: number[] = [];
  const touched: number[] = [];
  ids.forEach((list, k) => {
    for (const t of list) {
      if (!isModelTerm[t]) continue;
      if (head[t] === 0) touched.push(t);
      who.push(k);
      next.push(head[t]! - 1);
      head[t] = who.length;
    }
  });
  for (const t of modelTerms) isModelTerm[t] = 0;
  return {
    who,
    next,
    shared: new Int32Array(ids.length),
    hit: [],
    release: () => {
      for (const t of touched) head[t] = 0;
    },
  };
}

/** Which of the reader's examples this paper is like, closest first (at most two). */
function evidence(pool: Pool, i: number, profile: ReaderProfile, kind: ModelKind, holders: Holders | null) {
  const scored: { e: Example; s: number }[] = [];
  if (kind === 'vector') {
    const v = pool.vectors?.[i];
    if (!v) return [];
    for (const e of profile.positives) {
      if (!e.vector || e.vector.length !== v.length) continue;
      const s = dot(v, e.vector);
      if (s >= EVIDENCE_COSINE) scored.push({ e, s });
    }
  } else if (holders) {
    const { who, next, shared, hit } = holders;
    const head = pool.holderHead;
    const terms = pool.terms[i]!;
    for (let j = 0; j < terms.length; j++)
      for (let node = head[terms[j]!]! - 1; node >= 0; node = next[node]!) {
        const k = who[node]!;
        const c = shared[k]!;
        shared[k] = c + 1;
        if (c === 0) hit.push(k);
      }
    for (const k of hit) {
      if (shared[k]! >= EVIDENCE_WORDS) scored.push({ e: profile.positives[k]!, s: shared[k]! });
      shared[k] = 0;
    }
    hit.length = 0;
  }
  scored.sort((a, b) => b.s - a.s || b.e.id - a.e.id);
  return scored.slice(0, 2).map(({ e }) => ({ arxivId: e.arxivId, title: e.title, verb: e.verb }));
}

/**
 * The `limit` best positions not skipped, best first: higher score first, and among equal scores
 * the lower position (the newer paper, as the window is read; e.g. a cold start with no votes
 * anywhere).
 */
function topPositions(scores: Float64Array, skip: Uint8Array, limit: number): number[] {
  return best(
    scores.length,
    limit,
    (a, b) => scores[a]! < scores[b]! || (scores[a] === scores[b] && a > b),
    skip,
  );
}

/** A ranking's row per rank: paper id, position in the pool, score and the score's three parts. */
const ROW = 6;
const [PAPER, POSITION, SCORE, MODEL, FOLLOW, TREND] = [0, 1, 2, 3, 4, 5] as const;

/**
 * A reader's ranking without its reasons: what the service keeps per reader between pages. One
 * typed array of rows, not an object (or an array) per ranked paper: 10,000 readers' rankings
 * stay in memory (service.ts), and while that cache fills, every object kept is copied by the
 * young generation's collections, which were the slowest pages (bench/foryou-http.bench.ts).
 * `reasons[k]` is filled when rank k is explained (`explainRanking`), once.
 */
export interface Ranking {
  /** How many are ranked. */
  length: number;
  /** ROW numbers per rank (see the constants above). */
  rows: Float64Array;
  reasons: (Reason[] | undefined)[];
  model: ModelKind;
  /** True when "only followed categories" applied (the reader follows at least one category). */
  categoryFilter: boolean;
  /** The keyword model's words pulling towards the examples (its evidence), or null. */
  modelTerms: Int32Array | null;
}

/** Rank k's paper id, pool position and score. */
export const rankedPaperId = (r: Ranking, k: number) => r.rows[k * ROW + PAPER]!;
export const rankedPosition = (r: Ranking, k: number) => r.rows[k * ROW + POSITION]!;
export const rankedScore = (r: Ranking, k: number) => r.rows[k * ROW + SCORE]!;

export interface RankResult {
  items: Ranked[];
  model: ModelKind;
  /** True when "only followed categories" applied (the reader follows at least one category). */
  categoryFilter: boolean;
}

/**
 * The reader's `limit` best papers of the pool, scored but not yet explained: reasons cost more
 * than the scores (evidence walks each paper's words), and a page shows only a few of the ranked.
 */
export function scoreForYou(pool: Pool, profile: ReaderProfile, tuning: Tuning, limit: number): Ranking {
  const vec = vectorModel(pool, profile);
  const keyword = vec
    ? null
    : keywordModel(
        pool,
        profile.positives.map((e) => termIds(pool, e)),
        profile.negatives.map((e) => termIds(pool, e)),
      );
  const model = vec ?? keyword?.scores ?? null;
  const kind: ModelKind = vec ? 'vector' : model ? 'keyword' : 'none';
  const w = weightsFor(tuning);
  const n = pool.papers.length;
  // The pool's scratch (ranking is synchronous), cleared here rather than allocated per reader.
  const { follow, skip, scores } = pool.scratch;
  follow.fill(0);
  skip.fill(0);
  for (const h of followHits(pool, profile.follows))
    for (let k = 0; k < h.positions.length; k++) {
      const i = h.positions[k]!;
      if (follow[i]! < h.strength) follow[i] = h.strength;
    }
  const followed = profile.follows.filter((f) => f.kind === 'category');
  const categoryFilter = tuning.onlyFollowedCategories && followed.length > 0;
  // Masks by position, so the loop below reads arrays only.
  if (categoryFilter) {
    skip.fill(1);
    for (const f of followed)
      for (const i of pool.index.byCategory.get(f.key.toLowerCase()) ?? []) skip[i] = 0;
  }
  for (const id of profile.exclude) {
    const i = pool.position.get(id);
    if (i !== undefined) skip[i] = 1;
  }
  const trend = pool.trend;
  if (model)
    for (let i = 0; i < n; i++)
      if (!skip[i]) scores[i] = w.model * model[i]! + w.follow * follow[i]! + w.trend * trend[i]!;
  if (!model)
    for (let i = 0; i < n; i++) if (!skip[i]) scores[i] = w.follow * follow[i]! + w.trend * trend[i]!;
  const top = topPositions(scores, skip, limit);
  const rows = new Float64Array(top.length * ROW);
  top.forEach((i, k) => {
    const at = k * ROW;
    rows[at + PAPER] = pool.papers[i]!.id;
    rows[at + POSITION] = i;
    rows[at + SCORE] = scores[i]!;
    rows[at + MODEL] = model?.[i] ?? 0;
    rows[at + FOLLOW] = follow[i]!;
    rows[at + TREND] = trend[i]!;
  });
  return {
    length: top.length,
    rows,
    reasons: new Array(top.length),
    model: kind,
    categoryFilter,
    modelTerms: keyword ? Int32Array.from(keyword.terms) : null,
  };
}

/**
 * Ranks [from, to) of a ranking with their reasons, explaining those not yet explained (kept on the
 * ranking). `pool` and `profile` must be the ones the ranking was made with.
 */
export function explainRanking(
  pool: Pool,
  profile: ReaderProfile,
  ranking: Ranking,
  from: number,
  to: number,
): RankResult {
  const lo = Math.max(0, Math.min(from, ranking.length));
  const hi = Math.max(lo, Math.min(to, ranking.length));
  const todo: number[] = [];
  for (let k = lo; k < hi; k++) if (!ranking.reasons[k]) todo.push(k);
  if (todo.length) {
    const kind = ranking.model;
    const rows = ranking.rows;
    const hits = todo.some((k) => rows[k * ROW + FOLLOW]! > 0) ? followHits(pool, profile.follows) : [];
    const holders = ranking.modelTerms
      ? holdersOf(
          pool,
          profile.positives.map((e) => termIds(pool, e)),
          ranking.modelTerms,
        )
      : null;
    for (const k of todo) {
      const i = rows[k * ROW + POSITION]!;
      const reasons: Reason[] = [];
      if (kind !== 'none' && rows[k * ROW + MODEL]! >= MODEL_REASON_MIN) {
        const examples = evidence(pool, i, profile, kind, holders);
        if (examples.length) reasons.push({ kind: 'similar', examples });
      }
      if (rows[k * ROW + FOLLOW]! > 0)
        for (const h of hits) if (holds(h.positions, i)) reasons.push(h.reason);
      const votes = pool.papers[i]!.votes;
      if (votes > 0) reasons.push({ kind: 'votes', votes });
      if (reasons.length === 0) reasons.push({ kind: 'trending' });
      ranking.reasons[k] = reasons;
    }
    holders?.release();
  }
  const items: Ranked[] = [];
  for (let k = lo; k < hi; k++) {
    const at = k * ROW;
    const rows = ranking.rows;
    items.push({
      paperId: rows[at + PAPER]!,
      score: rows[at + SCORE]!,
      parts: { model: rows[at + MODEL]!, follow: rows[at + FOLLOW]!, trend: rows[at + TREND]! },
      reasons: ranking.reasons[k]!,
    });
  }
  return { items, model: ranking.model, categoryFilter: ranking.categoryFilter };
}

/** The reader's `limit` best papers of the pool, each with its reasons. */
export function rankForYou(pool: Pool, profile: ReaderProfile, tuning: Tuning, limit: number): RankResult {
  const ranking = scoreForYou(pool, profile, tuning, limit);
  return explainRanking(pool, profile, ranking, 0, limit);
}

const list = (names: string[]) =>
  names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;

/** A reason in words (plain text; the page renders the same with links). */
export function reasonText(r: Reason): string {
  switch (r.kind) {
    case 'similar': {
      const verbs = [...new Set(r.examples.map((e) => e.verb))];
      return `similar to ${list(r.examples.map((e) => `“${e.title}”`))}, which you ${list(verbs)}`;
    }
    case 'author':
      return `by ${r.name}, whom you follow`;
    case 'search':
      return `matches your followed search \`${r.query}\``;
    case 'category':
      return `in ${r.code}, which you follow`;
    case 'votes':
      return `${r.votes} upvote${r.votes === 1 ? '' : 's'}`;
    case 'trending':
      return 'trending on this site';
  }
}
