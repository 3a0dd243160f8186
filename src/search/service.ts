/**
 * Search as the web pages, the API and the CLI call it: parse → keyword side + vector side →
 * fusion → sort → page → highlights. Never throws for bad user input: a query the parser
 * refuses comes back as `error` (message + position) for the caller to show or turn into a 400.
 */
import { QueryTooBroadError } from '../errors.ts';
import { parseArxivId } from '../papers/arxiv-id.ts';
import { reportSearch } from '../shared/telemetry.ts';
import type { KeywordBudget } from './budget.ts';
import { tokenize } from './embedder/builtin.ts';
import type { Expansion } from './embedder/embedder.ts';
import type { EmbedderSettings } from './embedder/load.ts';
import { explain, highlightTerms, type MatchInfo, textGroups } from './explain.ts';
import { coverageFusion, reciprocalRankFusion } from './fusion.ts';
import { type HighlightTerm, highlight, type Segment, snippet } from './highlight.ts';
import { type KeywordSearcher, keywordSearcher } from './keyword-pool.ts';
import { type Relaxed, relaxedKeyword } from './keyword-relaxed.ts';
import {
  expandPlan,
  filterPlan,
  hasRestrictions,
  keywordPlan,
  negatedWords,
  semanticText,
  usefulExpansion,
  withoutStopWords,
} from './plan.ts';
import { positiveTerms, QueryError } from './query/ast.ts';
import { parseQuery } from './query/parse.ts';
import { withRareWords } from './rare-words.ts';
import type { HitInfo, KeywordPlan, SearchRepository } from './search.repo.ts';
import { type Semantic, semanticFor } from './semantic.ts';
import { fusedNeighbours, moreLikeThis } from './similar-fuse.ts';
import type { SearchStore } from './store.ts';
import type { ScoredPaper } from './vectors/index.ts';

/** Results each side contributes to the fusion (and so the deepest page hybrid search serves). */
const SIDE_DEPTH = 100;
const KEYWORD_WEIGHT = 1;
const VECTOR_WEIGHT = 1;

/**
 * The vector side's fusion weight for a query of `required` ANDed word clauses: every word the
 * user requires is lexical evidence the vector side cannot enforce, so a longer, specific query
 * lets the keyword side lead (its papers hold every word), while a one-concept query ("car",
 * "protein folding") is decided as much by meaning. Measured (bench/search-quality at 1M): with
 * a flat weight, papers missing one of three words entered the top 10 (keyword nDCG@10 0.97).
 */
function vectorWeight(required: number): number {
  return VECTOR_WEIGHT / Math.max(1, required);
}
/** Nearest neighbours fetched before filters (author:, cat:, dates) are checked. */
const FILTER_OVERFETCH = 400;
/** A filter matching at most this many papers is searched exactly among its matches. */
const FILTER_EXACT_CAP = 5000;
const MAX_PAGE_SIZE = 100;
const MAX_DEPTH = 1000;
/**
 * Fewer papers than this holding every word: partial matches follow (keyword-relaxed.ts). A
 * query's full matches always come first, so a specific query that finds a few papers keeps them.
 */
const ENOUGH = 10;

export interface SearchDeps {
  store: SearchStore;
  /** `searchExpansion: false` (config.ts): look for the words typed only, no synonyms or neighbours. */
  config: EmbedderSettings & Partial<KeywordBudget> & { searchExpansion?: boolean };
}

/** Used when the caller's config has no budget (benchmarks and tests that pass only embedder settings). */
const DEFAULT_BUDGET: KeywordBudget = { searchBudgetMs: 2000, searchWorkers: 0 };

export type SearchMode = 'hybrid' | 'keyword' | 'vector';

export interface SearchRequest {
  q: string;
  page?: number;
  pageSize?: number;
  /** hybrid (default), keyword only, or vector only (benchmarks, debugging). */
  mode?: SearchMode;
  /** Filled with each stage's milliseconds and counts (the search bench's slowest-query plans). */
  trace?: SearchTrace;
}

