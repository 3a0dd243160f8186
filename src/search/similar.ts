/**
 * "Similar papers" as pages show them: computed once per paper, stored (similar.repo.ts), read
 * back by primary key. Measured in bench http at 1M papers: computing per request (a keyword
 * search of the title's words before vectors exist, 50–360 ms) held uncached paper pages to
 * ~5 req/s. A page never waits for a computation longer than it asks (`waitMs`, a few ms): the
 * list is computed in the background, one at a time, and shows on the next view (or through the
 * page's small fetch of /similar/<id>).
 *
 * A stored list is used while it was computed the way it would be computed now — the same
 * embedder version, or 'keyword' while the paper has no vector — and from the paper's current
 * content; otherwise it is invalid and recomputed. Lists older than REFRESH_AFTER_MS (new papers
 * arrive daily) are still shown, and recomputed behind them.
 */
import type { SimilarList, SimilarRepository } from './similar.repo.ts';

/** Ids kept per paper: a paper page shows 6, `/search?like=` a page of 25. */
export const STORED_IDS = 25;
export const REFRESH_AFTER_MS = 7 * 86_400_000;
/** Computations waiting at most; a view of an unlisted paper beyond this is retried on a later view. */
const MAX_QUEUED = 256;
/** The label of lists computed from title words (no vector for the paper). */
export const KEYWORD_MODEL = 'keyword';

export type ListState = 'fresh' | 'aging' | 'invalid';

/**
 * Whether a stored list may be shown. `model` is how the list would be computed now (null while
 * the semantic side is still loading: then any list of the current paper content is shown).
 */
export function listState(
  list: SimilarList | null,
  current: { model: string | null; paperHash: string },
  nowMs: number,
): ListState {
  if (!list || list.paperHash !== current.paperHash) return 'invalid';
  if (current.model !== null && list.model !== current.model) return 'invalid';
  return nowMs - Date.parse(list.computedAt) > REFRESH_AFTER_MS ? 'aging' : 'fresh';
}

export interface Neighbours {
  /** Nearest first; may include the paper itself (removed here). */
  ids: number[];
  model: string;
}

export interface SimilarDeps {
  repo: SimilarRepository;
  /** How a list for this paper would be computed now; null while that is not known yet. */
  modelFor(paperId: number): Promise<string | null>;
  compute(paperId: number, n: number): Promise<Neighbours>;
  now(): Date;
  onError?(err: unknown): void;
}

export class SimilarLists {
  readonly #deps: SimilarDeps;
  readonly #flights = new Map<number, Promise<Neighbours | null>>();
  #tail: Promise<unknown> = Promise.resolve();
  #queued = 0;

  constructor(deps: SimilarDeps) {
    this.#deps = deps;
  }

  /** Computations queued or running. */
  get pending(): number {
    return this.#queued;
  }

  /**
   * The paper's similar ids (nearest first, at most STORED_IDS) and how they were found, or
   * `list: null` when none can be shown yet: a computation is then queued, and awaited for at
   * most `waitMs`. Null for an unknown paper.
   */
  async get(paperId: number, waitMs = 0): Promise<{ list: Neighbours | null } | null> {
    const row = await this.#deps.repo.get(paperId);
    if (!row) return null;
    const model = await this.#deps.modelFor(paperId);
    const state = listState(row.list, { model, paperHash: row.paperHash }, this.#deps.now().getTime());
    if (state !== 'invalid') {
      if (state === 'aging') void this.refresh(paperId);
      return { list: { ids: row.list!.ids, model: row.list!.model } };
    }
    const flight = this.refresh(paperId);
    if (!flight || waitMs <= 0) return { list: null };
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), waitMs);
      timer.unref();
    });
    try {
      return { list: await Promise.race([flight, timeout]) };
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Queues a (re)computation unless one is queued already; resolves to the stored list (null on
   * failure). Null when the queue is full. Computations run one at a time, so the background
   * never takes more than one core, and a burst of views of one paper computes it once.
   */
  refresh(paperId: number): Promise<Neighbours | null> | null {
    const running = this.#flights.get(paperId);
    if (running) return running;
    if (this.#queued >= MAX_QUEUED) return null;
    this.#queued++;
    const flight = this.#tail
      .then(() => this.#compute(paperId))
      .catch((err: unknown) => {
        this.#deps.onError?.(err);
        return null;
      })
      .finally(() => {
        this.#queued--;
        this.#flights.delete(paperId);
      });
    this.#tail = flight;
    this.#flights.set(paperId, flight);
    return flight;
  }

  /** Resolves when everything queued so far has run (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#queued > 0) await this.#tail.catch(() => {});
  }

  async #compute(paperId: number): Promise<Neighbours | null> {
    // The hash is read before computing, so an edit during the computation leaves the row invalid.
    const row = await this.#deps.repo.get(paperId);
    if (!row) return null;
    const near = await this.#deps.compute(paperId, STORED_IDS);
    const ids = near.ids.filter((id) => id !== paperId).slice(0, STORED_IDS);
    await this.#deps.repo.put({
      paperId,
      model: near.model,
      paperHash: row.paperHash,
      computedAt: this.#deps.now().toISOString(),
      ids,
    });
    return { ids, model: near.model };
  }
}
