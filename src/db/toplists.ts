/**
 * Keyword top lists on SQLite (schema: migrations/sqlite/007_keyword_toplists.sql).
 *
 * FTS5 ranks a query by scoring every matching row (~1 us each): a common word matching 100k+
 * papers costs 100-300 ms at 1M papers however small the LIMIT. A top list stores the best K
 * rows of one phrase (its exact FTS5 bm25 ranking), so:
 *  - a one-phrase query is answered from its list (exact: the list IS the ranking's prefix);
 *  - an AND of phrases combines lists: bm25 is a sum over phrases, so a row in every list has
 *    its exact score, and any other row scores at most the sum of the lists' last scores (or
 *    its known part plus those of the lists it is missing from). When the k-th exact score
 *    reaches that bound the answer is proven exact; otherwise the caller runs FTS5 itself;
 *  - one OR group (a word and its synonyms) is exact when at most one alternative's list is
 *    truncated (rankGroupOrFts).
 * A phrase without a stored list is ranked live: complete (exact membership) when rare, and
 * remembered when frequent. A whole query the lists cannot prove (an AND whose bound fails, an OR
 * group with two truncated alternatives) is ranked by FTS5 once and its ranking remembered as a
 * list of its own, keyed by its MATCH text in parentheses (rankExpression): at 2.7M papers such a
 * query scored 20-90k matches on every ask (tens to hundreds of ms). Those lists are few (the
 * newest MAX_EXPRESSIONS are kept), a rebuild drops them rather than re-ranking each, and one is
 * used only while no paper was added or edited since it was ranked (#remembered); else FTS5 ranks
 * the query again, once per harvest.
 * Rows newer than a list (rowid > upto) are ranked live and merged (their bm25 statistics have
 * moved slightly since the build: scores agree to a fraction of a percent), from the same side
 * table as edited rows when it holds them all (toplists-dirty.ts), else by FTS5. Edited and deleted
 * papers are recorded by triggers (migrations/sqlite/021, "dirty" rows): every list drops them and
 * they are scored from their current text (toplists-dirty.ts) and merged like new rows, so a list
 * never answers with a stale score and an edit costs what it touches. A list is proven over the
 * rows it still holds: a clean row missing from it scores at most its last score (or lacks the
 * phrase, when complete), as before. Past maxDirtyRows the lists step aside until
 * maintainKeywordIndex rebuilds them (toplists-build.ts topListsStale).
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { BM25_WEIGHTS } from './fts5.ts';
import { sqliteTransaction } from './statements.ts';
import { DirtyRows, IdSet, NO_IDS } from './toplists-dirty.ts';

export { IdSet, NO_IDS };

/** Rows kept per list at least: answers any page up to K. */
export const TOPLIST_K = 4096;
/**
 * Frequent phrases keep 1/DEPTH_DIVISOR of their matches when that is more: AND queries of two
 * frequent words are proven exact only when each list reaches below the other's best rows (at
 * 1M papers, 13 of 51 such benchmark queries with 4,096 rows, 34 with df/8; docs/ARCHITECTURE.md).
 */
const DEPTH_DIVISOR = 8;

/** How many rows a list of a phrase with `df` matches keeps. */
export const listDepth = (df: number) => Math.min(df, Math.max(TOPLIST_K, Math.ceil(df / DEPTH_DIVISOR)));
/** Share of papers added since a list's build up to which the list is still used. */
export const MAX_GROWTH = 0.02;
/**
 * Edited or deleted papers up to which the lists stay in use: 0.5% of the library, at least
 * 2,000. Each query ranks the dirty rows matching it (toplists-dirty.ts; cached per phrase) and
 * their edits move bm25's statistics like new papers do; at 2.7M papers this is 13,500, a month
 * of arXiv's replacements (~400 a day), where a rebuild costs ~10 minutes.
 */