/** Where one search spent its time: stages in ms, plus how much each side found. */
export interface SearchTrace {
  ms: Partial<Record<'keyword' | 'relaxed' | 'missingPhrases' | 'vector' | 'hits', number>>;
  keywordHits?: number;
  relaxedHits?: number;
  vectorHits?: number;
  expanded?: string[];
}

/** Times `f` into `trace.ms[stage]` when a trace was asked for. */
async function timed<T>(
  trace: SearchTrace | undefined,
  stage: keyof SearchTrace['ms'],
  f: () => Promise<T>,
): Promise<T> {
  if (!trace) return f();
  const t0 = performance.now();
  try {
    return await f();
  } finally {
    trace.ms[stage] = (trace.ms[stage] ?? 0) + performance.now() - t0;
  }
}

export interface SearchHit {
  arxivId: string;
  paperId: number;
  score: number;
  title: string;
  authorsText: string;
  categories: string[];
  submittedAt: string;
  votes: number;
  /** Which sides found it. */
  matchedBy: ('keyword' | 'vector')[];
  /**
   * Why, in the query's terms: the words (and "phrases", prefixes*, OR groups) it holds out of
   * those the query requires; `lacks`: quoted phrases a meaning-only result does not contain.
   */
  match?: MatchInfo;
  highlights: { title: Segment[]; snippet: Segment[] };
}

export interface SearchResult {
  hits: SearchHit[];
  /** Whether another page exists. */
  hasMore: boolean;
  /**
   * How many papers the search found: exact when `atLeast` is false; else a lower bound, because
   * each side stops at its depth (counting every match of a common word at 1M papers is the
   * full scan the top lists avoid, db/toplists.ts).
   */
  count?: { n: number; atLeast: boolean };
  mode: SearchMode;
  /** Said to the user when the answer is less than asked (e.g. keyword only). */
  notice?: string;
  error?: { message: string; position: number };
  /** The search ran past its time budget and was stopped (keyword-pool.ts): what to narrow. */
  stopped?: string;
  /** An arXiv id in the query; `exact` when the query is nothing but the id. */
  didYouMean?: { arxivId: string; inLibrary: boolean; exact: boolean };
  /** Words the search also looked for (synonyms, the model's neighbours), each with its source word. */
  related?: Expansion[];
}

/** The arXiv id typed into the box, alone or among words. */
export function arxivIdIn(q: string): { id: string; exact: boolean } | null {
  const whole = parseArxivId(q.trim());
  if (whole) return { id: whole.id, exact: true };
  for (const tok of q.trim().split(/\s+/)) {
    if (!/\d/.test(tok) || !/[./]/.test(tok)) continue;
    const p = parseArxivId(tok);
    if (p) return { id: p.id, exact: false };
  }
  return null;
}

async function vectorSide(
  sem: Semantic,
  repo: KeywordSearcher,
  plan: KeywordPlan,
  text: string,
  depth: number,
  expand: boolean,
): Promise<{ hits: ScoredPaper[]; related: Expansion[] }> {
  const embedder = sem.embedder!;
  const index = sem.index!;
  const { vector: typed, related } = embedder.embedQuery
    ? await embedder.embedQuery(text, { exclude: negatedWords(plan), expand })
    : { vector: (await embedder.embed([text]))[0]!, related: [] };
  // Rare and unseen words get the meaning of the papers holding them (rare-words.ts).
  const vector = embedder.idf
    ? await withRareWords(
        typed,
        text,
        (w) => embedder.idf!(w),
        index,
        (w, k) =>
          repo.keyword({ groups: [[{ text: w, kind: 'word' }]], not: [], dates: {}, sort: 'relevance' }, k),
      )
    : typed;
  if (!vector.some((x) => x !== 0)) return { hits: [], related: [] };
  if (!hasRestrictions(plan)) return { hits: index.search(vector, depth), related };
  const filters = filterPlan(plan);
  const near = index.search(vector, Math.max(FILTER_OVERFETCH, depth));
  const ok = await repo.satisfying(
    near.map((h) => h.paperId),
    filters,
  );
  const kept = near.filter((h) => ok.has(h.paperId));
  if (kept.length >= Math.min(depth, 20)) return { hits: kept.slice(0, depth), related };
  // A narrow filter: score its matches exactly instead (bounded by FILTER_EXACT_CAP).
  const cands = await repo.keyword(filters, FILTER_EXACT_CAP + 1);
  if (cands.length > FILTER_EXACT_CAP) return { hits: kept, related };
  return {
    hits: index
      .scoreIds(
        vector,
        cands.map((c) => c.paperId),
      )
      .slice(0, depth),
    related,
  };
}

