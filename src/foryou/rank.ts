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
  /** terms.ts `paperTerms`. */
  terms: string[];
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
  const out = new Float32Array(vectors.length);
  if (norm === 0) return out;
  vectors.forEach((v, i) => {
    out[i] = v && v.length === dims ? dot(m, v) / norm : 0;
  });
  return out;
}

/**
 * An example's terms as the pool's term ids (terms no paper of the window has are dropped). Kept
 * per example and pool: the service hands the same terms array for a paper to every reader
 * (service.ts caches briefs), and many readers save the same papers.
 */
const idsCache = new WeakMap<readonly string[], { pool: Pool; ids: Int32Array }>();
function termIds(pool: Pool, e: Example): Int32Array {
  const hit = idsCache.get(e.terms);
  if (hit?.pool === pool) return hit.ids;
  const out: number[] = [];
  for (const t of e.terms) {
    const id = pool.termId.get(t);
    if (id !== undefined) out.push(id);
  }
  const ids = Int32Array.from(out);
  idsCache.set(e.terms, { pool, ids });
  return ids;
}

/** The MODEL_TERMS strongest (by |weight|, first seen first among equals), strongest first. */
function strongest(scored: { t: number; w: number }[]): { t: number; w: number }[] {
  let kept = scored;
  if (scored.length > MODEL_TERMS) {
    // A native numeric sort finds the cut; only the few kept are sorted with a comparator.
    const abs = new Float64Array(scored.length);
    for (let k = 0; k < scored.length; k++) abs[k] = Math.abs(scored[k]!.w);
    const cut = abs.sort()[scored.length - MODEL_TERMS]!;
    let ties = MODEL_TERMS - scored.filter((x) => Math.abs(x.w) > cut).length;
    kept = scored.filter((x) => Math.abs(x.w) > cut || (Math.abs(x.w) === cut && ties-- > 0));
  }
  return kept.sort((a, b) => Math.abs(b.w) - Math.abs(a.w));
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
  const scored: { t: number; w: number }[] = [];
  for (const t of touched) {
    const w = weight[t]!;
    weight[t] = 0;
    seen[t] = 0;
    if (w !== 0) scored.push({ t, w: w * Math.log(1 + n / pool.postings[t]!.length) });
  }
  const raw = new Float32Array(n);
  const terms = new Set<number>();
  for (const { t, w } of strongest(scored)) {
    for (const i of pool.postings[t]!) raw[i]! += w;
    if (w > 0 && !pool.categoryTerm[t]) terms.add(t);
  }
  let max = 0;
  for (let i = 0; i < n; i++) {
    raw[i] = raw[i]! / Math.sqrt(Math.max(1, pool.terms[i]!.length));
    if (raw[i]! > max) max = raw[i]!;
  }
  if (max > 0) for (let i = 0; i < n; i++) raw[i] = Math.max(-1, raw[i]! / max);
  return { scores: raw, terms };
}

/**
 * The follows' part by window position: the strongest follow matched, and which follows matched
 * (a mask per follow), so a page reads arrays and only its own items' reasons are built.
 */
interface FollowMatches {
  strength: Float64Array;
  reasonsAt(i: number): Reason[];
}