export const maxDirtyRows = (maxId: number) => Math.max(2_000, Math.floor(maxId * 0.005));
/**
 * Remembered query rankings kept (rankExpression), the newest by build time: each holds at most
 * TOPLIST_K rows (48 KB), so at most ~48 MB, however many distinct queries users type.
 */
export const MAX_EXPRESSIONS = 1000;

/**
 * A query's MATCH text as the key of its remembered ranking, in parentheses: never one phrase's
 * key, which starts with `"` or a column name.
 */
export const expressionKey = (match: string) => `(${match})`;

/** FTS5's ranking of a MATCH expression (`where` narrows it), best first, as Ranked rows. */
const rankedSql = (where = '') =>
  `SELECT rowid AS id, -bm25(papers_fts, ${BM25_WEIGHTS}) AS score FROM papers_fts
   WHERE papers_fts MATCH ?${where} ORDER BY bm25(papers_fts, ${BM25_WEIGHTS})`;

/** The highest paper id (rowids are paper ids): what a list built now covers. */
export const maxPaperId = (db: DatabaseSync) =>
  (db.prepare('SELECT coalesce(max(id), 0) AS n FROM papers').get() as { n: number }).n;

export interface Ranked {
  id: number;
  /** bm25 as FTS5 computes it, negated: higher is better. */
  score: number;
}

export interface List {
  ids: Int32Array;
  scores: Float64Array;
  complete: boolean;
  upto: number;
}

/** `l` without the rows in `drop` (dirty rows, ranked apart); null when a truncated list empties. */
export function withoutRows(l: List, drop: IdSet): List | null {
  if (drop.size === 0) return l;
  const ids = new Int32Array(l.ids.length);
  const scores = new Float64Array(l.ids.length);
  let n = 0;
  for (let j = 0; j < l.ids.length; j++)
    if (!drop.has(l.ids[j]!)) {
      ids[n] = l.ids[j]!;
      scores[n++] = l.scores[j]!;
    }
  if (n === l.ids.length) return l;
  // The last kept score still bounds every clean unlisted row (it is >= the old last score).
  if (n === 0 && !l.complete) return null;
  return { ids: ids.subarray(0, n), scores: scores.subarray(0, n), complete: l.complete, upto: l.upto };
}

/** What a query reads first: whether lists may be used and the dirty rows' version. */
interface State {
  /** Lists built at or after this change count are usable. */
  valid: number;
  /** The change count now: what a list ranked now carries. */
  changes: number;
  /** Changes to the dirty set (edits, rebuilds): DirtyRows caches per key. */
  key: string;
  /** No paper changed since the last rebuild began: no dirty rows. */
  clean: boolean;
  maxId: number;
  /** keyword_dirty_fts holds every paper above this id (null: not all of today's). */
  sideFrom: number | null;
}