export async function searchPapers(deps: SearchDeps, req: SearchRequest): Promise<SearchResult> {
  const started = performance.now();
  try {
    const r = await search(deps, req);
    reportSearch({ scope: deps.store, mode: r.mode, seconds: (performance.now() - started) / 1000 });
    return r;
  } catch (err) {
    if (!(err instanceof QueryTooBroadError)) throw err;
    return {
      hits: [],
      hasMore: false,
      mode: req.mode === 'vector' ? 'vector' : 'keyword',
      stopped: err.message,
    };
  }
}

async function search(deps: SearchDeps, req: SearchRequest): Promise<SearchResult> {
  const pageSize = Math.max(1, Math.min(req.pageSize ?? 25, MAX_PAGE_SIZE));
  const page = Math.max(1, req.page ?? 1);
  const want = req.mode ?? 'hybrid';
  const q = req.q.trim();
  if (!q) return { hits: [], hasMore: false, mode: want === 'vector' ? 'vector' : 'keyword' };
  const repo = deps.store.search;
  const keywords = await keywordSearcher(deps.store, {
    searchBudgetMs: deps.config.searchBudgetMs ?? DEFAULT_BUDGET.searchBudgetMs,
    searchWorkers: deps.config.searchWorkers ?? DEFAULT_BUDGET.searchWorkers,
    inProcess: deps.config.inProcess ?? false,
  });
  const result: SearchResult = { hits: [], hasMore: false, mode: 'keyword' };
  const id = arxivIdIn(q);
  if (id) {
    result.didYouMean = {
      arxivId: id.id,
      inLibrary: (await repo.paperIdOf(id.id)) !== null,
      exact: id.exact,
    };
  }
  let query: ReturnType<typeof parseQuery>;
  try {
    query = parseQuery(q);
  } catch (err) {
    if (err instanceof QueryError)
      return { ...result, error: { message: err.message, position: err.position } };
    throw err;
  }
  // Stop words are not required (query/stopwords.ts); the semantic side still reads them.
  const plan = withoutStopWords(keywordPlan(query));
  const required = plan.groups.filter((g) =>
    g.every((t) => t.field !== 'authors' && t.field !== 'categories'),
  ).length;
  const depth = Math.min(MAX_DEPTH, Math.max(SIDE_DEPTH, page * pageSize + 1));
  const text = semanticText(query);

  let sem: Semantic | null = null;
  if (want !== 'keyword' && text) {
    sem = await semanticFor(deps.store, deps.config);
    sem.maybeSync();
    if (sem.state !== 'ready') {
      result.notice =
        sem.state === 'loading'
          ? 'Semantic search is still loading; these are keyword matches only.'
          : sem.state === 'failed'
            ? `Semantic search is unavailable (${sem.error}); these are keyword matches only.`
            : 'Semantic search is not set up yet (an operator runs `paperboy reindex`); these are keyword matches only.';
      sem = null;
    } else result.mode = want === 'vector' ? 'vector' : 'hybrid';
  }
  const related: Expansion[] = [];
  const excluded = new Set(negatedWords(plan));
  const addRelated = (list: Expansion[]) => {
    for (const e of list)
      if (usefulExpansion(e.word, excluded) && !related.some((r) => r.word === e.word)) related.push(e);
  };
  const expand = deps.config.searchExpansion !== false;
  const tr = req.trace;
  // The vector side does not depend on the keyword side: it runs while the keyword task does (in
  // a pool thread on SQLite, a statement on PostgreSQL), so a hybrid search takes the longer of
  // the two, not their sum. Started once the keyword task is handed over (the embedding is work on
  // this thread); a rejection is observed where it is awaited, or dropped with the keyword side's.
  const on = sem;
  let vectorStarted: ReturnType<typeof runVector> | undefined;
  const runVector = () => {
    const p = timed(tr, 'vector', () => vectorSide(on!, keywords, plan, text, depth, expand));
    p.catch(() => {});
    return p;
  };
  const vectorWork = on ? () => (vectorStarted ??= runVector()) : null;
  let keywordIds: number[] = [];
  let keywordFull = false;
  let relaxed: Relaxed | null = null;
  let missingPhrases: string[] = [];
  if (want !== 'vector' && (plan.groups.length > 0 || hasRestrictions(plan))) {
    const limit = want === 'keyword' ? page * pageSize + 1 : depth;
    const syn = result.mode === 'hybrid' && expand ? sem?.embedder?.synonyms?.bind(sem.embedder) : undefined;
    const expanded = syn ? expandPlan(plan, syn) : { plan, added: [] };
    addRelated(expanded.added);
    // The hybrid side fuses up to `depth` rows, but a page needs only its own: the exact head of
    // the ranking down to that will do when the rest would cost FTS5 every match (toplists.ts).
    const need = want === 'keyword' ? limit : Math.min(limit, page * pageSize + 1);
    const keywordTask = timed(tr, 'keyword', () =>
      keywords.keyword(expanded.plan, limit, need < limit ? need : undefined),
    );
    vectorWork?.();
    keywordIds = (await keywordTask).map((h) => h.paperId);
    // A shortened head means "at least": the count below then says so.
    keywordFull = keywordIds.length >= limit || (need < limit && keywordIds.length >= need);
    if (keywordIds.length < Math.min(limit, ENOUGH)) {
      const seen = new Set(keywordIds);
      relaxed = await timed(tr, 'relaxed', async () =>
        relaxedKeyword(keywords, plan, await repo.maxPaperId(), limit, seen),
      );
      if (keywordIds.length === 0)
        missingPhrases = await timed(tr, 'missingPhrases', () => phrasesNoPaperHolds(keywords, plan));
    }
  }
  const partialIds = relaxed?.hits.map((h) => h.paperId) ?? [];
  let vectorIds: number[] = [];
  if (vectorWork) {
    const v = await vectorWork();
    vectorIds = v.hits.map((h) => h.paperId);
    addRelated(v.related);
  }
  if (tr) {
    Object.assign(tr, { keywordHits: keywordIds.length, relaxedHits: partialIds.length });
    Object.assign(tr, { vectorHits: vectorIds.length, expanded: related.map((r) => r.word) });
  }
  if (related.length) result.related = related.slice(0, 8);

  const lexical = [...keywordIds, ...partialIds];
  let ranked =
    result.mode === 'keyword'
      ? lexical.map((paperId, i) => ({ paperId, score: lexical.length - i }))
      : result.mode === 'vector'
        ? vectorIds.map((paperId, i) => ({ paperId, score: vectorIds.length - i }))
        : reciprocalRankFusion([
            { ids: keywordIds, weight: KEYWORD_WEIGHT },
            { ids: vectorIds, weight: vectorWeight(required) },
          ]);
  if (result.mode === 'hybrid' && required > 0) {
    const full = new Set(keywordIds);
    // Below the papers holding every word: partial matches and meaning matches, fused (a paper
    // holding rare words of the query and close in meaning rises).
    const rest = coverageFusion(
      relaxed?.hits ?? [],
      vectorIds.filter((id) => !full.has(id)),
      vectorWeight(required),
    );
    ranked = [...keywordFirst(ranked, full).filter((h) => full.has(h.paperId)), ...rest];
  }
  const notice = lexicalNotice(
    missingPhrases,
    keywordIds.length,
    partialIds.length,
    vectorIds.length,
    required,
  );
  if (notice) result.notice = result.notice ? `${notice} ${result.notice}` : notice;
  if (query.sort !== 'relevance' && result.mode !== 'keyword')
    ranked = await resort(repo, ranked, query.sort);

  const slice = ranked.slice((page - 1) * pageSize, page * pageSize);
  result.hasMore = ranked.length > page * pageSize;
  // Meaning matches are the nearest `depth` papers, so with them the count is a lower bound too.
  result.count = { n: ranked.length, atLeast: keywordFull || vectorIds.length >= depth };
  const shown = await timed(tr, 'hits', () => repo.hits(slice.map((h) => h.paperId)));
  const info = new Map(shown.map((h) => [h.paperId, h]));
  const kw = new Set(keywordIds);
  const partial = new Map((relaxed?.hits ?? []).map((h) => [h.paperId, h.matched]));
  const vec = new Set(vectorIds);
  const terms = highlightTerms(positiveTerms(query).filter((t) => t.field !== 'authors'));
  const authorTerms = highlightTerms(positiveTerms(query).filter((t) => t.field === 'authors'));
  const asked = textGroups(plan);
  result.hits = slice.flatMap((h) => {
    const p = info.get(h.paperId);
    if (!p) return [];
    const hit = toHit(p, h.score, terms, authorTerms, [
      ...(kw.has(p.paperId) || partial.has(p.paperId) ? ['keyword' as const] : []),
      ...(vec.has(p.paperId) ? ['vector' as const] : []),
    ]);
    const m = explain(p, asked, kw.has(p.paperId), partial.get(p.paperId));
    return [m ? { ...hit, match: m } : hit];
  });
  return result;
}

