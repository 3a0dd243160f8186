/**
 * The semantic side of one process: the active embedder and the vector index, opened on first
 * use, loaded from <data>/search/ when saved there and caught up from the database by `seq`.
 * Searches never wait for loading: until it is ready they are answered by keyword alone. An index
 * past APPROX_FROM vectors without a saved graph (another instance ran `paperboy reindex`, the
 * usual case with several instances on PostgreSQL) builds its graph in a worker thread, answering
 * by exact scan meanwhile, and saves it for the next start (issue 18 item 5).
 */
import path from 'node:path';
import { newHolderId } from '../shared/holder.ts';
import type { Embedder } from './embedder/embedder.ts';
import { type EmbedderSettings, loadActiveEmbedder, searchDir } from './embedder/load.ts';
import type { SearchRepository } from './search.repo.ts';
import type { SearchStore } from './store.ts';
import { APPROX_FROM, VectorIndex } from './vectors/index.ts';

/** How often a serving process looks for vectors written by others (reindex, new papers). */
const SYNC_EVERY_MS = 30_000;
const LOAD_BATCH = 20_000;
/** Saved again after this many vectors arrived, so a restart has little to catch up. */
const SAVE_AFTER = 50_000;
const VECTOR_LEASE = 'search-vectors';
const VECTOR_LEASE_MS = 10 * 60_000;

export type SemanticState = 'loading' | 'ready' | 'untrained' | 'failed';

export class Semantic {
  /** In the shared holder format, so a process killed mid-embedding is seen as gone (src/shared/holder.ts). */
  readonly #holder = newHolderId();
  readonly repo: SearchRepository;
  readonly settings: EmbedderSettings;
  state: SemanticState = 'loading';
  error: string | null = null;
  embedder: Embedder | null = null;
  index: VectorIndex | null = null;
  #opening: Promise<void> | null = null;
  #syncing: Promise<void> | null = null;
  #lastSync = 0;
  #unsaved = 0;
  #embeddedUpTo = 0;
  readonly store: SearchStore | null;
  readonly #approxFrom: number;
  /** The graph being built in a worker (see the file comment); null when none is. */
  graphBuild: Promise<void> | null = null;

  constructor(
    repo: SearchRepository,
    settings: EmbedderSettings,
    store: SearchStore | null = null,
    options: { approxFrom?: number } = {},
  ) {
    this.repo = repo;
    this.settings = settings;
    this.store = store;
    this.#approxFrom = options.approxFrom ?? APPROX_FROM;
  }

  /** Starts opening (once); resolves when the index is usable or known to be missing. */
  open(): Promise<void> {
    this.#opening ??= this.#open().catch((err: unknown) => {
      this.state = 'failed';
      this.error = (err as Error).message;
    });
    return this.#opening;
  }

  async #open(): Promise<void> {
    const active = await loadActiveEmbedder(this.repo, this.settings);
    if (!active) {
      this.state = 'untrained';
      return;
    }
    const dir = searchDir(this.settings.data);
    const saved = VectorIndex.load(dir, active.info.version, active.embedder.dimensions);
    this.index = saved ?? new VectorIndex(active.info.version, active.embedder.dimensions);
    this.embedder = active.embedder;
    const caught = await this.#catchUp();
    if (!saved || caught > 0) this.index.save(dir);
    this.state = this.index.size > 0 ? 'ready' : 'untrained';
    this.#lastSync = Date.now();
    if (this.index.size >= this.#approxFrom && !this.index.approximate) this.#buildGraph(dir);
  }

  #buildGraph(dir: string): void {
    const index = this.index!;
    this.graphBuild = index
      .buildGraphInWorker(path.join(dir, `${index.model}.graph-build-${process.pid}.tmp`))
      .then(() => index.save(dir))
      .catch((err: unknown) => {
        // Still answering by exact scan, only slower: said, not fatal.
        this.error = `HNSW graph: ${(err as Error).message}`;
      });
  }

  /** Folds in vectors written since the index's seq. Returns how many. */
  async #catchUp(): Promise<number> {
    const index = this.index!;
    let n = 0;
    for (;;) {
      const rows = await this.repo.vectorsAfter(index.model, index.seq, LOAD_BATCH);
      for (const r of rows) {
        index.upsert(r.paperId, r.vector);
        index.seq = r.seq;
      }
      n += rows.length;
      if (rows.length < LOAD_BATCH) return n;
    }
  }

  /**
   * New papers get vectors from whichever serving process holds the `search-vectors` lease (so
   * instances sharing a database do not embed the same papers). Only papers above the highest id
   * embedded so far are looked at; changed papers wait for `paperboy reindex`.
   */
  async #embedNew(): Promise<void> {
    if (!this.embedder || !this.index || !this.store) return;
    const holder = this.#holder;
    if (!(await this.store.leases.acquire(VECTOR_LEASE, holder, Date.now(), VECTOR_LEASE_MS))) return;
    try {
      const { vectorizePending } = await import('./vectorize.ts');
      this.#embeddedUpTo = Math.max(this.#embeddedUpTo, this.index.maxPaperId);
      await vectorizePending(this.store, this.embedder, () => {}, 0, this.#embeddedUpTo);
      this.#embeddedUpTo = await this.repo.maxPaperId();
    } finally {
      await this.store.leases.release(VECTOR_LEASE, holder);
    }
  }

  /** Called on each search: looks for new vectors (and a new model) now and then, in the background. */
  maybeSync(): void {
    if (this.#syncing || Date.now() - this.#lastSync < SYNC_EVERY_MS) return;
    if (this.state === 'loading') return;
    // In the background: a failure (the database down for a moment) must not become an unhandled
    // rejection, which ended the whole process; the next search tries again.
    this.#syncing = this.sync()
      .catch(() => {})
      .finally(() => {
        this.#syncing = null;
      });
  }

  async sync(): Promise<void> {
    this.#lastSync = Date.now();
    const active = await this.repo.activeModel();
    if (!active) return;
    if (!this.index || active.version !== this.index.model) {
      // A new model was trained (by reindex here or on another instance): start over.
      this.#opening = null;
      this.state = this.state === 'ready' ? 'ready' : 'loading';
      const fresh = new Semantic(this.repo, this.settings, this.store, { approxFrom: this.#approxFrom });
      await fresh.open();
      Object.assign(this, {
        embedder: fresh.embedder,
        index: fresh.index,
        state: fresh.state,
        error: fresh.error,
        graphBuild: fresh.graphBuild,
      });
      return;
    }
    await this.#embedNew();
    const n = await this.#catchUp();
    this.#unsaved += n;
    if (n > 0 && this.state !== 'ready' && this.index.size > 0) this.state = 'ready';
    if (this.#unsaved >= SAVE_AFTER) {
      this.index.save(searchDir(this.settings.data));
      this.#unsaved = 0;
    }
  }
}

const instances = new WeakMap<SearchStore, Semantic>();

/** The process-wide semantic side for a store (opened in the background on first call). */
export async function semanticFor(store: SearchStore, settings: EmbedderSettings): Promise<Semantic> {
  let s = instances.get(store);
  if (!s) {
    s = new Semantic(store.search, settings, store);
    instances.set(store, s);
    void s.open();
  }
  return s;
}

/** Forgets the cached instance (after reindex in the same process, and in tests). */
export function resetSemantic(store: SearchStore): void {
  instances.delete(store);
}
