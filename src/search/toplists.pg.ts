/**
 * Keyword ranking on PostgreSQL exactly as on SQLite (issue 18 item 1): FTS5's bm25 with its
 * column weights, computed over the whole match set, and the same per-phrase top lists
 * (src/db/toplists.ts; schema migrations/postgres/019_keyword_bm25.sql).
 *
 * bm25 per phrase is idf × f·(k1+1) / (f + k1·(1 − b + b·D/avgdl)), summed over the query's
 * phrases, as sqlite's fts5_aux.c computes it: f the phrase's occurrences weighted by column
 * (title 10, authors 3, abstract 1, categories 0), D the row's token count (papers.doc_len),
 * idf = ln((N − df + 0.5) / (df + 0.5)) floored at 1e-6. ts_rank_cd without normalization sums one
 * label weight per occurrence of a word, phrase or prefix (every occurrence is its own cover), so
 * with the weights divided by 10 it gives f / 10; rounding restores the integer f, so rows that
 * tie on SQLite tie here and both sides order them by id.
 *
 * Scoring reads each row's tsvector (~10 µs), so a common word matching half the library cannot
 * be ranked per query; its list can. A list stores one phrase's best rows (ids, scores), its
 * match count and the rows it covers (`upto`); the combination rules are SQLite's (combine,
 * single, mergeFresh in src/db/toplists.ts).
 *
 * Edited and deleted papers (keyword_text_changes, migration 019) are dirty rows, as on SQLite:
 * every list drops them and they are ranked now with the new papers (here simply by SQL, with
 * the lists' statistics, like the new papers), so the lists stay in use until the log holds more
 * than maxDirtyRows entries; then pgTopListsStale asks for a rebuild.
 */
import type pg from 'pg';
import {
  combine,
  IdSet,
  type List,
  listDepth,
  MAX_GROWTH,
  maxDirtyRows,
  mergeFresh,
  NO_IDS,
  type Ranked,
  single,
  TOPLIST_K,
  withoutRows,
} from '../db/toplists.ts';

/** The text search configuration of migrations/postgres/019 (porter stemming, no stop words). */
export const TS_CONFIG = 'paperboy';
/** ts_rank_cd weights, label order {D, C, B, A}: FTS5's 0, 1, 3, 10 (fts5.ts BM25_WEIGHTS) / 10. */
const CD_WEIGHTS = '{0, 0.1, 0.3, 1}';

/** The statistics bm25 needs: documents and their mean length in tokens. */
export interface Bm25Stats {
  docs: number;
  avgdl: number;
}

/** FTS5's idf: frequent phrases (df > N/2) get 1e-6, not a negative weight. */
export function bm25Idf(df: number, docs: number): number {
  const v = Math.log((docs - df + 0.5) / (df + 0.5));
  return v <= 0 ? 1e-6 : v;
}

/** A scored phrase: its tsquery SQL (parameters bound by the caller) and its idf parameter. */
export interface ScoredPhrase {
  tsquery: string;
  idf: string;
}

/**
 * `FROM` items and score expression ranking rows of `papers p` by bm25 over `phrases`: the
 * lateral subquery computes each phrase's weighted frequency once per row.
 */
export function bm25Sql(phrases: ScoredPhrase[], avgdl: string): { from: string; score: string } {
  if (phrases.length === 0) return { from: 'papers p', score: '0::float8' };
  const f = phrases
    .map(
      (ph, i) =>
        `round(10 * ts_rank_cd('${CD_WEIGHTS}'::float4[], p.search, ${ph.tsquery}, 0))::float8 AS f${i}`,
    )
    .join(', ');
  // The operation order of fts5_aux.c's fts5Bm25Function, so scores agree to the last bit.
  const norm = `(1.2::float8 * (1::float8 - 0.75::float8 + 0.75::float8 * p.doc_len / ${avgdl}::float8))`;
  const terms = phrases.map(
    (ph, i) => `${ph.idf}::float8 * ((f.f${i} * (1.2::float8 + 1.0::float8)) / (f.f${i} + ${norm}))`,
  );
  return {
    from: `papers p CROSS JOIN LATERAL (SELECT ${f}) f`,
    score: `(0::float8 + ${terms.join(' + ')})`,
  };
}

/**
 * A phrase ranked live with at least this many matches is remembered as a list. Lower than
 * SQLite's TOPLIST_K: scoring reads each row's tsvector here (~10-20 µs a row, prefixes more),
 * so a prefix with 2,000-4,000 matches took 65-125 ms at 100k papers each time it was asked.
 */
const REMEMBER_MIN = 256;

/** What a keyword query reads first, in one round trip. */
export interface ListsContext {
  /** Lists may be used: a rebuild validated them and at most maxDirtyRows texts changed since. */
  valid: boolean;
  /** Entries in keyword_text_changes (an edited paper may have several). */
  dirty: number;
  /** Changes to that log (new entries, a rebuild clearing it): DirtyIds caches per key. */
  dirtyKey: string;
  /** The statistics the lists were scored with (docs 0 when never built). */
  built: { docs: number; totalLen: number };
  maxId: number;
  /** Ids up to here are all committed (papers.pg.repo.ts id claims): what a list may cover. */
  settled: number;
}