/** The quoted phrases of a plan that no paper holds (each answered from one posting). */
async function phrasesNoPaperHolds(k: KeywordSearcher, plan: KeywordPlan): Promise<string[]> {
  const phrases = plan.groups.filter((g) => g.length === 1 && g[0]!.quoted).map((g) => g[0]!);
  if (phrases.length === 0) return [];
  const lists = await k.postings(phrases, 0);
  return phrases.filter((_, i) => lists[i] !== null).map((t) => t.text);
}

/** What the page says when the keyword side found less than every word asked for. */
function lexicalNotice(
  missingPhrases: string[],
  full: number,
  partial: number,
  vector: number,
  required: number,
): string | undefined {
  if (missingPhrases.length) {
    const names = missingPhrases.map((t) => `“${t}”`).join(', ');
    return `No paper has the phrase ${names}.${vector ? ' Below are papers close in meaning, which do not contain it.' : ''}`;
  }
  if (full > 0 || required === 0) return undefined;
  if (partial > 0)
    return `No paper has every word you asked for; these hold some of them, the rarest words counting most${vector ? ', beside papers close in meaning' : ''}.`;
  if (vector > 0) return 'No paper has every word you asked for; these are matches by meaning only.';
  return undefined;
}

/**
 * A query that requires words: the papers the keyword side found (every required word, or a
 * synonym shown under "Also looked for") come first, in fused order, then those found by meaning
 * alone. Fusion alone let 25 meaning-only papers without the word outrank those with it (issue 16,
 * "pruning -token"); a reader sees why a paper is listed from its words or its "by meaning" label.
 */
