/**
 * Micro-cache for anonymous page views. Pages for readers who are not signed in are the same for
 * everyone, and the morning rush is mostly such readers, so a rendered page is kept for a few
 * seconds (`pageCacheMs`) and dropped at once when this process changes data (a vote, comment or
 * submission calls `invalidate()`). Another instance's changes show up when the entry expires.
 * Signed-in pages (vote state, CSRF tokens) are never cached.
 */
export interface CachedPage {
  status: number;
  type: string;
  /** Encoded once: re-encoding a large string per request measured ~2 ms for a 180 KB answer. */
  body: Buffer;
}

export class PageCache {
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #now: () => number;
  readonly #entries = new Map<string, CachedPage & { expires: number }>();
  readonly #flights = new Map<string, Promise<CachedPage>>();
  #generation = 0;

  constructor(ttlMs: number, max = 1000, now: () => number = Date.now) {
    this.#ttlMs = ttlMs;
    this.#max = max;
    this.#now = now;
  }

  get enabled(): boolean {
    return this.#ttlMs > 0;
  }

  get(key: string): CachedPage | undefined {
    const e = this.#entries.get(key);
    if (!e) return undefined;
    if (e.expires <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return e;
  }

  set(key: string, page: CachedPage): void {
    if (!this.enabled) return;
    if (this.#entries.size >= this.#max) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(key, { ...page, expires: this.#now() + this.#ttlMs });
  }

  /**
   * The cached page, or one render shared by every request that misses at the same time (when an
   * entry expires under load, one request renders and the others wait for it). A render that
   * started before an invalidate() is served to its waiters but not stored.
   */
  async getOrRender(key: string, render: () => Promise<CachedPage>): Promise<CachedPage> {
    const hit = this.get(key);
    if (hit) return hit;
    let flight = this.#flights.get(key);
    if (!flight) {
      const generation = this.#generation;
      flight = render()
        .then((page) => {
          if (page.status === 200 && generation === this.#generation) this.set(key, page);
          return page;
        })
        .finally(() => this.#flights.delete(key));
      this.#flights.set(key, flight);
    }
    return flight;
  }

  invalidate(): void {
    this.#generation++;
    this.#entries.clear();
    this.#flights.clear();
  }
}