export class TopLists {
  readonly #db: DatabaseSync;
  readonly #s: Record<
    'state' | 'get' | 'remembered' | 'put' | 'maxId' | 'count' | 'rankPhrase' | 'fresh' | 'evict',
    StatementSync
  >;
  readonly #dirty: DirtyRows;
  /** Queries the lists answered (tests and benches read it: proof that the lists were used). */
  answered = 0;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#dirty = new DirtyRows(db);
    this.#s = {
      state: db.prepare('SELECT changes, valid_changes, built_upto FROM keyword_toplists_state WHERE id = 1'),
      get: db.prepare(
        'SELECT ids, scores, complete, upto FROM keyword_toplists WHERE phrase = ? AND built_changes >= ?',
      ),
      remembered: db.prepare(
        'SELECT ids, scores, complete, upto, built_changes FROM keyword_toplists WHERE phrase = ?',
      ),
      put: db.prepare(`INSERT INTO keyword_toplists (phrase, upto, complete, ids, scores, built_at, built_changes)
        VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (phrase) DO UPDATE SET upto = excluded.upto,
          complete = excluded.complete, ids = excluded.ids, scores = excluded.scores,
          built_at = excluded.built_at, built_changes = excluded.built_changes
        WHERE excluded.built_changes >= keyword_toplists.built_changes`),
      maxId: db.prepare('SELECT coalesce(max(id), 0) AS n FROM papers'),
      count: db.prepare('SELECT count(*) AS n FROM papers_fts WHERE papers_fts MATCH ?'),
      rankPhrase: db.prepare(`${rankedSql()} LIMIT ?`),
      fresh: db.prepare(`${rankedSql(' AND rowid > ?')} LIMIT ?`),
      // Expression keys (expressionKey) are the phrases from '(' up to ')': a primary-key range.
      evict: db.prepare(`DELETE FROM keyword_toplists WHERE phrase IN (SELECT phrase FROM keyword_toplists
        WHERE phrase >= '(' AND phrase < ')' ORDER BY built_at DESC, phrase LIMIT -1 OFFSET ?)`),
    };
  }

  /**
   * The change count a list must carry at least to be used, or null when the lists are off: no
   * rebuild has validated any, or more than maxDirtyRows papers changed since.
   */
  validChanges(): number | null {
    return this.#state()?.valid ?? null;
  }

  #state(): State | null {
    const r = this.#s.state.get() as {
      changes: number;
      valid_changes: number | null;
      built_upto: number | null;
    };
    if (r.valid_changes === null) return null;
    const maxId = (this.#s.maxId.get() as { n: number }).n;
    // Equal counts: nothing changed since the last rebuild began, so no row is dirty.
    const clean = r.changes === r.valid_changes;
    if (!clean && this.#dirty.count() > maxDirtyRows(maxId)) return null;
    // migrations/sqlite/021: keyword_dirty_fts holds every paper above built_upto, up to 4% more.
    const covers = r.built_upto === null ? 0 : r.built_upto + Math.floor(r.built_upto / 25) + 1;
    return {
      valid: r.valid_changes,
      changes: r.changes,
      key: `${r.changes}:${r.valid_changes}:${maxId}`,
      clean,
      maxId,
      sideFrom: r.built_upto !== null && maxId <= covers ? r.built_upto : null,
    };
  }

  #dirtyIds(st: State): IdSet {
    return st.clean ? NO_IDS : this.#dirty.ids(st.key);
  }

  /**
   * A stored list, without its dirty rows unless `keepDirty` (single() skips them itself);
   * undefined when missing or emptied (see withoutRows).
   */
  #list(phrase: string, st: State, dirty: IdSet, keepDirty = false): List | undefined {
    const r = this.#s.get.get(phrase, st.valid) as
      | { ids: Uint8Array; scores: Uint8Array; complete: number; upto: number }
      | undefined;
    if (!r) return undefined;
    const l = {
      ids: view(r.ids, Int32Array),
      scores: view(r.scores, Float64Array),
      complete: r.complete === 1,
      upto: r.upto,
    };
    return keepDirty ? l : (withoutRows(l, dirty) ?? undefined);
  }

  /**
   * Top `k` rows for the AND of `phrases` (FTS5 MATCH fragments) from stored lists, or null when
   * they cannot answer exactly: a phrase has no list, the lists are invalidated, k exceeds a
   * list, or the combination's bound is not met. The caller then asks FTS5.
   */
  rank(phrases: string[], k: number): Ranked[] | null {
    return this.#answer(phrases, k, false);
  }

  /**
   * `atLeast`: a caller that can use fewer than `k` rows (the hybrid search's keyword side asks for
   * 100 to fuse, and 11 fill a page) takes the proven prefix of the ranking when it has that many,
   * instead of FTS5 scoring every match: at 1M papers an AND of two frequent words is proven to
   * 101 rows from the lists in 19 of 50 bench queries, and to 11 in 40 (docs/ARCHITECTURE.md).
   */
  #answer(phrases: string[], k: number, live: boolean, atLeast = k): Ranked[] | null {
    if (phrases.length === 0 || phrases.length > 8 || k > TOPLIST_K) return null;
    const st = this.#state();
    if (st === null) return null;
    const dirty = this.#dirtyIds(st);
    const lists: List[] = [];
    for (const p of phrases) {
      const one = phrases.length === 1;
      const l =
        this.#list(p, st, dirty, one) ?? (live ? this.#liveList(p, st, one ? NO_IDS : dirty) : undefined);
      if (!l) return null;
      lists.push(l);
    }
    const answer = lists.length === 1 ? single(lists[0]!, k, dirty) : combineAnswer(lists, k, atLeast);
    if (answer === null) return null;
    const top = Array.isArray(answer) ? answer : answer.rows;
    const upto = Math.min(...lists.map((l) => l.upto));
    // Listed rows keep the scores of their build; papers added since shift bm25's statistics
    // (document count, average length, idf) a little. Past MAX_GROWTH the drift could reorder
    // close scores, so FTS5 answers until the next rebuild (run after each ingest).
    if (st.maxId - upto > upto * MAX_GROWTH) return null;
    const side = st.sideFrom !== null && upto >= st.sideFrom;
    const fresh = st.maxId > upto && !side ? this.#freshRows(phrases, upto, k) : [];
    const now =
      dirty.size || (side && st.maxId > upto)
        ? this.#dirty.rank(st.key, phrases, upto, true, st.maxId, k, side)
        : [];
    this.answered++;
    if (fresh.length === 0 && now.length === 0) return top;
    const merged = mergeFresh(top, [...fresh, ...now], k);
    // A proven prefix stays proven down to its last row's score: live rows (scored exactly)
    // above it belong in it, those below might be outranked by unlisted rows.
    if (Array.isArray(answer) || !answer.prefix || top.length === 0) return merged;
    const floor = top[top.length - 1]!.score;
    return merged.filter((r) => r.score >= floor);
  }

  /**
   * Top `k` rows for one OR group (`a OR b OR c`: bm25 sums the alternatives a row contains),
   * else FTS5 through `direct`. Provable when at most one alternative's list is truncated (a
   * frequent word among rare synonyms, the hybrid search's keyword side): rows holding a rare
   * alternative are all known, so FTS5 ranks just those, exactly, in one small query; every
   * other row holds only the frequent word and is in its list or scores below the list's last.
   */
  rankGroupOrFts(alternatives: string[], k: number, direct: (limit: number) => Ranked[]): Ranked[] {
    if (alternatives.length === 1) return this.rankOrRemember(alternatives, k, direct);
    const key = expressionKey(alternatives.join(' OR '));
    return (
      this.#remembered(key, k) ?? this.#answerGroup(alternatives, k) ?? this.rankExpression(key, k, direct)
    );
  }

  #answerGroup(alts: string[], k: number): Ranked[] | null {
    if (alts.length > 12 || k > TOPLIST_K) return null;
    const st = this.#state();
    if (st === null) return null;
    const dirty = this.#dirtyIds(st);
    const lists: List[] = [];
    for (const p of alts) {
      const l = this.#list(p, st, dirty) ?? this.#liveList(p, st, dirty);
      if (!l) return null;
      lists.push(l);
    }
    const open = lists.filter((l) => !l.complete);
    if (open.length > 1) return null;
    const upto = Math.min(...lists.map((l) => l.upto));
    const maxId = st.maxId;
    if (maxId - upto > upto * MAX_GROWTH) return null;
    const score = new Map<number, number>();
    const add = (id: number, s: number) => score.set(id, (score.get(id) ?? 0) + s);
    const rare = alts.filter((_, i) => lists[i]!.complete);
    if (open.length === 0) {
      for (const l of lists) for (let j = 0; j < l.ids.length; j++) add(l.ids[j]!, l.scores[j]!);
    } else {
      // Rows with a rare alternative, ranked by FTS5 over the whole group: the rare phrases are
      // in the expression twice, so their (known) scores are taken off once. Dirty rows are not
      // in the lists to take off: they are ranked below with the new ones.
      const res = this.#db
        .prepare(rankedSql(' AND rowid <= ?'))
        .all(`(${alts.join(' OR ')}) AND (${rare.join(' OR ')})`, upto) as unknown as Ranked[];
      for (const r of res) if (!dirty.has(r.id)) score.set(r.id, r.score);
      for (const l of lists)
        if (l.complete)
          for (let j = 0; j < l.ids.length; j++) if (score.has(l.ids[j]!)) add(l.ids[j]!, -l.scores[j]!);
      const w = open[0]!;
      for (let j = 0; j < w.ids.length; j++) if (!score.has(w.ids[j]!)) score.set(w.ids[j]!, w.scores[j]!);
    }
    const top = [...score]
      .map(([id, s]) => ({ id, score: s }))
      .sort((a, b) => b.score - a.score || a.id - b.id);
    if (open.length === 1) {
      // Unlisted clean rows hold only the frequent word and score at most its list's last.
      const last = open[0]!.scores[open[0]!.scores.length - 1] ?? 0;
      if (top.length < k || top[k - 1]!.score < last) return null;
    }
    const head = top.slice(0, k);
    const side = st.sideFrom !== null && upto >= st.sideFrom;
    const fresh = maxId > upto && !side ? this.#freshRows([`(${alts.join(' OR ')})`], upto, k) : [];
    const now =
      dirty.size || (side && maxId > upto) ? this.#dirty.rank(st.key, alts, upto, false, maxId, k, side) : [];
    this.answered++;
    return mergeFresh(head, [...fresh, ...now], k);
  }

  /**
   * A phrase without a stored list, ranked by FTS5 now: complete when it has few matches (cheap,
   * and exact membership for combining), else remembered so the next query finds it stored. A
   * failed write (read-only handle, busy writer) only loses the shortcut. It ranks current text,
   * so it carries the current change count; its dirty rows are ranked apart like a stored list's.
   */
  #liveList(phrase: string, st: State, dirty: IdSet): List | undefined {
    const upto = st.maxId;
    const { rows, complete } = this.measure(phrase);
    if (rows.length >= TOPLIST_K) {
      try {
        this.put(phrase, rows, upto, st.changes, complete);
      } catch {
        // not remembered; this answer is still exact
      }
    }
    const l = {
      ids: Int32Array.from(rows, (r) => r.id),
      scores: Float64Array.from(rows, (r) => r.score),
      complete,
      upto,
    };
    return withoutRows(l, dirty) ?? undefined;
  }

  /**
   * One phrase ranked by FTS5 to its list depth: its match count (counting, with no scoring,
   * costs a few ms for the most frequent words at 1M), the rows, and whether they are all.
   */
  measure(phrase: string): { df: number; rows: Ranked[]; complete: boolean } {
    const df = (this.#s.count.get(phrase) as { n: number }).n;
    const rows = df === 0 ? [] : (this.#s.rankPhrase.all(phrase, listDepth(df)) as unknown as Ranked[]);
    return { df, rows, complete: rows.length >= df };
  }

  /**
   * Rows added after the lists were built, ranked by FTS5 itself, when keyword_dirty_fts does not
   * hold them all: FTS5 walks and counts the phrase's whole doclist (140 ms for "model" at 2.7M).
   */
  #freshRows(phrases: string[], upto: number, k: number): Ranked[] {
    return this.#s.fresh.all(phrases.join(' AND '), upto, k) as unknown as Ranked[];
  }

  /**
   * The lists' answer, ranking phrases without a stored list live (see #liveList), else FTS5
   * through `direct(limit)`.
   */
  rankOrRemember(phrases: string[], k: number, direct: (limit: number) => Ranked[], atLeast = k): Ranked[] {
    if (phrases.length === 1) return this.#answer(phrases, k, true, atLeast) ?? direct(k);
    const key = expressionKey(phrases.join(' AND '));
    return (
      this.#remembered(key, k) ??
      this.#answer(phrases, k, true, atLeast) ??
      this.rankExpression(key, k, direct)
    );
  }

  /**
   * A query the lists could not prove: `direct` (FTS5 ranking the query's MATCH text, here `key`)
   * ranks its best TOPLIST_K rows once, and they are stored under `key` (expressionKey) so the
   * next ask reads them like any list — exact: the list is FTS5's own ranking of that text, with
   * the same validity (change count) and the same live merge of newer papers. Only the newest
   * MAX_EXPRESSIONS of them are kept. A failed write only loses the shortcut.
   */
  rankExpression(key: string, k: number, direct: (limit: number) => Ranked[]): Ranked[] {
    const st = this.#state();
    if (st === null || k > TOPLIST_K) return direct(k);
    // Read before ranking: a paper added or edited meanwhile makes the stored ranking stale.
    const rows = direct(TOPLIST_K);
    try {
      // One commit for both writes (the worker's connection syncs at each).
      sqliteTransaction(this.#db, () => {
        this.put(key, rows, st.maxId, st.changes, rows.length < TOPLIST_K);
        this.#s.evict.run(MAX_EXPRESSIONS);
      });
    } catch {
      // not remembered; this answer is still exact
    }
    return rows.slice(0, k);
  }

  /**
   * A remembered query ranking (rankExpression), used only while it is exactly what FTS5 would
   * answer: no paper added since (its `upto` is the newest id) and no paper text changed since it
   * was ranked (its change count is the state's). New and edited rows are ranked per phrase
   * (toplists-dirty.ts), while a query's bm25 sums its phrases' with their own statistics, so a
   * stale remembered ranking is ranked again by FTS5 rather than patched: once per harvest.
   */
  #remembered(key: string, k: number): Ranked[] | null {
    const st = this.#state();
    if (st === null || k > TOPLIST_K) return null;
    const r = this.#s.remembered.get(key) as
      | { ids: Uint8Array; scores: Uint8Array; complete: number; upto: number; built_changes: number }
      | undefined;
    if (!r || r.upto !== st.maxId || r.built_changes !== st.changes) return null;
    const l = {
      ids: view(r.ids, Int32Array),
      scores: view(r.scores, Float64Array),
      complete: r.complete === 1,
      upto: r.upto,
    };
    const out = single(l, k);
    if (out) this.answered++;
    return out;
  }

  /**
   * Stores the FTS5 ranking of one phrase (best first) as its list; `complete` when it holds
   * every match. `changes` is the state's change count read before the ranking.
   */
  put(phrase: string, rows: Ranked[], upto: number, changes: number, complete: boolean): void {
    const ids = Int32Array.from(rows, (r) => r.id);
    const scores = Float64Array.from(rows, (r) => r.score);
    this.#s.put.run(
      phrase,
      upto,
      complete ? 1 : 0,
      new Uint8Array(ids.buffer),
      new Uint8Array(scores.buffer),
      new Date().toISOString(),
      changes,
    );
  }
}