function keywordFirst(
  ranked: { paperId: number; score: number }[],
  keyword: ReadonlySet<number>,
): { paperId: number; score: number }[] {
  return [...ranked.filter((h) => keyword.has(h.paperId)), ...ranked.filter((h) => !keyword.has(h.paperId))];
}

async function resort(
  repo: SearchRepository,
  ranked: { paperId: number; score: number }[],
  sort: 'date' | 'votes',
): Promise<{ paperId: number; score: number }[]> {
  const info = new Map((await repo.hits(ranked.map((r) => r.paperId))).map((h) => [h.paperId, h]));
  const key = (id: number) => info.get(id);
  return [...ranked].sort((a, b) => {
    const pa = key(a.paperId);
    const pb = key(b.paperId);
    if (!pa || !pb) return 0;
    if (sort === 'votes' && pb.votes !== pa.votes) return pb.votes - pa.votes;
    if (sort === 'date' && pb.submittedAt !== pa.submittedAt) return pb.submittedAt < pa.submittedAt ? -1 : 1;
    return b.score - a.score;
  });
}

export function toHit(
  p: HitInfo,
  score: number,
  terms: HighlightTerm[],
  authorTerms: HighlightTerm[],
  matchedBy: ('keyword' | 'vector')[],
): SearchHit {
  void authorTerms;
  return {
    arxivId: p.arxivId,
    paperId: p.paperId,
    score,
    title: p.title,
    authorsText: p.authorsText,
    categories: p.categories ? p.categories.split(' ') : [],
    submittedAt: p.submittedAt,
    votes: p.votes,
    matchedBy,
    highlights: {
      title: highlight(p.title.replace(/\s+/g, ' '), terms),
      snippet: snippet(p.abstract, terms),
    },
  };
}

