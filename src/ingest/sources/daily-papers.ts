/**
 * Daily-papers JSON (`<dailyPapersUrl>?date=YYYY-MM-DD&p=N&limit=100`): community picks.
 *
 * Each item becomes a paper plus a featuring on the day it was picked, with its upvote count
 * kept as `imported_upvotes` beside (never added to) local votes. A later run of the same day
 * raises the count as upvotes grow. Picks carry no categories or version, so papers we do not know
 * are first looked up in the arXiv API (`enrich`) for full metadata; when that fails the pick's own
 * record is stored and the failure noted. Known papers are merged field by field (merge.ts).
 *
 * Days: from the last day taken in (again, to refresh upvotes) through today (UTC), at most
 * `maxDays`; `--since` sets the first day.
 */
import type { PaperInput } from '../../papers/paper.ts';
import type { FeaturedInput } from '../../papers/repository.ts';
import type { HttpResponse } from '../http.ts';
import { COVERAGE, mergeWithStored } from '../merge.ts';
import { type DailyPaper, parseDailyPapers } from '../parsers/daily-papers.ts';
import { type Source, type SourceContext, SourceError, type SourceResult } from '../source.ts';
import { daysBefore, isDay } from './oai.ts';

/** The API's largest page. */
const PAGE_LIMIT = 100;
const MAX_PAGES_PER_DAY = 20;

export interface DailyPapersOptions {
  url: string;
  since?: string | null;
  /**
   * Papers not in the store: full records from the arXiv API (through `get`, the run's polite
   * client, so the requests count in the run), or null to skip the lookup.
   */
  enrich?: ((ids: string[], get: (url: string) => Promise<HttpResponse>) => Promise<PaperInput[]>) | null;
  maxDays?: number;
  parseNow?: Date;
}

export interface DailyPapersState {
  /** Last day fully taken in. */
  lastDay: string | null;
}

function dayRange(from: string, to: string, max: number): string[] {
  const out: string[] = [];
  for (
    let t = Date.parse(`${from}T00:00:00Z`);
    t <= Date.parse(`${to}T00:00:00Z`) && out.length < max;
    t += 86_400_000
  ) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

export class DailyPapersSource implements Source<DailyPapersState> {
  readonly name = 'daily-papers' as const;
  readonly cursorKey = 'ingest:daily-papers';
  readonly params: Record<string, unknown>;
  readonly #o: DailyPapersOptions;

  constructor(o: DailyPapersOptions) {
    if (o.since && !isDay(o.since)) throw new RangeError(`not a day (YYYY-MM-DD): ${o.since}`);
    this.#o = o;
    this.params = { since: o.since ?? null };
  }

  async run(ctx: SourceContext<DailyPapersState>): Promise<SourceResult> {
    const today = ctx.now().toISOString().slice(0, 10);
    const maxDays = this.#o.maxDays ?? 31;
    const first = this.#o.since ?? ctx.state?.lastDay ?? today;
    const days = dayRange(
      first < daysBefore(ctx.now(), maxDays) ? daysBefore(ctx.now(), maxDays - 1) : first,
      today,
      maxDays,
    );
    let picks = 0;
    let state: DailyPapersState = { lastDay: ctx.state?.lastDay ?? null };
    for (const [i, day] of days.entries()) {
      const { items, fatal } = await this.#fetchDay(ctx, day);
      picks += items.length;
      if (fatal) {
        // Keep the complete items before the break; the cursor stays before this day.
        await this.#store(ctx, items, state, false);
        throw new SourceError(`${fatal}; kept ${items.length} complete items`);
      }
      state = { lastDay: day };
      await this.#store(ctx, items, state, i === days.length - 1);
      ctx.progress(i + 1, days.length, day);
    }
    if (days.length === 0)
      await ctx.commit({ papers: [] }, { lastDay: ctx.state?.lastDay ?? null }, { done: true });
    return {
      detail: `${picks} picks over ${days.length} day${days.length === 1 ? '' : 's'} (${days[0] ?? today} to ${today})`,
    };
  }

  async #fetchDay(
    ctx: SourceContext<DailyPapersState>,
    day: string,
  ): Promise<{ items: DailyPaper[]; fatal: string | null }> {
    const items: DailyPaper[] = [];
    for (let p = 0; p < MAX_PAGES_PER_DAY; p++) {
      const u = new URL(this.#o.url);
      u.searchParams.set('date', day);
      u.searchParams.set('p', String(p));
      u.searchParams.set('limit', String(PAGE_LIMIT));
      const res = await ctx.fetch(u.toString());
      if (res.status !== 200) {
        throw new SourceError(
          `${day} page ${p}: HTTP ${res.status} ${res.body.toString('utf8').slice(0, 200)}`,
        );
      }
      const page = parseDailyPapers(res.body, { day, now: this.#o.parseNow ?? ctx.now() });
      ctx.reject(page.errors.map((e) => ({ where: `${day} page ${p}, ${e.where}`, reason: e.reason })));
      items.push(...page.items);
      if (page.fatal) return { items, fatal: `${day} page ${p}: ${page.fatal.reason}` };
      if (page.seen < PAGE_LIMIT) break;
    }
    return { items, fatal: null };
  }

  async #store(
    ctx: SourceContext<DailyPapersState>,
    items: DailyPaper[],
    state: DailyPapersState,
    done: boolean,
  ) {
    const records = await this.#enrich(
      ctx,
      items.map((i) => i.paper),
    );
    const merged = await mergeWithStored(
      (id) => ctx.store.papers.get(id),
      records,
      (p) => (enrichedIds.has(p) ? COVERAGE.api : COVERAGE.dailyPapers),
    );
    const featured: FeaturedInput[] = items.map((i) => ({
      arxivId: i.paper.arxivId,
      day: i.featuredDay,
      source: 'import',
      submittedBy: i.submittedBy,
      importedUpvotes: i.upvotes,
    }));
    await ctx.commit({ papers: merged.papers, featured }, state, { done, unchanged: merged.unchanged });
  }

  /** Swaps in arXiv API records for papers the store does not have yet. */
  async #enrich(ctx: SourceContext<DailyPapersState>, papers: PaperInput[]): Promise<PaperInput[]> {
    if (!this.#o.enrich || papers.length === 0) return papers;
    const unknown: string[] = [];
    for (const p of papers) if (!(await ctx.store.papers.get(p.arxivId))) unknown.push(p.arxivId);
    if (unknown.length === 0) return papers;
    let full: PaperInput[];
    try {
      full = await this.#o.enrich(unknown, (url) => ctx.fetch(url));
    } catch (err) {
      ctx.note(
        'arXiv API',
        `could not fetch full records (${(err as Error).message}); stored the picks as listed`,
      );
      return papers;
    }
    const byId = new Map(full.map((p) => [p.arxivId, p]));
    return papers.map((p) => {
      const f = byId.get(p.arxivId);
      if (!f) return p;
      enrichedIds.add(f);
      // The pick's links (code, project page) are worth keeping beside arXiv's record.
      return { ...f, links: [...f.links, ...p.links.filter((l) => !f.links.some((x) => x.url === l.url))] };
    });
  }
}

/** Records that came from the arXiv API (merged with its coverage, not the pick's). */
const enrichedIds = new WeakSet<PaperInput>();