/** A typed view of a blob, copied only when SQLite's bytes are not aligned for the type. */
function view<T extends Int32Array | Float64Array>(
  b: Uint8Array,
  Type: { new (buf: ArrayBuffer, off: number, len: number): T; BYTES_PER_ELEMENT: number },
): T {
  const n = b.byteLength / Type.BYTES_PER_ELEMENT;
  if (b.byteOffset % Type.BYTES_PER_ELEMENT === 0) return new Type(b.buffer as ArrayBuffer, b.byteOffset, n);
  return new Type(b.slice().buffer as ArrayBuffer, 0, n);
}

/** The top `k` of one list, without the rows in `drop` (skipped here: the list may be 300k long). */
export function single(l: List, k: number, drop: IdSet = NO_IDS): Ranked[] | null {
  const out: Ranked[] = [];
  for (let i = 0; i < l.ids.length && out.length < k; i++)
    if (!drop.has(l.ids[i]!)) out.push({ id: l.ids[i]!, score: l.scores[i]! });
  return out.length < k && !l.complete ? null : out;
}

/**
 * Threshold combination of AND-ed phrase lists (see the file comment). A complete list also
 * decides membership: a row missing from it does not contain the phrase. When the top `k` cannot
 * be proven, the rows that are (exact scores at or above every other row's bound) are returned if
 * there are at least `atLeast` of them.
 */