function followMatches(pool: Pool, follows: Follow[]): FollowMatches {
  const n = pool.papers.length;
  const strength = new Float64Array(n);
  const matched: { mask: Uint8Array; reason: Reason }[] = [];
  const add = (positions: Iterable<number>, s: number, reason: Reason) => {
    const mask = new Uint8Array(n);
    for (const i of positions) {
      mask[i] = 1;
      if (strength[i]! < s) strength[i] = s;
    }
    matched.push({ mask, reason });
  };
  // Reasons in order of strength: authors, then searches, then categories.
  for (const f of follows)
    if (f.kind === 'author')
      add(pool.byAuthorKey.get(authorKey(f.key)) ?? [], FOLLOW_STRENGTH.author, {
        kind: 'author',
        name: f.label,
      });
  for (const f of follows) {
    if (f.kind !== 'search') continue;
    let query: ReturnType<typeof parseQuery>;
    try {
      query = parseQuery(f.key);
    } catch (err) {
      if (err instanceof QueryError) continue; // saved before a language change: it matches nothing
      throw err;
    }
    const found = matchInterests(pool.index, {
      categories: [],
      keywords: [{ text: f.key, query }],
      authors: [],
    });
    add(found.keys(), FOLLOW_STRENGTH.search, { kind: 'search', query: f.label });
  }
  for (const f of follows)
    if (f.kind === 'category')
      add(pool.index.byCategory.get(f.key.toLowerCase()) ?? [], FOLLOW_STRENGTH.category, {
        kind: 'category',
        code: f.label,
      });
  return { strength, reasonsAt: (i) => matched.filter((m) => m.mask[i]).map((m) => m.reason) };
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

function holdersOf(pool: Pool, ids: Int32Array[], modelTerms: Set<number>): Holders {
  const head = pool.holderHead;
  const who: number[] = [];
  const next: number[] = [];
  const touched: number[] = [];
  ids.forEach((list, k) => {
    for (const t of list) {
      if (!modelTerms.has(t)) continue;
      if (head[t] === 0) touched.push(t);
      who.push(k);
      next.push(head[t]! - 1);
      head[t] = who.length;
    }
  });
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

export interface RankResult {
  items: Ranked[];
  model: ModelKind;
  /** True when "only followed categories" applied (the reader follows at least one category). */
  categoryFilter: boolean;
}

export function rankForYou(pool: Pool, profile: ReaderProfile, tuning: Tuning, limit: number): RankResult {
  const vec = vectorModel(pool, profile);
  const positiveIds = vec ? [] : profile.positives.map((e) => termIds(pool, e));
  const keyword = vec
    ? null
    : keywordModel(
        pool,
        positiveIds,
        profile.negatives.map((e) => termIds(pool, e)),
      );
  const model = vec ?? keyword?.scores ?? null;
  const kind: ModelKind = vec ? 'vector' : model ? 'keyword' : 'none';
  const w = weightsFor(tuning);
  const follows = followMatches(pool, profile.follows);
  const followed = profile.follows.filter((f) => f.kind === 'category');
  const categoryFilter = tuning.onlyFollowedCategories && followed.length > 0;
  const n = pool.papers.length;
  // Masks by position, so the loop below reads arrays only.
  const skip = new Uint8Array(n);
  if (categoryFilter) {
    skip.fill(1);
    for (const f of followed)
      for (const i of pool.index.byCategory.get(f.key.toLowerCase()) ?? []) skip[i] = 0;
  }
  for (const id of profile.exclude) {
    const i = pool.position.get(id);
    if (i !== undefined) skip[i] = 1;
  }
  const scores = new Float64Array(n);
  let order: number[] = [];
  for (let i = 0; i < n; i++) {
    if (skip[i]) continue;
    scores[i] = w.model * (model?.[i] ?? 0) + w.follow * follows.strength[i]! + w.trend * pool.trend[i]!;
    order.push(i);
  }
  // Only the first `limit` are ordered: the cut is found by a native numeric sort of the scores,
  // then the few at or above it are sorted with the tie-break, the same order as sorting them all.
  if (order.length > limit) {
    const cut = Float64Array.from(order, (i) => scores[i]!).sort()[order.length - limit]!;
    order = order.filter((i) => scores[i]! >= cut);
  }
  // Ties (e.g. a cold start with no votes anywhere): newest first, as the window is read.
  order.sort((a, b) => scores[b]! - scores[a]! || a - b);
  const holders = keyword ? holdersOf(pool, positiveIds, keyword.terms) : null;
  const items = order.slice(0, limit).map((i): Ranked => {
    const p = pool.papers[i]!;
    const m = model?.[i] ?? 0;
    const f = follows.strength[i]!;
    const reasons: Reason[] = [];
    if (kind !== 'none' && m >= MODEL_REASON_MIN) {
      const examples = evidence(pool, i, profile, kind, holders);
      if (examples.length) reasons.push({ kind: 'similar', examples });
    }
    if (f > 0) reasons.push(...follows.reasonsAt(i));
    if (p.votes > 0) reasons.push({ kind: 'votes', votes: p.votes });
    if (reasons.length === 0) reasons.push({ kind: 'trending' });
    return {
      paperId: p.id,
      score: scores[i]!,
      parts: { model: m, follow: f, trend: pool.trend[i]! },
      reasons,
    };
  });
  holders?.release();
  return { items, model: kind, categoryFilter };
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
