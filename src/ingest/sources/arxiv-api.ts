/**
 * The arXiv API (Atom): papers by id (`id_list`, in batches) and by `search_query` with paging.
 *
 * `fetchArxivPapers(ids)` is the entry point for paper submission: validated ids in, normalized
 * records out, through the same polite client as every harvest. The `arxiv-api` source wraps it
 * (and search paging) for `paperboy ingest arxiv-api`, merging into stored papers (the API lacks
 * the submitter, license and the full version history; see merge.ts).
 */
import { createHash } from 'node:crypto';
import { InvalidInputError, UpstreamUnavailableError } from '../../errors.ts';
import { parseArxivId } from '../../papers/arxiv-id.ts';
import type { PaperInput } from '../../papers/paper.ts';
import type { HttpResponse, RequestOptions } from '../http.ts';
import { COVERAGE, mergeWithStored } from '../merge.ts';
import { parseArxivAtom } from '../parsers/atom.ts';
import type { ParseIssue } from '../parsers/types.ts';
import { type Source, type SourceContext, SourceError, type SourceResult } from '../source.ts';

/** Ids per `id_list` request: long URLs and large answers both go wrong past a few hundred. */
const ID_BATCH = 100;
/** The API serves at most 30,000 results of one query, at most 2,000 per page. */
const MAX_SEARCH_RESULTS = 30_000;
const MAX_PAGE = 2_000;

export interface ArxivApiDeps {
  http: { get(url: string, options?: RequestOptions): Promise<HttpResponse> };
  apiUrl: string;
  batchSize?: number;
  /** Clock for the future-date check. */
  now?: Date;
  requestOptions?: RequestOptions;
}

export interface FetchedPapers {
  /** In the order the ids were given (first occurrence), latest version of each. */
  papers: PaperInput[];
  /** Valid ids the API did not return. */
  missing: string[];
  /** Records the parser refused, and batches that failed to parse. */
  issues: ParseIssue[];
}

function idListUrl(apiUrl: string, ids: string[]): string {
  const u = new URL(apiUrl);
  u.searchParams.set('id_list', ids.join(','));
  u.searchParams.set('start', '0');
  u.searchParams.set('max_results', String(ids.length));
  return u.toString();
}

/** Canonical ids (no versions, duplicates dropped); throws InvalidInputError naming bad ones. */
function canonicalIds(ids: readonly string[]): string[] {
  const out: string[] = [];
  const bad: string[] = [];
  for (const raw of ids) {
    const p = parseArxivId(raw);
    if (!p) bad.push(raw.slice(0, 80));
    else if (!out.includes(p.id)) out.push(p.id);
  }
  if (bad.length) throw new InvalidInputError(`not arXiv ids: ${bad.slice(0, 5).join(', ')}`);
  return out;
}

/** One `id_list` request for at most `batchSize` canonical ids. */
async function fetchBatch(
  ids: string[],
  deps: ArxivApiDeps,
): Promise<{ papers: PaperInput[]; issues: ParseIssue[] }> {
  const res = await deps.http.get(idListUrl(deps.apiUrl, ids), deps.requestOptions);
  if (res.status !== 200) throw new UpstreamUnavailableError(`arXiv API answered HTTP ${res.status}`);
  const page = parseArxivAtom(res.body, deps.now ? { now: deps.now } : {});
  if (page.apiError) throw new UpstreamUnavailableError(`arXiv API error: ${page.apiError.message}`);
  const issues = [...page.errors];
  if (page.fatal)
    issues.push({ where: `id_list ${ids[0]}…`, reason: `${page.fatal.reason} (${page.fatal.where})` });
  const papers = page.records.flatMap((r) => (r.kind === 'paper' ? [r.paper] : []));
  return { papers, issues };
}

/**
 * Papers by arXiv id, in batches, politely. For paper submission: ids are validated first
 * (InvalidInputError), upstream trouble is an UpstreamUnavailableError, unknown ids are `missing`.
 */
export async function fetchArxivPapers(ids: readonly string[], deps: ArxivApiDeps): Promise<FetchedPapers> {
  const wanted = canonicalIds(ids);
  const size = Math.max(1, Math.min(deps.batchSize ?? ID_BATCH, MAX_PAGE));
  const byId = new Map<string, PaperInput>();
  const issues: ParseIssue[] = [];
  for (let i = 0; i < wanted.length; i += size) {
    const r = await fetchBatch(wanted.slice(i, i + size), deps);
    for (const p of r.papers) byId.set(p.arxivId, p);
    issues.push(...r.issues);
  }
  return {
    papers: wanted.flatMap((id) => (byId.has(id) ? [byId.get(id)!] : [])),
    missing: wanted.filter((id) => !byId.has(id)),
    issues,
  };
}

export interface ArxivApiOptions {
  apiUrl: string;
  /** Fetch these ids… */
  ids?: string[];
  /** …or page through a search (`cat:cs.LG AND ti:diffusion`), newest update first. */
  query?: string;
  /** With `query`: stop once a whole page was last updated before this day. */
  since?: string | null;
  pageSize?: number;
  batchSize?: number;
  parseNow?: Date;
}

export type ArxivApiState =
  | { mode: 'ids'; key: string; next: number }
  | { mode: 'search'; key: string; start: number }
  | { mode: 'idle' };

/** `cs.LG+cs.CV` → `cat:cs.LG OR cat:cs.CV`. */
export function categoriesQuery(categories: string): string {
  const cats = categories.split('+').filter(Boolean);
  return cats.length === 1 ? `cat:${cats[0]}` : `(${cats.map((c) => `cat:${c}`).join(' OR ')})`;
}