export function combine(lists: List[], k: number, atLeast = k): Ranked[] | null {
  return combineAnswer(lists, k, atLeast)?.rows ?? null;
}

/**
 * combine, saying whether the rows are only a proven prefix (`atLeast`): rows below its last
 * score may be missing, so live rows merged into it must not go below that score. Otherwise the
 * rows are the top `k` or every match.
 */
function combineAnswer(lists: List[], k: number, atLeast = k): { rows: Ranked[]; prefix: boolean } | null {
  const n = lists.length;
  const full = (1 << n) - 1;
  const last = lists.map((l) => (l.complete ? 0 : (l.scores[l.scores.length - 1] ?? 0)));
  const completeMask = lists.reduce((m, l, i) => (l.complete ? m | (1 << i) : m), 0);
  // Open-addressing table over the listed rowids (Map costs ~10x more at 30k+ entries).
  const total = lists.reduce((t, l) => t + l.ids.length, 0);
  let cap = 16;
  while (cap < total * 2) cap <<= 1;
  const keys = new Int32Array(cap).fill(-1);
  const sum = new Float64Array(cap);
  const mask = new Uint8Array(cap);
  for (let i = 0; i < n; i++) {
    const { ids, scores } = lists[i]!;
    for (let j = 0; j < ids.length; j++) {
      const id = ids[j]!;
      let h = Math.imul(id, 0x9e3779b1) & (cap - 1);
      while (keys[h] !== -1 && keys[h] !== id) h = (h + 1) & (cap - 1);
      keys[h] = id;
      sum[h]! += scores[j]!;
      mask[h]! |= 1 << i;
    }
  }
  // A row in no list can match only if no list is complete; it scores at most the sum of lasts.
  let bound = completeMask ? Number.NEGATIVE_INFINITY : last.reduce((a, b) => a + b, 0);
  const exact: Ranked[] = [];
  for (let h = 0; h < cap; h++) {
    if (keys[h] === -1) continue;
    const m = mask[h]!;
    if (m === full) {
      exact.push({ id: keys[h]!, score: sum[h]! });
      continue;
    }
    const missing = full & ~m;
    if (missing & completeMask) continue;
    let ub = sum[h]!;
    for (let i = 0; i < n; i++) if (missing & (1 << i)) ub += last[i]!;
    if (ub > bound) bound = ub;
  }
  exact.sort((a, b) => b.score - a.score || a.id - b.id);
  if (exact.length >= k && exact[k - 1]!.score >= bound) return { rows: exact.slice(0, k), prefix: false };
  if (exact.length < k && bound === Number.NEGATIVE_INFINITY) return { rows: exact, prefix: false };
  if (atLeast >= k) return null;
  let proven = 0;
  while (proven < exact.length && proven < k && exact[proven]!.score >= bound) proven++;
  return proven >= atLeast ? { rows: exact.slice(0, proven), prefix: true } : null;
}

/** Fresh rows outrank or interleave with list rows by score; a fresh row replaces its old entry. */
export function mergeFresh(top: Ranked[], fresh: Ranked[], k: number): Ranked[] {
  if (fresh.length === 0) return top;
  const seen = new Set(fresh.map((r) => r.id));
  return [...fresh, ...top.filter((r) => !seen.has(r.id))]
    .sort((a, b) => b.score - a.score || a.id - b.id)
    .slice(0, k);
}