/** A claim older than this is a dead writer's (a 10,000-paper batch commits in seconds). */
export const CLAIM_EXPIRY = "interval '15 minutes'";

const contextSql = `SELECT s.valid, s.docs, s.total_len, (SELECT coalesce(max(id), 0) FROM papers) AS max_id,
    (SELECT count(*) FROM keyword_text_changes) AS dirty,
    (SELECT coalesce(max(id), 0) FROM keyword_text_changes) AS dirty_max,
    (SELECT min(low) FROM paper_id_claims WHERE claimed_at > now() - ${CLAIM_EXPIRY}) AS claim
  FROM keyword_toplists_state s WHERE s.id = 1`;

export async function listsContext(query: Query): Promise<ListsContext> {
  const r = (await query(contextSql, []))[0] as {
    valid: boolean;
    docs: string;
    total_len: string;
    max_id: string;
    dirty: string;
    dirty_max: string;
    claim: string | null;
  };
  const maxId = Number(r.max_id);
  const dirty = Number(r.dirty);
  return {
    valid: r.valid && dirty <= maxDirtyRows(maxId),
    dirty,
    dirtyKey: `${r.dirty_max}:${dirty}`,
    built: { docs: Number(r.docs), totalLen: Number(r.total_len) },
    maxId,
    settled: r.claim === null ? maxId : Math.min(maxId, Number(r.claim)),
  };
}

/** Ranked rows of `papers p` matching every phrase (operands of the `paperboy` config). */
function rankPhrasesSql(
  phrases: string[],
  idfs: number[],
  stats: Bm25Stats,
  limit: number,
  where: (param: (v: unknown) => string) => string,
): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const param = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const qs = phrases.map((p) => `to_tsquery('${TS_CONFIG}'::regconfig, ${param(p)})`);
  const { from, score } = bm25Sql(
    qs.map((tsquery, i) => ({ tsquery, idf: param(idfs[i]) })),
    param(stats.avgdl),
  );
  const sql = `SELECT p.id, ${score} AS score FROM ${from}
    WHERE ${qs.map((q) => `p.search @@ ${q}`).join(' AND ')} AND ${where(param)}
    ORDER BY score DESC, p.id LIMIT ${param(limit)}`;
  return { sql, params };
}

export type Query = (sql: string, params: unknown[]) => Promise<pg.QueryResultRow[]>;

/** Lists for `phrases` as stored (packed arrays), by phrase. */
async function storedLists(query: Query, phrases: string[]): Promise<Map<string, List & { df: number }>> {
  const rows = (await query(
    'SELECT phrase, upto, df, complete, ids, scores FROM keyword_toplists WHERE phrase = ANY($1::text[])',
    [phrases],
  )) as { phrase: string; upto: string; df: number; complete: boolean; ids: Buffer; scores: Buffer }[];
  return new Map(
    rows.map((r) => [
      r.phrase,
      {
        ids: unpack(r.ids, Int32Array),
        scores: unpack(r.scores, Float64Array),
        complete: r.complete,
        upto: Number(r.upto),
        df: r.df,
      },
    ]),
  );
}

function unpack<T extends Int32Array | Float64Array>(
  b: Buffer,
  Type: { new (buf: ArrayBuffer, off: number, len: number): T; BYTES_PER_ELEMENT: number },
): T {
  const copy = new Uint8Array(b.byteLength);
  copy.set(b);
  return new Type(copy.buffer, 0, b.byteLength / Type.BYTES_PER_ELEMENT);
}

