/**
 * The in-process vector index every instance builds from the database: all paper vectors as one
 * int8 matrix (slot order), searched by
 *   - exact scan (usearch's SIMD kernel over the int8 matrix) while the corpus is small, and as
 *     the yardstick the approximate index is measured against;
 *   - HNSW (usearch, prebuilt N-API binary) once it has APPROX_FROM vectors;
 *   - a plain scan of chosen slots for filtered queries whose candidates the database found.
 * Persisted under <data>/search/ (matrix + HNSW graph + the last `seq` seen), so a restart only
 * loads and catches up with vectors written since.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { exactSearch, Index, type Matches, MetricKind, ScalarKind } from 'usearch';
import { int8Norm, toInt8, toUnitFloat } from './quantize.ts';

/** Below this many vectors an exact scan answers in a few milliseconds; no graph is needed. */
export const APPROX_FROM = 200_000;
/**
 * The graph holds usearch's own int8 copy of the vectors (a quarter of float32's memory, and
 * faster distances) and answers a wider candidate list than asked, which is then ranked exactly
 * from the matrix: papers of one topic lie very close together, so the true top 10 are near-ties
 * that a quantized graph orders slightly differently, but they are almost always among its top 50.
 * Measured at 1M generated papers (bench/search, 232 query vectors, recall@10 against the exact
 * scan): F32 graph M = 16 without re-ranking: 0.82 / 0.89 / 0.92 / 0.93 at ef 128 / 256 / 512 /
 * 1024, +730 MB; i8 graph M = 32, expansion_add 128, top 50 re-ranked: 0.94 / 0.96 / 0.98 / 0.99
 * at p50 0.5–1.7 ms, +480 MB. Top 10 straight from that graph: 0.85 (its near-tie order).
 */
const GRAPH_SCALAR = ScalarKind.I8;
const CONNECTIVITY = 32;
const EXPANSION_ADD = 128;
/** Search breadth (see above). */
const EXPANSION_SEARCH = 512;
/** Candidates taken from the graph and ranked exactly: at least this many, or 2k for top k. */
const RERANK_MIN = 50;

/** An empty graph of the kind this index builds, saves and loads. */
export function newGraph(dimensions: number, expansionSearch = EXPANSION_SEARCH): Index {
  return new Index({
    dimensions,
    metric: MetricKind.Cos,
    quantization: GRAPH_SCALAR,
    connectivity: CONNECTIVITY,
    expansion_add: EXPANSION_ADD,
    expansion_search: expansionSearch,
    multi: false,
  });
}

/** Adds slots [from, to) of an int8 matrix to a graph, keyed by slot (threads: 0 = all cores). */
export function addToGraph(
  graph: Index,
  vectors: Int8Array,
  dimensions: number,
  from: number,
  to: number,
  threads = 0,
  onProgress?: (done: number, total: number) => void,
): void {
  const batch = 20_000;
  for (let start = from; start < to; start += batch) {
    const end = Math.min(to, start + batch);
    addRows(graph, start, vectors.subarray(start * dimensions, end * dimensions), dimensions, threads);
    onProgress?.(end, to);
  }
}

/** Adds int8 rows (`dimensions` each) to a graph, keyed by slot from `first`. */
export function addRows(graph: Index, first: number, rows: Int8Array, dimensions: number, threads = 0): void {
  const keys = new BigUint64Array(rows.length / dimensions);
  for (let i = 0; i < keys.length; i++) keys[i] = BigInt(first + i);
  graph.add(keys, toUnitFloat(rows), threads);
}

export interface ScoredPaper {
  paperId: number;
  /** Cosine similarity, higher is better. */
  score: number;
}

export class VectorIndex {
  readonly dimensions: number;
  readonly model: string;
  /** The last paper_vectors.seq folded in. */
  seq = 0;
  #size = 0;
  #vectors: Int8Array;
  #ids: Int32Array;
  #norms: Float32Array;
  /** paperId → slot + 1 (0: absent). Paper ids are dense integers, so an array beats a Map. */
  #slotOf: Int32Array = new Int32Array(1024);
  #hnsw: Index | null = null;
  /** Slots changed since the graph was built (updated papers: the graph holds their old vector). */
  #stale = new Set<number>();
  /** While a worker builds the graph (buildGraphInWorker): slots changed since it took its copy. */
  #changedWhileBuilding: Set<number> | null = null;
  #building: Promise<void> | null = null;

