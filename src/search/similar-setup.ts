/**
 * Wires SimilarLists (similar.ts) to a store: when the paper has a vector, its vector neighbours
 * fused with a "more like this" keyword query and shared authors/categories (similar-fuse.ts);
 * else the title-word keyword search. Keyword queries run in a worker thread on SQLite
 * (similar-worker.ts), as ordinary async queries on PostgreSQL.
 */
import { Worker } from 'node:worker_threads';
import type { EmbedderSettings } from './embedder/load.ts';
import type { ScoredId } from './search.repo.ts';
import { semanticFor } from './semantic.ts';
import { type SearchHit, titleNeighbours, toHit } from './service.ts';
import { KEYWORD_MODEL, type Neighbours, SimilarLists } from './similar.ts';
import { FUSION_VERSION, type FuseDeps, fusedModel, fusedNeighbours, moreLikeThis } from './similar-fuse.ts';
import type { NeighbourReply, NeighbourRequest } from './similar-worker.ts';
import type { SearchStore } from './store.ts';

/** The title-word search on a worker thread with its own connection to the SQLite file. */
class NeighbourWorker {
  readonly #file: string;
  #worker: Worker | null = null;
  #next = 1;
  readonly #pending = new Map<number, { resolve: (hits: ScoredId[]) => void; reject: (e: Error) => void }>();

  constructor(file: string) {
    this.#file = file;
  }

  /** With `terms`: the "more like this" query; without: the paper's title words. */
  run(paperId: number, n: number, terms?: string[]): Promise<ScoredId[]> {
    const w = this.#start();
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      w.postMessage({ id, paperId, n, ...(terms ? { terms } : {}) } satisfies NeighbourRequest);
    });
  }

  #start(): Worker {
    if (this.#worker) return this.#worker;
    const w = new Worker(new URL('./similar-worker.ts', import.meta.url), {
      workerData: { file: this.#file },
    });
    w.on('message', (m: NeighbourReply) => {
      const p = this.#pending.get(m.id);
      this.#pending.delete(m.id);
      if ('hits' in m) p?.resolve(m.hits);
      else p?.reject(new Error(`similar worker: ${m.error}`));
    });
    const fail = (err: Error) => {
      for (const p of this.#pending.values()) p.reject(err);
      this.#pending.clear();
      this.#worker = null;
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`similar worker exited (${code})`)));
    w.unref();
    this.#worker = w;
    return w;
  }

  async close(): Promise<void> {
    const w = this.#worker;
    this.#worker = null;
    if (w) await w.terminate();
  }
}

/** Recently featured papers given vector lists per warm-up round (lists from vectors cost ms). */
const WARM_BATCH = 500;
const WARM_EVERY_MS = 10 * 60_000;
const FIRST_WARM_MS = 30_000;

export interface SimilarSetup {
  lists: SimilarLists;
  /** Search hits (titles, dates, snippets) for stored ids, in order. */
  hits(ids: number[], model: string): Promise<SearchHit[]>;
  /** Just what a paper page's short list shows, in order (no snippets to compute). */
  titles(ids: number[]): Promise<{ arxivId: string; title: string; submittedAt: string }[]>;
  /**
   * Queues vector lists for recently featured papers that lack one of the active model (runs
   * every WARM_EVERY_MS when `warm` is set); returns how many. Nothing without vectors.
   */
  warm(): Promise<number>;
  close(): Promise<void>;
}

export function createSimilarLists(
  store: SearchStore,
  settings: EmbedderSettings,
  options: { now?: () => Date; onError?: (err: unknown) => void; warm?: boolean } = {},
): SimilarSetup {
  const file = store.dialect === 'sqlite' ? sqliteFile(store) : null;
  const worker = file ? new NeighbourWorker(file) : null;

  const modelFor = async (paperId: number): Promise<string | null> => {
    const sem = await semanticFor(store, settings);
    sem.maybeSync(); // a model trained by another process is noticed here too (a timestamp check)
    if (sem.state === 'loading') return null;
    return sem.state === 'ready' && sem.index!.has(paperId) ? fusedModel(sem.index!.model) : KEYWORD_MODEL;
  };

  const compute = async (paperId: number, n: number): Promise<Neighbours> => {
    const sem = await semanticFor(store, settings);
    await sem.open();
    sem.maybeSync();
    if (sem.state === 'ready') {
      const emb = sem.embedder;
      const deps: FuseDeps = {
        hits: (ids) => store.search.hits(ids),
        keyword: (terms, k) =>
          worker ? worker.run(paperId, k, terms) : moreLikeThis(store.search, terms, k),
        index: sem.index!,
        idfOf: emb?.idf ? (w) => emb.idf!(w) : null,
      };
      const ids = await fusedNeighbours(deps, paperId, n);
      if (ids) return { ids, model: fusedModel(sem.index!.model) };
    }
    const ids = worker
      ? (await worker.run(paperId, n)).map((h) => h.paperId)
      : await titleNeighbours(store.search, paperId, n);
    return { ids, model: KEYWORD_MODEL };
  };

  const lists = new SimilarLists({
    repo: {
      get: (id) => store.similar.get(id),
      put: (l) => store.similar.put(l),
      featuredWithout: (m, k) => store.similar.featuredWithout(m, k),
    },
    modelFor,
    compute,
    now: options.now ?? (() => new Date()),
    ...(options.onError ? { onError: options.onError } : {}),
  });

  // In the background, only lists from vectors are made ahead of views (the keyword fallback is
  // too costly to run for thousands of papers nobody may open; it waits for a first view).
  let timer: NodeJS.Timeout | null = null;
  const warm = async (): Promise<number> => {
    const sem = await semanticFor(store, settings);
    if (sem.state !== 'ready') return 0;
    const index = sem.index!;
    const ids = await store.similar.featuredWithout(fusedModel(index.model), WARM_BATCH);
    let n = 0;
    for (const id of ids) if (index.has(id) && lists.refresh(id)) n++;
    return n;
  };
  const schedule = (ms: number) => {
    timer = setTimeout(() => {
      warm()
        .catch((err: unknown) => options.onError?.(err))
        .finally(() => {
          if (timer) schedule(WARM_EVERY_MS);
        });
    }, ms);
    timer.unref();
  };
  if (options.warm) schedule(FIRST_WARM_MS);

  return {
    lists,
    warm,
    async hits(ids, model) {
      // A fused list (similar-fuse.ts) found its papers by meaning and by shared rare words.
      const matchedBy: ('keyword' | 'vector')[] =
        model === KEYWORD_MODEL
          ? ['keyword']
          : model.endsWith(FUSION_VERSION)
            ? ['vector', 'keyword']
            : ['vector'];
      const info = new Map((await store.search.hits(ids)).map((h) => [h.paperId, h]));
      return ids.flatMap((id, i) => {
        const p = info.get(id);
        return p ? [toHit(p, ids.length - i, [], [], matchedBy)] : [];
      });
    },
    async titles(ids) {
      const info = new Map((await store.search.hits(ids)).map((h) => [h.paperId, h]));
      return ids.flatMap((id) => {
        const p = info.get(id);
        return p ? [{ arxivId: p.arxivId, title: p.title, submittedAt: p.submittedAt }] : [];
      });
    },
    async close() {
      if (timer) clearTimeout(timer);
      timer = null;
      await worker?.close();
    },
  };
}

/** The database file behind a SQLite store, or null for an in-memory one. */
function sqliteFile(store: SearchStore): string | null {
  const c = store.connection;
  const file = c.dialect === 'sqlite' ? c.db.location() : null;
  return file && file !== ':memory:' ? file : null;
}