const pack = (a: Int32Array | Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

const putSql = `INSERT INTO keyword_toplists (phrase, upto, df, complete, ids, scores, built_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (phrase) DO UPDATE SET upto = excluded.upto, df = excluded.df,
    complete = excluded.complete, ids = excluded.ids, scores = excluded.scores, built_at = excluded.built_at`;

/** One phrase's match count (rows up to `upto`), ranked to its list depth. */
export async function measure(
  query: Query,
  phrase: string,
  stats: Bm25Stats,
  upto: number,
): Promise<List & { df: number }> {
  const [c] = (await query(
    `SELECT count(*) AS n FROM papers p WHERE p.search @@ to_tsquery('${TS_CONFIG}'::regconfig, $1) AND p.id <= $2`,
    [phrase, upto],
  )) as { n: string }[];
  const df = Number(c?.n ?? 0);
  let rows: Ranked[] = [];
  if (df > 0) {
    const r = rankPhrasesSql(
      [phrase],
      [bm25Idf(df, stats.docs)],
      stats,
      listDepth(df),
      (v) => `p.id <= ${v(upto)}`,
    );
    rows = ((await query(r.sql, r.params)) as { id: string; score: number }[]).map((x) => ({
      id: Number(x.id),
      score: x.score,
    }));
  }
  return {
    ids: Int32Array.from(rows, (r) => r.id),
    scores: Float64Array.from(rows, (r) => r.score),
    complete: rows.length >= df,
    upto,
    df,
  };
}

export async function put(query: Query, phrase: string, l: List & { df: number }): Promise<void> {
  await query(putSql, [
    phrase,
    l.upto,
    l.df,
    l.complete,
    pack(l.ids),
    pack(l.scores),
    new Date().toISOString(),
  ]);
}

/**
 * The top `k` rows for the AND of `phrases` from the lists (phrases without one are ranked now
 * and, when frequent, remembered through `remember`, outside the caller's transaction), or null
 * when lists cannot answer exactly (the caller ranks the whole match set itself). `query` runs
 * one statement under the caller's budget.
 */
export async function answerFromLists(
  query: Query,
  phrases: string[],
  k: number,
  ctx: ListsContext,
  remember: Query,
  dirtyIds: DirtyIds = new DirtyIds(),
): Promise<Ranked[] | null> {
  if (!ctx.valid || phrases.length === 0 || phrases.length > 8 || k > TOPLIST_K) return null;
  const stats = builtStats(ctx);
  const dirty = await dirtyIds.get(query, ctx);
  const stored = await storedLists(query, phrases);
  const lists: (List & { df: number })[] = [];
  for (const p of phrases) {
    let l = stored.get(p);
    if (!l) {
      l = await measure(query, p, stats, ctx.settled);
      if (l.ids.length >= REMEMBER_MIN) {
        try {
          await put(remember, p, l);
        } catch {
          // not remembered (a rebuild writing it now); this answer is still exact
        }
      }
    }
    // Dirty rows leave the lists and are ranked below from their current text.
    const clean = withoutRows(l, dirty);
    if (clean === null) return null;
    lists.push({ ...clean, df: l.df });
  }
  const top = lists.length === 1 ? single(lists[0]!, k) : combine(lists, k);
  if (top === null) return null;
  const upto = Math.min(...lists.map((l) => l.upto));
  if (ctx.maxId <= upto && dirty.size === 0) {
    listUse.answered++;
    return top;
  }
  // Rows added since, and dirty rows, are ranked now with the lists' statistics (as SQLite's
  // #freshRows and toplists-dirty.ts).
  if (ctx.maxId - upto > upto * MAX_GROWTH) return null;
  listUse.answered++;
  const ids = dirty.ids.filter((id) => id <= upto);
  const r = rankPhrasesSql(
    phrases,
    lists.map((l) => bm25Idf(l.df, stats.docs)),
    stats,
    k,
    (v) => (ids.length ? `(p.id > ${v(upto)} OR p.id = ANY(${v(ids)}::bigint[]))` : `p.id > ${v(upto)}`),
  );
  const fresh = ((await query(r.sql, r.params)) as { id: string; score: number }[]).map((x) => ({
    id: Number(x.id),
    score: x.score,
  }));
  return mergeFresh(top, fresh, k);
}

/** Answers the lists gave (tests read it: proof that a query took the lists' path). */
export const listUse = { answered: 0 };

/** The papers in keyword_text_changes, read again only when the log changed (per repository). */
export class DirtyIds {
  #cached: { key: string; ids: IdSet } | null = null;

  async get(query: Query, ctx: ListsContext): Promise<IdSet> {
    if (ctx.dirty === 0) return NO_IDS;
    if (this.#cached?.key === ctx.dirtyKey) return this.#cached.ids;
    const rows = (await query('SELECT DISTINCT paper_id FROM keyword_text_changes', [])) as {
      paper_id: string;
    }[];
    const ids = new IdSet(rows.map((r) => Number(r.paper_id)));
    this.#cached = { key: ctx.dirtyKey, ids };
    return ids;
  }
}

function builtStats(ctx: ListsContext): Bm25Stats {
  return { docs: ctx.built.docs, avgdl: ctx.built.docs ? ctx.built.totalLen / ctx.built.docs : 1 };
}

/** bm25 statistics for ranking now: the lists' while they are valid, else counted (cached). */
export class StatsCache {
  #cached: { stats: Bm25Stats; maxId: number; at: number } | null = null;

  async get(query: Query, ctx: ListsContext): Promise<Bm25Stats> {
    if (ctx.valid && ctx.built.docs > 0) return builtStats(ctx);
    const c = this.#cached;
    // Counting reads every row (tens of ms at 100k): again after 10 s, or at once when the
    // library grew by more than 1% (a small library changes a lot with each paper).
    if (
      c &&
      (c.maxId === ctx.maxId ||
        (Date.now() - c.at < 10_000 && Math.abs(ctx.maxId - c.maxId) <= c.maxId * 0.01))
    )
      return c.stats;
    const [r] = (await query('SELECT count(*) AS n, coalesce(sum(doc_len), 0) AS t FROM papers', [])) as {
      n: string;
      t: string;
    }[];
    const docs = Number(r!.n);
    const stats = { docs, avgdl: docs ? Number(r!.t) / docs : 1 };
    this.#cached = { stats, maxId: ctx.maxId, at: Date.now() };
    return stats;
  }
}