/**
 * Papers nearest to one paper by meaning. Without vectors (not trained yet) it falls back to a
 * keyword search for the paper's most telling title words. Null when the paper is unknown.
 */
export async function similarPapers(
  deps: SearchDeps,
  arxivId: string,
  k = 10,
): Promise<{ hits: SearchHit[]; mode: 'vector' | 'keyword' } | null> {
  const repo = deps.store.search;
  const paperId = await repo.paperIdOf(arxivId);
  if (paperId === null) return null;
  const n = Math.max(1, Math.min(k, MAX_PAGE_SIZE));
  const sem = await semanticFor(deps.store, deps.config);
  sem.maybeSync();
  let ids: number[];
  let mode: 'vector' | 'keyword' = 'vector';
  // Vector neighbours fused with "more like this" and shared authors/categories (similar-fuse.ts).
  const emb = sem.embedder;
  const fused =
    sem.state === 'ready'
      ? await fusedNeighbours(
          {
            hits: (ids) => repo.hits(ids),
            keyword: (terms, k) => moreLikeThis(repo, terms, k),
            index: sem.index!,
            idfOf: emb?.idf ? (w) => emb.idf!(w) : null,
          },
          paperId,
          n,
        )
      : null;
  if (fused) {
    ids = fused;
  } else {
    mode = 'keyword';
    ids = await titleNeighbours(repo, paperId, n);
  }
  ids = ids.filter((id) => id !== paperId).slice(0, n);
  const info = new Map((await repo.hits(ids)).map((h) => [h.paperId, h]));
  const hits = ids.flatMap((id, i) => {
    const p = info.get(id);
    return p ? [toHit(p, ids.length - i, [], [], [mode])] : [];
  });
  return { hits, mode };
}

/**
 * Until vectors exist: papers sharing the title's longest words (a proxy for the rarest), ANDed,
 * widening from three words to two; up to n + 1 ids, possibly including the paper itself. An OR
 * of eight title words matched most of a 1M corpus and took ~4 s a call; the AND still takes
 * 50–360 ms there, which is why pages read stored lists (similar.ts) and SQLite runs this in a
 * worker thread (similar-worker.ts).
 */
export async function titleNeighbours(repo: SearchRepository, paperId: number, n: number): Promise<number[]> {
  const [self] = await repo.hits([paperId]);
  const words = [...new Set(tokenize(self?.title ?? ''))].sort((a, b) => b.length - a.length);
  let ids: number[] = [];
  for (const take of [3, 2]) {
    if (words.length < take) continue;
    const groups = words.slice(0, take).map((w) => [{ text: w, kind: 'word' as const }]);
    ids = (await repo.keyword({ groups, not: [], dates: {}, sort: 'relevance' }, n + 1)).map(
      (h) => h.paperId,
    );
    if (ids.some((id) => id !== paperId)) break;
  }
  return ids;
}
