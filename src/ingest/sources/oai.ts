/**
 * arXiv OAI-PMH `ListRecords` harvesting, bulk and incremental.
 *
 * - The first harvest (no saved position) lists everything, or starts `firstHarvestDays` back
 *   when configured (the scheduler does that, so a new install is not surprised by a multi-hour
 *   bulk harvest; the snapshot import is the faster way to fill a new database).
 * - Each page is committed with the resumption token of the next page, so a killed harvest
 *   resumes at the next page. A finished harvest saves the day the list began (the server's
 *   `responseDate`) as the next `from`: OAI datestamps are days and `from` is inclusive, so a
 *   record changed later that day is picked up next time, and a run with nothing new costs one
 *   request (`noRecordsMatch`).
 * - Tokens expire (arXiv: daily). `badResumptionToken` restarts the list from the highest
 *   datestamp already committed (arXiv lists in datestamp order), not from zero.
 * - Deleted records (`status="deleted"`) mark the paper withdrawn; it is never removed.
 * - `arXivRaw` (the default) carries the version history the version rules need and goes straight
 *   to the store; `arXiv` (structured authors with affiliations, but no versions) is merged field
 *   by field so it never rolls a multi-version paper back (see merge.ts).
 */
import { COVERAGE, mergeWithStored } from '../merge.ts';
import { type ParsedOaiPage, ParsePool } from '../parse-pool.ts';
import { type Source, type SourceContext, SourceError, type SourceResult } from '../source.ts';
import { PageReader } from './oai-pages.ts';

export type OaiFormat = 'arXiv' | 'arXivRaw';

export interface OaiOptions {
  baseUrl: string;
  metadataPrefix?: OaiFormat;
  /** `cs`, `cs:cs:LG`, `physics:hep-th`; null lists every set. */
  set?: string | null;
  /** Starts a fresh harvest from this day (YYYY-MM-DD), dropping any unfinished one. */
  since?: string | null;
  until?: string | null;
  /** With no saved position: null harvests everything; N starts N days back. */
  firstHarvestDays?: number | null;
  /** Pages in a row with no record but a token before we call it a loop. */
  maxEmptyPages?: number;
  /** Times one list may be restarted after expired tokens. */
  maxRestarts?: number;
  /** Clock for the parsers' future-date check (tests pin it to the fixtures' "today"). */
  parseNow?: Date;
  /** Worker threads parsing large pages; 0 parses on the main thread. Default: up to 2. */
  parseWorkers?: number;
}

interface ListState {
  from: string | null;
  until: string | null;
  /** Token of the next page; null means "request the list (again)". */
  token: string | null;
  /** Highest datestamp committed in this harvest: a restart begins here. */
  committedDay: string | null;
  /** Server day when this harvest began: the next harvest's `from`. */
  startedDay: string | null;
  pages: number;
  restarts: number;
}

export interface OaiState {
  /** `from` of the next harvest; null before the first harvest finished. */
  nextFrom: string | null;
  /** The unfinished harvest, if any. */
  list?: ListState | undefined;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const FIRST_PAGE_RETRIES = 1;

/** A real calendar day as YYYY-MM-DD (2024-02-30 is not). */
export function isDay(s: string): boolean {
  if (!DAY.test(s)) return false;
  const t = Date.parse(`${s}T00:00:00Z`);
  return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === s;
}

export function daysBefore(now: Date, days: number): string {
  return new Date(now.getTime() - days * 86_400_000).toISOString().slice(0, 10);
}

export class OaiSource implements Source<OaiState> {
  readonly name = 'oai' as const;
  readonly cursorKey: string;
  readonly params: Record<string, unknown>;
  readonly #o: OaiOptions;
  readonly #prefix: OaiFormat;

