/**
 * The bootstrap harvest: once categories are chosen (setup page, or rssCategories /
 * featureCategories in the config), fetch the last BOOTSTRAP_DAYS of listings for each through the
 * arXiv API source and the ingest runner (lease, run record, the one polite HTTP client), so a new
 * site has papers within minutes instead of at the next daily harvest. In `auto` featuring mode
 * the fetched papers whose primary category is followed are featured on their submission day.
 *
 * Progress and the outcome are kept in `site_settings` (key `bootstrap`) for the admin page. When
 * arXiv cannot be reached the status says so plainly and the harvest is tried again every
 * RETRY_MS (and the daily schedule keeps running).
 */
import type { Config } from '../config/config.ts';
import { runIngest } from '../ingest/runner.ts';
import { createSource, upstreamClient } from '../ingest/setup.ts';
import { LeaseBusyError } from '../jobs/lease.ts';
import { followedCategories } from './settings.ts';
import type { SetupStore } from './store.ts';

const BOOTSTRAP_DAYS = 7;
const RETRY_MS = 15 * 60_000;
const BOOTSTRAP_KEY = 'bootstrap';
/** Papers per category looked at for auto-featuring (a week of cs.LG is ~1,500). */
const FEATURE_SCAN = 2000;

export interface BootstrapStatus {
  state: 'running' | 'done' | 'unreachable' | 'failed';
  categories: string[];
  since: string;
  startedAt: string;
  finishedAt: string | null;
  /** Categories finished so far. */
  done: number;
  papers: number;
  featured: number;
  message: string;
}

export interface BootstrapDeps {
  store: SetupStore;
  config: Config;
  log: (msg: string) => void;
  now?: () => Date;
  retryMs?: number;
}

/** A failure message that means arXiv could not be reached (also read by the /admin status). */
export const UNREACHABLE =
  /refused|ECONNREFUSED|ENOTFOUND|DNS|resolve|EAI_AGAIN|ETIMEDOUT|ECONNRESET|EHOSTUNREACH|ENETUNREACH|timed? ?out|fetch failed|socket|HTTP 5\d\d|network/i;

export class Bootstrap {
  readonly #d: BootstrapDeps;
  readonly #now: () => Date;
  #running: Promise<BootstrapStatus> | null = null;
  #retry: NodeJS.Timeout | null = null;
  #abort = new AbortController();

  constructor(deps: BootstrapDeps) {
    this.#d = deps;
    this.#now = deps.now ?? (() => new Date());
  }

  status(): Promise<BootstrapStatus | null> {
    return this.#d.store.firstRun.getSetting<BootstrapStatus>(BOOTSTRAP_KEY);
  }

  /** At startup: runs when categories are known and no bootstrap has finished for them. */
  async startIfNeeded(): Promise<void> {
    const cats = followedCategories(this.#d.config);
    if (!cats.length) return;
    const s = await this.status();
    if (s?.state === 'done' && cats.every((c) => s.categories.includes(c))) return;
    this.start();
  }

  /** Starts a run unless one is going; never throws (the outcome is in the status). */
  start(): Promise<BootstrapStatus> {
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = null;
    this.#running ??= this.#run().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async stop(): Promise<void> {
    this.#abort.abort();
    if (this.#retry) clearTimeout(this.#retry);
    await this.#running?.catch(() => {});
  }

  async #save(s: BootstrapStatus): Promise<void> {
    await this.#d.store.firstRun.setSetting(BOOTSTRAP_KEY, s, this.#now().toISOString());
  }

  async #run(): Promise<BootstrapStatus> {
    const { store, config, log } = this.#d;
    const categories = followedCategories(config);
    const now = this.#now();
    const since = new Date(now.getTime() - BOOTSTRAP_DAYS * 86_400_000).toISOString().slice(0, 10);
    const s: BootstrapStatus = {
      state: 'running',
      categories,
      since,
      startedAt: now.toISOString(),
      finishedAt: null,
      done: 0,
      papers: 0,
      featured: 0,
      message: `Fetching papers since ${since} for ${categories.join(', ')}…`,
    };
    await this.#save(s);
    log(`bootstrap: ${s.message}`);
    const http = upstreamClient(config);
    try {
      for (const category of categories) {
        if (this.#abort.signal.aborted) break;
        const source = createSource('arxiv-api', config, { categories: category, since });
        const r = await runIngest(source, { store, http, signal: this.#abort.signal });
        if (r.status === 'failed') throw new Error(r.message);
        s.done++;
        s.papers += r.counts.inserted + r.counts.updated;
        if (config.featureCategories.includes(category)) s.featured += await this.#feature(category, since);
        s.message = `${category}: ${r.counts.inserted} new papers (${s.done}/${categories.length} categories)`;
        log(`bootstrap: ${s.message}`);
        await this.#save(s);
      }
      s.state = 'done';
      s.message = `Fetched ${s.papers} papers from the last ${BOOTSTRAP_DAYS} days${s.featured ? `, featured ${s.featured}` : ''}; the daily harvest takes over from here.`;
    } catch (err) {
      const detail = err instanceof LeaseBusyError ? err.message : (err as Error).message;
      const retryMin = Math.round((this.#d.retryMs ?? RETRY_MS) / 60_000);
      if (err instanceof LeaseBusyError) {
        s.state = 'failed';
        s.message = `Another harvest is running (${detail}); trying again in ${retryMin} minutes.`;
      } else if (UNREACHABLE.test(detail)) {
        s.state = 'unreachable';
        s.message = `Cannot reach arXiv (${detail.slice(0, 200)}). Paperboy keeps trying every ${retryMin} minutes and at the daily harvest. Without internet access, run \`paperboy demo\` to try the site with demo data.`;
      } else {
        s.state = 'failed';
        s.message = `The first harvest failed: ${detail.slice(0, 300)}. Trying again in ${retryMin} minutes.`;
      }
      log(`bootstrap: ${s.message}`);
      if (!this.#abort.signal.aborted) {
        this.#retry = setTimeout(() => void this.start(), this.#d.retryMs ?? RETRY_MS);
        this.#retry.unref();
      }
    }
    s.finishedAt = this.#now().toISOString();
    await this.#save(s);
    return s;
  }

  /** Auto-featuring: each fetched paper whose primary category is followed, on its v1 day. */
  async #feature(category: string, since: string): Promise<number> {
    const { store } = this.#d;
    const items = await store.feed.byCategory(category, FEATURE_SCAN, 0);
    let n = 0;
    for (const item of items) {
      const p = item.paper;
      if (p.categories[0] !== category || p.submittedAt.slice(0, 10) < since) continue;
      const r = await store.papers.feature({
        arxivId: p.arxivId,
        day: p.submittedAt.slice(0, 10),
        source: 'rule',
        submittedBy: null,
        importedUpvotes: 0,
      });
      if (r === 'inserted') n++;
    }
    return n;
  }
}
