/**
 * The built-in embedder: latent semantic analysis learned from the local corpus, so semantic
 * search needs no download and no network.
 *
 * Training (on a sample of papers): tokens are lower-cased letter/digit runs; the vocabulary is
 * the most widespread words (document frequency ≥ MIN_DF, at most maxVocab); each paper is a
 * tf-idf row ((1 + ln tf) · ln(N/df), unit length); a randomized truncated SVD of that matrix
 * gives every word a k-dimensional vector (its row of V). Words used in the same company get
 * nearby vectors even if they never appear together — "car" and "automobile" share their
 * neighbours, not each other — which is what lets a query find papers that use other words.
 *
 * Embedding: the tf-idf-weighted sum of the text's word vectors, normalized (LSA fold-in).
 * Serialized with a content hash as its id, so changed weights mean new vectors.
 */
import { createHash } from 'node:crypto';
import { exactSearch, Index, type Matches, MetricKind, ScalarKind } from 'usearch';
import { toInt8 } from '../vectors/quantize.ts';
import { type Embedder, type Expansion, normalize, type QueryOptions } from './embedder.ts';
import { type Csr, randomizedSvd } from './svd.ts';

const DEFAULT_DIMENSIONS = 128;
const DEFAULT_MAX_VOCAB = 50_000;
const DEFAULT_SIGMA_POWER = 0;
const MIN_DF = 2;
/** Words in more than this share of papers carry no topic ("the", "we", "results"). */
const MAX_DF_SHARE = 0.5;
const TOKEN = /[\p{L}\p{N}]+/gu;
const NO_WORDS: ReadonlySet<string> = new Set();
const MAGIC = 'PBLSA2';
/**
 * Learned synonyms: word pairs that are used in the same company (vectors within SYN_SIMILARITY)
 * yet avoid each other — they share papers at most SYN_AVOIDANCE times as often as expected
 * inside their topic. That is how interchangeable names behave ("car"/"automobile": a paper picks
 * one), while topic words that belong together co-occur. The expected count uses the topic's size
 * as the word's close neighbours imply it (see findSynonyms), and must be at least
 * SYN_MIN_EXPECTED so that rare words are not called synonyms by chance.
 */
const SYN_SIMILARITY = 0.9;
const SYN_AVOIDANCE = 0.05;
const SYN_MIN_EXPECTED = 5;
const SYN_MIN_DF = 10;
const SYN_NEIGHBOURS = 100;
const SYN_MAX = 6;
/** Co-occurring close neighbours needed to estimate the topic's size at all. */
const SYN_MIN_IMPLIED = 3;
/** Share of a word's company a synonym must keep too (see sharedContext). */
const SYN_SHARED_CONTEXT = 0.5;
/**
 * Query expansion: a short query is the sum of its words' vectors plus its nearest words' (the
 * model's own neighbourhood, weighted by similarity^EXPANSION_POWER). A one-word query otherwise
 * leans on that exact word; with its neighbours it points at the concept, so papers using a
 * synonym rank beside papers using the word (measured: bench/search-quality.bench.ts).
 */
const EXPANSION_NEIGHBOURS = 20;
const EXPANSION_POWER = 4;
const EXPANSION_MIN_SIMILARITY = 0.5;

export function tokenize(text: string): string[] {
  const all = text.toLowerCase().match(TOKEN);
  if (!all) return [];
  const out: string[] = [];
  for (const w of all) if (w.length >= 2 && w.length <= 40 && !allDigits(w)) out.push(w);
  return out;
}