export class ArxivApiSource implements Source<ArxivApiState> {
  readonly name = 'arxiv-api' as const;
  readonly cursorKey = 'ingest:arxiv-api';
  readonly params: Record<string, unknown>;
  readonly #o: ArxivApiOptions;
  readonly #ids: string[];
  readonly #key: string;

  constructor(o: ArxivApiOptions) {
    if (!o.ids?.length && !o.query)
      throw new InvalidInputError('arxiv-api needs --ids or a query (--categories)');
    this.#o = o;
    this.#ids = o.ids ? canonicalIds(o.ids) : [];
    // Resume only the same request: a different id list or query starts over.
    this.#key = createHash('sha1')
      .update(JSON.stringify([this.#ids, o.query ?? '', o.since ?? '']))
      .digest('hex');
    this.params = o.ids ? { ids: this.#ids.length } : { query: o.query, since: o.since ?? null };
  }

  async run(ctx: SourceContext<ArxivApiState>): Promise<SourceResult> {
    return this.#ids.length ? this.#byIds(ctx) : this.#search(ctx);
  }

  async #store(ctx: SourceContext<ArxivApiState>, papers: PaperInput[], state: ArxivApiState, done: boolean) {
    const merged = await mergeWithStored((id) => ctx.store.papers.get(id), papers, COVERAGE.api);
    await ctx.commit({ papers: merged.papers }, state, { done, unchanged: merged.unchanged });
  }

  async #byIds(ctx: SourceContext<ArxivApiState>): Promise<SourceResult> {
    const size = Math.max(1, Math.min(this.#o.batchSize ?? ID_BATCH, MAX_PAGE));
    const saved = ctx.state;
    const same = saved?.mode === 'ids' && saved.key === this.#key;
    if (ctx.resumed && !same) ctx.startOver();
    let next = same ? saved.next : 0;
    const missing: string[] = [];
    const deps = this.#deps(ctx);
    while (next < this.#ids.length) {
      const ids = this.#ids.slice(next, next + size);
      const r = await fetchBatch(ids, deps);
      ctx.reject(r.issues);
      const got = new Set(r.papers.map((p) => p.arxivId));
      missing.push(...ids.filter((id) => !got.has(id)));
      next += ids.length;
      const done = next >= this.#ids.length;
      await this.#store(ctx, r.papers, done ? { mode: 'idle' } : { mode: 'ids', key: this.#key, next }, done);
      ctx.progress(next, this.#ids.length, `${next}/${this.#ids.length} ids`);
    }
    if (missing.length) ctx.note('id_list', `not found at arXiv: ${missing.slice(0, 20).join(', ')}`);
    return { detail: `${this.#ids.length} ids${missing.length ? `, ${missing.length} not found` : ''}` };
  }

  async #search(ctx: SourceContext<ArxivApiState>): Promise<SourceResult> {
    const size = Math.max(1, Math.min(this.#o.pageSize ?? 200, MAX_PAGE));
    const saved = ctx.state;
    const same = saved?.mode === 'search' && saved.key === this.#key;
    if (ctx.resumed && !same) ctx.startOver();
    let start = same ? saved.start : 0;
    const since = this.#o.since ? `${this.#o.since}T00:00:00.000Z` : null;
    let pages = 0;
    for (;;) {
      const u = new URL(this.#o.apiUrl);
      u.searchParams.set('search_query', this.#o.query!);
      u.searchParams.set('start', String(start));
      u.searchParams.set('max_results', String(size));
      u.searchParams.set('sortBy', 'lastUpdatedDate');
      u.searchParams.set('sortOrder', 'descending');
      const res = await ctx.fetch(u.toString());
      if (res.status !== 200) throw new SourceError(`start=${start}: HTTP ${res.status}`);
      const page = parseArxivAtom(res.body, { now: this.#o.parseNow ?? ctx.now() });
      if (page.apiError) throw new SourceError(`arXiv API error: ${page.apiError.message}`);
      if (page.fatal) throw new SourceError(`start=${start}: ${page.fatal.reason} (${page.fatal.where})`);
      ctx.reject(page.errors.map((e) => ({ where: `start=${start}, ${e.where}`, reason: e.reason })));
      const papers = page.records.flatMap((r) => (r.kind === 'paper' ? [r.paper] : []));
      pages++;
      start += page.seen;
      const total = Math.min(page.totalResults ?? 0, MAX_SEARCH_RESULTS);
      // Sorted newest update first: a page entirely older than --since ends the walk.
      const stale = since !== null && papers.length > 0 && papers.every((p) => p.updatedAt < since);
      const fresh = since === null ? papers : papers.filter((p) => p.updatedAt >= since);
      const done = page.seen === 0 || start >= total || stale;
      await this.#store(
        ctx,
        fresh,
        done ? { mode: 'idle' } : { mode: 'search', key: this.#key, start },
        done,
      );
      ctx.progress(start, total || null, `${start} of ${total} results`);
      if (done) return { detail: `${pages} page${pages === 1 ? '' : 's'} of search results` };
    }
  }

  #deps(ctx: SourceContext<ArxivApiState>): ArxivApiDeps {
    return {
      http: { get: (url) => ctx.fetch(url) },
      apiUrl: this.#o.apiUrl,
      now: this.#o.parseNow ?? ctx.now(),
    };
  }
}