  constructor(model: string, dimensions: number, capacity = 1024) {
    this.model = model;
    this.dimensions = dimensions;
    this.#vectors = new Int8Array(capacity * dimensions);
    this.#ids = new Int32Array(capacity);
    this.#norms = new Float32Array(capacity);
  }

  get size(): number {
    return this.#size;
  }

  get approximate(): boolean {
    return this.#hnsw !== null;
  }

  /** The highest paper id with a vector here. */
  get maxPaperId(): number {
    for (let id = this.#slotOf.length - 1; id > 0; id--) if (this.#slotOf[id]! > 0) return id;
    return 0;
  }

  /** Papers whose vector changed since the graph was built (the graph still holds the old one). */
  get staleCount(): number {
    return this.#stale.size;
  }

  #grow(minSlots: number): void {
    if (minSlots <= this.#ids.length) return;
    const cap = Math.max(minSlots, Math.ceil(this.#ids.length * 1.5));
    const v = new Int8Array(cap * this.dimensions);
    v.set(this.#vectors);
    this.#vectors = v;
    const ids = new Int32Array(cap);
    ids.set(this.#ids);
    this.#ids = ids;
    const norms = new Float32Array(cap);
    norms.set(this.#norms);
    this.#norms = norms;
  }

  #ensureSlotOf(paperId: number): void {
    if (paperId < this.#slotOf.length) return;
    const s = new Int32Array(Math.max(paperId + 1, this.#slotOf.length * 2));
    s.set(this.#slotOf);
    this.#slotOf = s;
  }

  has(paperId: number): boolean {
    return paperId < this.#slotOf.length && this.#slotOf[paperId]! > 0;
  }

  /** Adds or replaces a paper's vector; new papers also go into the graph when there is one. */
  upsert(paperId: number, vector: Int8Array): void {
    if (vector.length !== this.dimensions)
      throw new Error(`vector has ${vector.length} dimensions, index has ${this.dimensions}`);
    this.#ensureSlotOf(paperId);
    let slot = this.#slotOf[paperId]! - 1;
    const isNew = slot < 0;
    if (isNew) {
      slot = this.#size++;
      this.#grow(this.#size);
      this.#slotOf[paperId] = slot + 1;
      this.#ids[slot] = paperId;
    }
    this.#vectors.set(vector, slot * this.dimensions);
    this.#norms[slot] = int8Norm(vector);
    if (!isNew) this.#changedWhileBuilding?.add(slot);
    if (this.#hnsw) this.#toGraph(slot, isNew);
  }

  #toGraph(slot: number, isNew: boolean): void {
    const key = BigInt(slot);
    const d = this.dimensions;
    try {
      if (!isNew) this.#hnsw!.remove(key);
      this.#hnsw!.add(key, toUnitFloat(this.#vectors.subarray(slot * d, (slot + 1) * d)));
    } catch {
      // The graph keeps the old vector; search rescores stale slots from the matrix.
      this.#stale.add(slot);
    }
  }

  /** Whether the paper's vector here is exactly `vector`. */
  sameVector(paperId: number, vector: Int8Array): boolean {
    if (!this.has(paperId) || vector.length !== this.dimensions) return false;
    const o = (this.#slotOf[paperId]! - 1) * this.dimensions;
    for (let j = 0; j < vector.length; j++) if (this.#vectors[o + j] !== vector[j]) return false;
    return true;
  }

  /** The int8 rows of slots [from, to) (a view: copy before keeping). */
  slotRows(from: number, to: number): Int8Array {
    return this.#vectors.subarray(from * this.dimensions, to * this.dimensions);
  }

  vectorOf(paperId: number): Int8Array | null {
    if (!this.has(paperId)) return null;
    const slot = this.#slotOf[paperId]! - 1;
    return this.#vectors.slice(slot * this.dimensions, (slot + 1) * this.dimensions);
  }

  /** Exact top k over every vector (SIMD scan). */
  exact(query: Float32Array, k: number): ScoredPaper[] {
    const n = this.#size;
    if (n === 0) return [];
    const data = this.#vectors.subarray(0, n * this.dimensions);
    const m = exactSearch(data, toInt8(query), this.dimensions, Math.min(k, n), MetricKind.Cos);
    return this.#toScored(m as Matches);
  }

  /** Approximate top k through the graph when built (re-ranked exactly), else exact. */
  search(query: Float32Array, k: number): ScoredPaper[] {
    if (!this.#hnsw) return this.exact(query, k);
    const want = Math.min(Math.max(RERANK_MIN, 2 * k) + this.#stale.size, this.#size);
    const m = this.#hnsw.search(toUnitFloat(toInt8(query)), want, 0) as Matches;
    const slots: number[] = [];
    for (let i = 0; i < m.keys.length; i++) {
      const slot = Number(m.keys[i]!);
      if (slot < this.#size) slots.push(slot);
    }
    // Exact scores from the matrix: the right order among near-ties, and the current vector of
    // papers changed since the graph was built (stale slots).
    return this.#scoreSlots(toInt8(query), slots).slice(0, k);
  }

  /** Cosine similarity of the query to each of the given papers (skipping unknown ids), best first. */
  scoreIds(query: Float32Array, paperIds: Iterable<number>): ScoredPaper[] {
    const slots: number[] = [];
    for (const id of paperIds) if (this.has(id)) slots.push(this.#slotOf[id]! - 1);
    return this.#scoreSlots(toInt8(query), slots);
  }

  #scoreSlots(q: Int8Array, slots: number[]): ScoredPaper[] {
    const qn = int8Norm(q) || 1;
    const d = this.dimensions;
    const v = this.#vectors;
    const out: ScoredPaper[] = [];
    for (const slot of slots) {
      const o = slot * d;
      let dot = 0;
      for (let j = 0; j < d; j++) dot += q[j]! * v[o + j]!;
      out.push({ paperId: this.#ids[slot]!, score: dot / (qn * (this.#norms[slot]! || 1)) });
    }
    return out.sort((a, b) => b.score - a.score || a.paperId - b.paperId);
  }

  #toScored(m: { keys: BigUint64Array; distances: Float32Array }): ScoredPaper[] {
    const out: ScoredPaper[] = [];
    for (let i = 0; i < m.keys.length; i++) {
      const slot = Number(m.keys[i]!);
      if (slot >= this.#size || !Number.isFinite(m.distances[i]!)) continue;
      out.push({ paperId: this.#ids[slot]!, score: 1 - m.distances[i]! });
    }
    return out;
  }

  /** Builds the HNSW graph over every vector (threads: 0 = all cores). */
  buildGraph(threads = 0, onProgress?: (done: number, total: number) => void): void {
    const index = newGraph(this.dimensions);
    addToGraph(index, this.#vectors, this.dimensions, 0, this.#size, threads, onProgress);
    this.#hnsw = index;
    this.#stale.clear();
  }

  /**
   * Builds the graph in a worker thread from a copy of the matrix, so a serving process keeps
   * answering (exactly, from the matrix) meanwhile: an instance whose data directory holds no graph,
   * as every PostgreSQL instance but the one that ran `paperboy reindex` (issue 18 item 5). The
   * worker saves the graph to `scratch`, which is loaded here and removed; vectors that arrived
   * while it worked are then added, and those that changed are replaced, as upsert would have.
   */
  buildGraphInWorker(scratch: string, threads = 1): Promise<void> {
    this.#building ??= this.#buildInWorker(scratch, threads).finally(() => {
      this.#building = null;
      this.#changedWhileBuilding = null;
      rmSync(scratch, { force: true });
    });
    return this.#building;
  }

  async #buildInWorker(scratch: string, threads: number): Promise<void> {
    const n = this.#size;
    const copy = this.#vectors.slice(0, n * this.dimensions);
    this.#changedWhileBuilding = new Set();
    await new Promise<void>((resolve, reject) => {
      const w = new Worker(new URL('./graph-worker.ts', import.meta.url), {
        workerData: { vectors: copy, size: n, dimensions: this.dimensions, file: scratch, threads },
        transferList: [copy.buffer],
      });
      // A command that only searched once (`paperboy search`) exits without waiting for the graph.
      w.unref();
      // Settled at the worker's exit, so its copy and its graph are freed before the file is loaded.
      let error: string | null = 'the graph worker exited without a word';
      w.once('message', (m: { error?: string }) => {
        error = m.error ?? null;
      });
      w.once('error', (err) => {
        error = err.message;
      });
      w.once('exit', () => (error ? reject(new Error(error)) : resolve()));
    });
    this.adoptGraph(scratch, n);
    for (const slot of this.#changedWhileBuilding ?? []) if (slot < n) this.#toGraph(slot, false);
  }

  /**
   * Uses a graph saved to `file` holding slots [0, n) as they are now (built elsewhere from this
   * matrix: a worker), and adds the slots from n on.
   */
  adoptGraph(file: string, n: number): void {
    const g = newGraph(this.dimensions);
    g.load(file);
    if (g.size() !== n) throw new Error(`graph built with ${g.size()} vectors, expected ${n}`);
    this.#hnsw = g;
    this.#stale.clear();
    addToGraph(g, this.#vectors, this.dimensions, n, this.#size);
  }

  dropGraph(): void {
    this.#hnsw = null;
    this.#stale.clear();
  }

  // --- persistence ----------------------------------------------------------------------------

  static files(dir: string, model: string) {
    return {
      meta: path.join(dir, `${model}.json`),
      matrix: path.join(dir, `${model}.vectors`),
      // The name carries the graph's kind: a graph of another kind is not loaded but rebuilt.
      graph: path.join(dir, `${model}.i8m${CONNECTIVITY}.hnsw`),
    };
  }

  save(dir: string): void {
    mkdirSync(dir, { recursive: true });
    const f = VectorIndex.files(dir, this.model);
    const n = this.#size;
    const ids = Buffer.from(this.#ids.buffer, 0, n * 4);
    const vecs = Buffer.from(this.#vectors.buffer, 0, n * this.dimensions);
    writeFileSync(`${f.matrix}.tmp`, Buffer.concat([ids, vecs]));
    renameSync(`${f.matrix}.tmp`, f.matrix);
    const graph = this.#hnsw !== null && this.#stale.size === 0;
    if (graph) {
      this.#hnsw!.save(`${f.graph}.tmp`);
      renameSync(`${f.graph}.tmp`, f.graph);
    }
    // The meta file goes last: it names what the other two hold.
    const meta = { model: this.model, dimensions: this.dimensions, size: n, seq: this.seq, graph };
    writeFileSync(`${f.meta}.tmp`, JSON.stringify(meta));
    renameSync(`${f.meta}.tmp`, f.meta);
  }

  /** Loads a saved index, or null when there is none (or it is for another shape). */
  static load(
    dir: string,
    model: string,
    dimensions: number,
    expansionSearch = EXPANSION_SEARCH,
  ): VectorIndex | null {
    const f = VectorIndex.files(dir, model);
    if (!existsSync(f.meta) || !existsSync(f.matrix)) return null;
    try {
      const meta = JSON.parse(readFileSync(f.meta, 'utf8')) as {
        dimensions: number;
        size: number;
        seq: number;
        graph: boolean;
      };
      if (meta.dimensions !== dimensions) return null;
      const buf = readFileSync(f.matrix);
      const n = meta.size;
      if (buf.length !== n * 4 + n * dimensions) return null;
      const index = new VectorIndex(model, dimensions, Math.max(1024, n));
      const ids = new Int32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + n * 4));
      const vecs = new Int8Array(buf.buffer, buf.byteOffset + n * 4, n * dimensions);
      index.#size = n;
      index.#vectors.set(vecs);
      index.#ids.set(ids);
      let maxId = 0;
      for (let i = 0; i < n; i++) maxId = Math.max(maxId, ids[i]!);
      index.#ensureSlotOf(maxId);
      for (let i = 0; i < n; i++) {
        index.#slotOf[ids[i]!] = i + 1;
        index.#norms[i] = int8Norm(index.#vectors, i * dimensions, dimensions);
      }
      index.seq = meta.seq;
      if (meta.graph && existsSync(f.graph)) {
        const g = newGraph(dimensions, expansionSearch);
        g.load(f.graph);
        if (g.size() === n) index.#hnsw = g;
      }
      return index;
    } catch {
      return null;
    }
  }
}