  constructor(o: OaiOptions) {
    for (const d of [o.since, o.until])
      if (d && !isDay(d)) throw new RangeError(`not a day (YYYY-MM-DD): ${d}`);
    this.#o = o;
    this.#prefix = o.metadataPrefix ?? 'arXivRaw';
    this.cursorKey = `ingest:oai:${this.#prefix}:${o.set ?? '*'}`;
    this.params = {
      metadataPrefix: this.#prefix,
      set: o.set ?? null,
      since: o.since ?? null,
      until: o.until ?? null,
    };
  }

  #listUrl(l: ListState): string {
    const u = new URL(this.#o.baseUrl);
    u.searchParams.set('verb', 'ListRecords');
    if (l.token) {
      u.searchParams.set('resumptionToken', l.token);
      return u.toString();
    }
    u.searchParams.set('metadataPrefix', this.#prefix);
    if (l.from) u.searchParams.set('from', l.from);
    if (l.until) u.searchParams.set('until', l.until);
    if (this.#o.set) u.searchParams.set('set', this.#o.set);
    return u.toString();
  }

  #startList(ctx: SourceContext<OaiState>, state: OaiState): ListState {
    const fresh = (from: string | null): ListState => ({
      from,
      until: this.#o.until ?? null,
      token: null,
      committedDay: null,
      startedDay: null,
      pages: 0,
      restarts: 0,
    });
    if (this.#o.since) {
      if (state.list) {
        ctx.note(
          'oai',
          `--since ${this.#o.since}: dropped the unfinished harvest from ${state.list.from ?? 'the start'}`,
        );
        ctx.startOver();
      }
      return fresh(this.#o.since);
    }
    if (state.list) return state.list;
    if (state.nextFrom) return fresh(state.nextFrom);
    const days = this.#o.firstHarvestDays;
    return fresh(days == null ? null : daysBefore(ctx.now(), days));
  }

  async run(ctx: SourceContext<OaiState>): Promise<SourceResult> {
    const state: OaiState = { nextFrom: ctx.state?.nextFrom ?? null };
    const list = this.#startList(ctx, { ...state, list: ctx.state?.list });
    const notes: string[] = [];
    if (ctx.resumed && list.token && !this.#o.since) notes.push(`resumed at page ${list.pages + 1}`);
    const pool = new ParsePool(this.#o.parseWorkers);
    const reader = new PageReader({
      fetch: (url) => ctx.fetch(url),
      pool,
      now: this.#o.parseNow ?? ctx.now(),
      tokenUrl: (token) => this.#listUrl({ ...list, token }),
      // arXivRaw goes straight to the store, so the worker flattens it; arXiv is merged first.
      prepare: this.#prefix === 'arXivRaw',
    });
    try {
      return await this.#harvest(ctx, state, list, reader, notes);
    } finally {
      reader.drop();
      await pool.close();
    }
  }

  async #harvest(
    ctx: SourceContext<OaiState>,
    state: OaiState,
    list: ListState,
    reader: PageReader,
    notes: string[],
  ): Promise<SourceResult> {
    const startPages = list.pages;
    let emptyStreak = 0;
    let fatalRetries = 0;
    for (;;) {
      const pageNo = list.pages + 1;
      const { res, page } = await reader.read(this.#listUrl(list));
      if (!page) throw new SourceError(`page ${pageNo}: HTTP ${res.status} from ${new URL(res.url).host}`);

      if (page.fatal) {
        const what = `page ${pageNo}: not a usable OAI-PMH document (${page.fatal.reason} at ${page.fatal.where})`;
        if (fatalRetries++ < FIRST_PAGE_RETRIES) {
          ctx.note(`page ${pageNo}`, `${page.fatal.reason} (${page.fatal.where}); fetching the page again`);
          continue;
        }
        // Keep the complete records before the break; the cursor stays on this page so the next
        // run asks for it again.
        if (page.records) {
          ctx.reject(page.errors.map((e) => ({ where: `page ${pageNo}, ${e.where}`, reason: e.reason })));
          await this.#commit(ctx, page, { ...state, list }, false);
          ctx.note(`page ${pageNo}`, `kept ${page.records} complete records before the break`);
        }
        throw new SourceError(`${what}, twice in a row`);
      }
      fatalRetries = 0;

      if (page.oaiError && page.oaiError.code !== 'noRecordsMatch') {
        const { code, message } = page.oaiError;
        if (code === 'badResumptionToken' && list.token) {
          if (list.restarts >= (this.#o.maxRestarts ?? 3)) {
            throw new SourceError(`resumptionToken refused ${list.restarts + 1} times (${message})`);
          }
          const from = list.committedDay ?? list.from;
          ctx.note(
            `page ${pageNo}`,
            `resumptionToken expired or invalid (${message}); restarting the list from ${from ?? 'the start'}`,
          );
          notes.push(`token expired; restarted from ${from ?? 'the start'}`);
          Object.assign(list, { from, token: null, restarts: list.restarts + 1 });
          continue;
        }
        throw new SourceError(`page ${pageNo}: OAI-PMH error ${code}: ${message || '(no message)'}`);
      }

      list.startedDay ??= serverDay(page.responseDate, ctx.now());
      if (page.maxDatestamp && (!list.committedDay || page.maxDatestamp > list.committedDay)) {
        list.committedDay = page.maxDatestamp;
      }
      ctx.reject(page.errors.map((e) => ({ where: `page ${pageNo}, ${e.where}`, reason: e.reason })));

      const token = page.resumptionToken?.token ?? null;
      if (token !== null && token === list.token)
        throw new SourceError(`page ${pageNo}: server returned the same resumptionToken again`);
      emptyStreak = page.records === 0 && page.errors.length === 0 && token ? emptyStreak + 1 : 0;
      if (emptyStreak > (this.#o.maxEmptyPages ?? 20)) {
        throw new SourceError(`${emptyStreak} empty pages in a row, each with a resumptionToken; giving up`);
      }
      if (page.records === 0 && token)
        ctx.note(`page ${pageNo}`, 'empty page with a resumptionToken; following it');

      list.pages++;
      list.token = token;
      const done = token === null;
      // A bounded harvest (--until) is a backfill: it does not move the incremental position.
      const finished = list.until ? state.nextFrom : (list.startedDay ?? list.committedDay ?? list.from);
      const next: OaiState = done ? { nextFrom: finished } : { nextFrom: state.nextFrom, list };
      await this.#commit(ctx, page, next, done);
      const size = page.resumptionToken?.completeListSize ?? null;
      ctx.progress(
        list.pages,
        size === null ? null : Math.ceil(size / Math.max(1, page.records)),
        `page ${list.pages}`,
      );
      if (done) {
        const pages = list.pages - startPages;
        notes.unshift(`${pages} page${pages === 1 ? '' : 's'}${page.oaiError ? ' (no records match)' : ''}`);
        notes.push(`next harvest from ${next.nextFrom ?? 'the start'}`);
        return { detail: notes.join('; ') };
      }
    }
  }

  /** arXivRaw records arrive flattened and go straight through the version rules; arXiv is merged. */
  async #commit(ctx: SourceContext<OaiState>, page: ParsedOaiPage, state: OaiState, done: boolean) {
    const merged =
      this.#prefix === 'arXivRaw'
        ? { papers: page.papers, unchanged: 0 }
        : await mergeWithStored((id) => ctx.store.papers.get(id), page.papers, COVERAGE.oaiArxiv);
    await ctx.commit({ papers: merged.papers, prepared: page.prepared, withdrawn: page.withdrawn }, state, {
      done,
      unchanged: merged.unchanged,
    });
  }
}

/** The server's day from `responseDate`, unless absent or implausible (ahead of our clock). */
function serverDay(responseDate: string | null, now: Date): string | null {
  const t = responseDate ? Date.parse(responseDate) : Number.NaN;
  if (Number.isNaN(t) || t > now.getTime() + 86_400_000) return null;
  return new Date(t).toISOString().slice(0, 10);
}