function allDigits(w: string): boolean {
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

export interface TrainOptions {
  dimensions?: number;
  maxVocab?: number;
  seed?: number;
  /** Word vectors are V·Σ^p: p > 0 leans on the strong (topic) directions over word-specific ones. */
  sigmaPower?: number;
  /** Learn synonyms (see SYN_SIMILARITY); on by default. */
  synonyms?: boolean;
  /** Progress: phase name and fraction done. */
  onProgress?: (phase: string, fraction: number) => void;
}

export class BuiltinEmbedder implements Embedder {
  readonly id: string;
  readonly dimensions: number;
  readonly #vocab: Map<string, number>;
  readonly #idf: Float32Array;
  /** vocab × dimensions, row-major. */
  readonly #vectors: Float32Array;
  readonly #bytes: Uint8Array;
  /** word id → synonym word ids. */
  readonly #synonyms: Map<number, number[]>;

  private constructor(
    words: string[],
    idf: Float32Array,
    vectors: Float32Array,
    dimensions: number,
    synonyms: Map<number, number[]>,
  ) {
    this.dimensions = dimensions;
    this.#vocab = new Map(words.map((w, i) => [w, i]));
    this.#idf = idf;
    this.#count = new Int32Array(idf.length);
    this.#vectors = vectors;
    this.#synonyms = synonyms;
    this.#words = words;
    this.#bytes = encode(words, idf, vectors, dimensions, synonyms);
    this.id = `builtin-${createHash('sha256').update(this.#bytes).digest('hex').slice(0, 16)}`;
  }

  get vocabularySize(): number {
    return this.#vocab.size;
  }

  /** Trains on the given texts (a sample of the corpus); they are read once. */
  static train(texts: Iterable<string>, options: TrainOptions = {}): BuiltinEmbedder {
    const dims = options.dimensions ?? DEFAULT_DIMENSIONS;
    const progress = options.onProgress ?? (() => {});
    // Pass 1: every word gets a provisional id; each document is kept as its ids only.
    const ids = new Map<string, number>();
    const df: number[] = [];
    const docs: Int32Array[] = [];
    const seen = new Set<number>();
    for (const text of texts) {
      const toks = tokenize(text);
      const row = new Int32Array(toks.length);
      seen.clear();
      for (let i = 0; i < toks.length; i++) {
        let id = ids.get(toks[i]!);
        if (id === undefined) {
          id = ids.size;
          ids.set(toks[i]!, id);
          df.push(0);
        }
        row[i] = id;
        if (!seen.has(id)) {
          seen.add(id);
          df[id]!++;
        }
      }
      docs.push(row);
      if (docs.length % 10_000 === 0) progress('tokenizing sample', 0);
    }
    const n = docs.length;
    if (n < 2) throw new Error('not enough papers to train the built-in embedder (need at least 2)');
    // Vocabulary: most widespread words first, without the ubiquitous ones.
    const maxDf = Math.max(MIN_DF, Math.floor(n * MAX_DF_SHARE));
    const words = [...ids.keys()];
    const keep = [...df.keys()]
      .filter((i) => df[i]! >= MIN_DF && df[i]! <= maxDf)
      .sort((a, b) => df[b]! - df[a]! || (words[a]! < words[b]! ? -1 : 1))
      .slice(0, options.maxVocab ?? DEFAULT_MAX_VOCAB);
    const remap = new Int32Array(ids.size).fill(-1);
    keep.forEach((old, i) => {
      remap[old] = i;
    });
    const idf = Float32Array.from(keep, (old) => Math.log(n / df[old]!));
    // Pass 2: the tf-idf matrix in CSR form, rows of unit length.
    const csr = toCsr(docs, remap, idf, keep.length);
    docs.length = 0;
    ids.clear();
    const svd = randomizedSvd(csr, {
      k: dims,
      seed: options.seed ?? 1,
      onPass: (d, t) => progress('factorizing', d / t),
    });
    const vectors = new Float32Array(keep.length * dims);
    // A small sample can give fewer factors than asked for: the rest stay zero.
    for (let t = 0; t < keep.length; t++) vectors.set(svd.v.subarray(t * svd.k, (t + 1) * svd.k), t * dims);
    const p = options.sigmaPower ?? DEFAULT_SIGMA_POWER;
    if (p !== 0)
      for (let t = 0; t < keep.length; t++)
        for (let r = 0; r < svd.k; r++) vectors[t * dims + r]! *= svd.s[r]! ** p;
    progress('finding synonyms', 0);
    const synonyms =
      options.synonyms === false ? new Map<number, number[]>() : findSynonyms(csr, vectors, dims);
    return new BuiltinEmbedder(
      keep.map((i) => words[i]!),
      idf,
      vectors,
      dims,
      synonyms,
    );
  }

  embedOne(text: string): Float32Array {
    return this.#weightedSum(text, null);
  }

  /**
   * Like embedOne, but each word counts as the mean of itself and its learned synonyms: a query
   * means the concept, not the name typed, while papers keep the names they use. A small gain
   * (bench search-quality, synonym recall@10 of the vector side: 0.630 → 0.636 at 100k, 0.600 →
   * 0.604 at 1M): the names' vectors are already nearly equal; what is left is each name's own
   * direction, which favoured papers using the typed one.
   */
  #conceptVector(text: string, excluded: ReadonlySet<string>): Float32Array {
    return this.#weightedSum(text, this.#synonyms, excluded);
  }

  /**
   * Tf-idf weighted sum of word vectors; with `synonyms`, each word's weight is spread evenly
   * over itself and its synonyms. (No per-word allocation: embedOne vectorizes the whole library.)
   */
  #weightedSum(
    text: string,
    synonyms: ReadonlyMap<number, readonly number[]> | null,
    excluded: ReadonlySet<string> = NO_WORDS,
  ): Float32Array {
    // Term counts in a scratch array by word id, words in first-seen order (the order the sum
    // is taken in), zeroed again below: a Map per paper was a third of embedding's time
    // (bench/results/search-2026-12-08T*: 2.7M papers embedded on one core in 350 s).
    const count = this.#count;
    const order = this.#order;
    const vocab = this.#vocab;
    for (const w of tokenize(text)) {
      const id = vocab.get(w);
      if (id === undefined) continue;
      if (count[id] === 0) order.push(id);
      count[id]!++;
    }
    const k = this.dimensions;
    const out = new Float32Array(k);
    const vec = this.#vectors;
    const idf = this.#idf;
    for (let t = 0; t < order.length; t++) {
      const id = order[t]!;
      const syn = synonyms ? synonyms.get(id)?.filter((g) => !excluded.has(this.#words[g]!)) : undefined;
      const w = ((1 + Math.log(count[id]!)) * idf[id]!) / (1 + (syn?.length ?? 0));
      count[id] = 0;
      let o = id * k;
      for (let j = 0; j < k; j++) out[j]! += w * vec[o + j]!;
      if (syn)
        for (const g of syn) {
          o = g * k;
          for (let j = 0; j < k; j++) out[j]! += w * vec[o + j]!;
        }
    }
    order.length = 0;
    return normalize(out);
  }

  /** Scratch of #weightedSum (embedding is synchronous): count by word id, and the words seen. */
  readonly #count: Int32Array;
  readonly #order: number[] = [];

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    return texts.map((t) => this.embedOne(t));
  }

  /** Unit word vectors as int8, for the neighbour search (built on first use). */
  #wordMatrix: Int8Array | null = null;
  readonly #words: string[];

  /**
   * Learned synonyms of a word or phrase (for a phrase: the synonyms every word shares), which the
   * hybrid search also looks for on the keyword side.
   */
  synonyms(text: string): string[] {
    const toks = tokenize(text);
    if (toks.length === 0) return [];
    let common: number[] | null = null;
    for (const t of toks) {
      const id = this.#vocab.get(t);
      const syn = id === undefined ? [] : (this.#synonyms.get(id) ?? []);
      common = common === null ? [...syn] : common.filter((x) => syn.includes(x));
    }
    const own = new Set(toks);
    return (common ?? []).map((i) => this.#words[i]!).filter((w) => !own.has(w));
  }

  /**
   * The query vector with its nearest words folded in; `related` names those words, each with
   * the query word nearest to it. Excluded words (the query's -words) and their tokens are never
   * folded in; `expand: false` is the plain tf-idf embedding of the words typed.
   */
  async embedQuery(
    text: string,
    options: QueryOptions = {},
  ): Promise<{ vector: Float32Array; related: Expansion[] }> {
    if (options.expand === false) return { vector: this.embedOne(text), related: [] };
    const excluded = new Set((options.exclude ?? []).flatMap((w) => tokenize(w)));
    const q = this.#conceptVector(text, excluded);
    const k = this.dimensions;
    if (!q.some((x) => x !== 0)) return { vector: q, related: [] };
    if (!this.#wordMatrix) {
      const m = new Int8Array(this.#vocab.size * k);
      for (let i = 0; i < this.#vocab.size; i++) {
        const row = normalize(this.#vectors.slice(i * k, (i + 1) * k));
        m.set(toInt8(row), i * k);
      }
      this.#wordMatrix = m;
    }
    const n = Math.min(EXPANSION_NEIGHBOURS, this.#vocab.size);
    const hits = exactSearch(this.#wordMatrix, toInt8(q), k, n, MetricKind.Cos) as Matches;
    const out = Float32Array.from(q);
    const typed = [...new Set(tokenize(text))];
    const own = new Set(typed);
    const related: Expansion[] = [];
    for (let i = 0; i < hits.keys.length; i++) {
      const sim = 1 - hits.distances[i]!;
      if (sim < EXPANSION_MIN_SIMILARITY) break;
      const id = Number(hits.keys[i]!);
      const word = this.#words[id]!;
      if (excluded.has(word)) continue;
      const w = sim ** EXPANSION_POWER;
      const o = id * k;
      let norm = 0;
      for (let j = 0; j < k; j++) norm += this.#vectors[o + j]! ** 2;
      norm = Math.sqrt(norm) || 1;
      for (let j = 0; j < k; j++) out[j]! += (w * this.#vectors[o + j]!) / norm;
      if (!own.has(word)) related.push({ word, from: this.#nearestOf(id, typed) });
    }
    return { vector: normalize(out), related };
  }

  /** Of the query's words, the one whose vector is closest to word `id` (what it was found from). */
  #nearestOf(id: number, typed: readonly string[]): string {
    const target = this.wordVector(this.#words[id]!)!;
    let best = typed[0] ?? '';
    let bestSim = -Infinity;
    for (const t of typed) {
      const v = this.wordVector(t);
      if (!v) continue;
      let s = 0;
      for (let j = 0; j < v.length; j++) s += v[j]! * target[j]!;
      if (s > bestSim) [best, bestSim] = [t, s];
    }
    return best;
  }

  /**
   * How rare a word was in the training sample (ln N/df); for a word never counted itself, that of
   * a known inflection ("prompts" → "prompt"): the keyword index stems (porter on SQLite, english
   * on PostgreSQL), so there an unknown plural is as common as its singular. Null when neither.
   */
  idf(word: string): number | null {
    const w = word.toLowerCase();
    for (const form of [w, ...inflections(w)]) {
      const id = this.#vocab.get(form);
      if (id !== undefined) return this.#idf[id]!;
    }
    return null;
  }

  /** The word's own vector (normalized), or null when it is not in the vocabulary. */
  wordVector(word: string): Float32Array | null {
    const id = this.#vocab.get(word.toLowerCase());
    if (id === undefined) return null;
    const k = this.dimensions;
    return normalize(this.#vectors.slice(id * k, (id + 1) * k));
  }

  serialize(): Uint8Array {
    return this.#bytes;
  }

  static deserialize(bytes: Uint8Array): BuiltinEmbedder {
    const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (buf.toString('latin1', 0, MAGIC.length) !== MAGIC)
      throw new Error('not a built-in embedder model file');
    const headerLen = buf.readUInt32LE(MAGIC.length);
    let at = MAGIC.length + 4;
    const header = JSON.parse(buf.toString('utf8', at, at + headerLen)) as {
      dimensions: number;
      vocab: number;
      wordsBytes: number;
    };
    at += headerLen;
    const words = buf.toString('utf8', at, at + header.wordsBytes).split('\n');
    at += header.wordsBytes;
    const floats = (count: number) => {
      const out = new Float32Array(count);
      Buffer.from(out.buffer).set(buf.subarray(at, at + count * 4));
      at += count * 4;
      return out;
    };
    const idf = floats(header.vocab);
    const vectors = floats(header.vocab * header.dimensions);
    const ints = (count: number) => {
      const out = new Int32Array(count);
      Buffer.from(out.buffer).set(buf.subarray(at, at + count * 4));
      at += count * 4;
      return out;
    };
    const counts = ints(header.vocab);
    const flat = ints(counts.reduce((a, b) => a + b, 0));
    const synonyms = new Map<number, number[]>();
    let p = 0;
    counts.forEach((c, i) => {
      if (c > 0) synonyms.set(i, [...flat.subarray(p, p + c)]);
      p += c;
    });
    return new BuiltinEmbedder(words, idf, vectors, header.dimensions, synonyms);
  }
}

/** Forms a stemmer would file with `w`: its likely stem and plural (enough for English inflections). */
function inflections(w: string): string[] {
  const out: string[] = [];
  if (w.endsWith('ies')) out.push(`${w.slice(0, -3)}y`);
  if (w.endsWith('es')) out.push(w.slice(0, -2));
  if (w.endsWith('s') && !w.endsWith('ss')) out.push(w.slice(0, -1));
  if (w.endsWith('ed')) out.push(w.slice(0, -2), w.slice(0, -1));
  if (w.endsWith('ing')) out.push(w.slice(0, -3), `${w.slice(0, -3)}e`);
  out.push(`${w}s`, `${w}es`);
  return out;
}

function toCsr(docs: Int32Array[], remap: Int32Array, idf: Float32Array, cols: number): Csr {
  const ptr = new Int32Array(docs.length + 1);
  const tf = new Map<number, number>();
  const col: number[] = [];
  const val: number[] = [];
  // Two growable typed buffers would be leaner; plain arrays are fine at sample sizes (~30M).
  for (let i = 0; i < docs.length; i++) {
    tf.clear();
    for (const old of docs[i]!) {
      const t = remap[old]!;
      if (t >= 0) tf.set(t, (tf.get(t) ?? 0) + 1);
    }
    const start = col.length;
    let norm = 0;
    for (const [t, c] of tf) {
      const w = (1 + Math.log(c)) * idf[t]!;
      col.push(t);
      val.push(w);
      norm += w * w;
    }
    norm = Math.sqrt(norm) || 1;
    for (let p = start; p < val.length; p++) val[p]! /= norm;
    ptr[i + 1] = col.length;
  }
  return { rows: docs.length, cols, ptr, col: Int32Array.from(col), val: Float32Array.from(val) };
}

function encode(
  words: string[],
  idf: Float32Array,
  vectors: Float32Array,
  dimensions: number,
  synonyms: Map<number, number[]>,
): Uint8Array {
  const counts = Int32Array.from(words, (_, i) => synonyms.get(i)?.length ?? 0);
  const flat = Int32Array.from(words.flatMap((_, i) => synonyms.get(i) ?? []));
  const wordsBuf = Buffer.from(words.join('\n'), 'utf8');
  const header = Buffer.from(
    JSON.stringify({ dimensions, vocab: words.length, wordsBytes: wordsBuf.length }),
  );
  const len = Buffer.alloc(4);
  len.writeUInt32LE(header.length);
  return Buffer.concat([
    Buffer.from(MAGIC, 'latin1'),
    len,
    header,
    wordsBuf,
    Buffer.from(idf.buffer, idf.byteOffset, idf.byteLength),
    Buffer.from(vectors.buffer, vectors.byteOffset, vectors.byteLength),
    Buffer.from(counts.buffer),
    Buffer.from(flat.buffer),
  ]);
}

/** Document ids per term (sorted): the CSR matrix transposed. */
function postings(a: Csr): { ptr: Int32Array; docs: Int32Array } {
  const ptr = new Int32Array(a.cols + 1);
  for (let p = 0; p < a.col.length; p++) ptr[a.col[p]! + 1]!++;
  for (let c = 0; c < a.cols; c++) ptr[c + 1]! += ptr[c]!;
  const fill = ptr.slice(0, a.cols);
  const docs = new Int32Array(a.col.length);
  for (let i = 0; i < a.rows; i++)
    for (let p = a.ptr[i]!; p < a.ptr[i + 1]!; p++) docs[fill[a.col[p]!]!++] = i;
  return { ptr, docs };
}

function intersectCount(a: Int32Array, b: Int32Array): number {
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    if (a[i]! < b[j]!) i++;
    else if (a[i]! > b[j]!) j++;
    else {
      n++;
      i++;
      j++;
    }
  }
  return n;
}

/**
 * How much of the company word t keeps (its co-occurring close neighbours, each weighted by how
 * often it meets t) word u keeps too, 0..1. Interchangeable names share their company; words of
 * two topics the vectors could not tell apart (too few dimensions) are near in vector space and
 * avoid each other too, but each keeps its own topic's words (measured: 40 topics in 24
 * dimensions made words of merged topics "synonyms" until this check).
 */
function sharedContext(
  t: number,
  u: number,
  context: { id: number; co: number }[],
  df: (t: number) => number,
  list: (t: number) => Int32Array,
): number {
  let kept = 0;
  let total = 0;
  for (const w of context) {
    if (w.id === u) continue;
    const pt = w.co / df(t);
    total += pt;
    kept += Math.min(pt, intersectCount(list(u), list(w.id)) / df(u));
  }
  return total > 0 ? kept / total : 0;
}

/** See SYN_SIMILARITY: near in meaning, apart in use. */
function findSynonyms(a: Csr, vectors: Float32Array, k: number): Map<number, number[]> {
  const post = postings(a);
  const df = (t: number) => post.ptr[t + 1]! - post.ptr[t]!;
  const list = (t: number) => post.docs.subarray(post.ptr[t]!, post.ptr[t + 1]!);
  const n = a.cols;
  const maxDf = a.rows * 0.05;
  const cands = [...Array(n).keys()].filter((t) => df(t) >= SYN_MIN_DF && df(t) <= maxDf);
  const out = new Map<number, number[]>();
  if (cands.length < 2) return out;
  // An HNSW graph over the candidates' unit vectors: an exact all-pairs scan took minutes.
  const graph = new Index({
    dimensions: k,
    metric: MetricKind.Cos,
    quantization: ScalarKind.F32,
    connectivity: 16,
    expansion_add: 64,
    expansion_search: 2 * SYN_NEIGHBOURS,
    multi: false,
  });
  const unit = new Float32Array(cands.length * k);
  cands.forEach((t, i) => {
    unit.set(normalize(vectors.slice(t * k, (t + 1) * k)), i * k);
  });
  graph.add(
    BigUint64Array.from(cands, (_, i) => BigInt(i)),
    unit,
    0,
  );
  const count = Math.min(SYN_NEIGHBOURS, cands.length);
  const BATCH = 1024;
  for (let s = 0; s < cands.length; s += BATCH) {
    const m = Math.min(BATCH, cands.length - s);
    const res = graph.search(unit.subarray(s * k, (s + m) * k), count, 0) as unknown as {
      keys: BigUint64Array;
      distances: Float32Array;
      counts?: BigUint64Array;
    };
    for (let i = 0; i < m; i++) {
      const t = cands[s + i]!;
      const near: { id: number; sim: number }[] = [];
      const found = res.counts ? Number(res.counts[i]!) : count;
      for (let j = 0; j < found; j++) {
        const c = Number(res.keys[i * count + j]!);
        const d = res.distances[i * count + j]!;
        if (c < cands.length && cands[c] !== t && Number.isFinite(d))
          near.push({ id: cands[c]!, sim: 1 - d });
      }
      // The topic's size in papers, as the close neighbours that do co-occur with the word imply
      // it: a word drawn independently within the topic's n papers meets it df(t)·df(w)/n times,
      // so n ≈ df(t)·df(w)/co. The median resists a few odd ones. (The largest df among all
      // neighbours, used before, took in generic words at similarity 0.3 and made the expected
      // count of real synonyms too small to judge: bench search-quality, 22 of 50 concepts found
      // a synonym at 100k; with this estimate 42.)
      const close = near
        .filter((x) => x.sim >= SYN_SIMILARITY)
        .map((x) => ({ id: x.id, co: intersectCount(list(t), list(x.id)) }));
      const implied = close
        .filter((x) => x.co > 0)
        .map((x) => (df(t) * df(x.id)) / x.co)
        .sort((a, b) => a - b);
      if (implied.length < SYN_MIN_IMPLIED) continue;
      const topic = implied[implied.length >> 1]!;
      const context = close.filter((x) => x.co > 0);
      const syn: number[] = [];
      for (const { id, co } of close) {
        const expected = (df(t) * df(id)) / topic;
        if (expected < SYN_MIN_EXPECTED || co > SYN_AVOIDANCE * expected) continue;
        if (sharedContext(t, id, context, df, list) >= SYN_SHARED_CONTEXT) syn.push(id);
        if (syn.length >= SYN_MAX) break;
      }
      if (syn.length) out.set(t, syn);
    }
  }
  return out;
}
