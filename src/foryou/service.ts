/**
 * For you as a service: follows, feedback, start-out picks and controls (validated here), and the
 * ranked list for a reader.
 *
 * Cost per page (the target is an uncached signed-in page in a few ms at 1M papers): the window's
 * papers are read and indexed once per process and window (pool.ts), again after POOL_TTL_MS; per
 * request only the reader's own rows are read (follows, feedback, controls, positive ids: small
 * indexed queries), and the ranked list is kept per reader under a key made of exactly those
 * rows and the pool's build, so any vote, save, follow or feedback, on this process or another
 * sharing the database, changes the key and is ranked on the next page load.
 */
import { InvalidInputError, NotFoundError } from '../errors.ts';
import { parseArxivId } from '../papers/arxiv-id.ts';
import { authorKey } from '../papers/authors.ts';
import { isCategory } from '../papers/category.ts';
import { QueryError } from '../search/query/ast.ts';
import { parseQuery } from '../search/query/parse.ts';
import { nextTurn } from '../shared/sleep.ts';
import { buildPoolInSlices, type Pool, unitVector } from './pool.ts';
import {
  type Example,
  explainRanking,
  poolTermIds,
  type Ranking,
  type RankResult,
  rankForYou,
  reasonText,
  scoreForYou,
} from './rank.ts';
import type { FeedbackKind, Follow, FollowKind, PaperBrief, WindowPaper } from './repository.ts';
import { type Tuning, tuningFromJson, WINDOW_DAYS, type WindowKind } from './settings.ts';
import type { ForYouStore } from './store.ts';
import { paperTerms } from './terms.ts';

/** A window's pool is rebuilt after this long: new papers and vote counts show within a minute. */
const POOL_TTL_MS = 60_000;
/** At most this many papers of a window are ranked (the newest). */
const MAX_CANDIDATES = 20_000;
/** Examples read per source (the newest): enough to say what a reader likes, bounded work. */
const MAX_EXAMPLES = 200;
/** Ranked items kept per reader (five pages). */
export const RANKED = 100;
/**
 * Readers whose ranked list is kept in memory (least recently used dropped): enough for everyone
 * paging or reloading within a pool's life (POOL_TTL_MS; a list of an older pool never answers
 * again and is dropped when its replacement is stored). Each is ~8 KB: 10,000 of them were most
 * of a worker's heap growth in bench/foryou-http.bench.ts, where no reader comes back.
 */
const READER_CACHE = 2_000;
/** Example papers kept in memory (with their terms) across readers. */
const MAX_BRIEFS = 100_000;
/**
 * `warm` reads the papers of this many days (before the window's end) that readers saved or
 * upvoted: a daily-papers site's readers save and vote on what its recent lists showed them.
 */
const WARM_DAYS = 60;
/** At most this many examples are read by `warm`: half the cache, room for older ones. */
const WARM_EXAMPLES = MAX_BRIEFS / 2;
/** Examples made per turn of the event loop while warming (each a split abstract: ~50 µs). */
const WARM_SLICE = 100;
const MAX_FOLLOWS = 500;
const MAX_SEEDS = 200;
const DAY_MS = 86_400_000;
/** For explaining a range that is explained already (nothing is read from it). */
const EMPTY_PROFILE = { positives: [], negatives: [], follows: [], exclude: new Set<number>() };

/**
 * A kind of positive example: upvotes and start-out picks here; the library's saved papers are
 * added by the composition root (app/foryou.ts) as `{ verb: 'saved', ids: … }`.
 */
interface PositiveSource {
  /** Past tense, for the reason: "similar to A, which you <verb>". */
  verb: string;
  /** Paper row ids, newest first. */
  ids(userId: number, limit: number): Promise<number[]>;
}

/** Paper vectors of the semantic index, when it is ready (null: keyword model). */
type VectorSource = () => Promise<((paperId: number) => ArrayLike<number> | null) | null>;

export interface ForYouDeps {
  store: ForYouStore;
  positives: PositiveSource[];
  vectors: VectorSource;
  now: () => Date;
}

/** A page of a reader's For you: `items` are the requested range, explained. */
export interface ForYouPage extends RankResult {
  /** How many papers are ranked in all (at most RANKED): the pager's and the API's total. */
  total: number;
  tuning: Tuning;
  follows: Follow[];
  /** How many positives and negatives the model learned from. */
  examples: { positive: number; negative: number };
  /** The window as [from, to) ISO instants. */
  window: { from: string; to: string };
  /** The reader has never answered or skipped the start-out questions and has nothing yet. */
  askToStart: boolean;
}

/** A reader's For you as the digest gets it (issue 14 item 6; `ForYouService.digestPicks`). */
export interface DigestPicks {
  /** False when there is nothing to learn from: nothing saved, upvoted, picked or followed. */
  personal: boolean;
  /** Best first, each with its reasons in the words /for-you uses (rank.ts `reasonText`). */
  items: { paper: WindowPaper; reasons: string[] }[];
  /** arXiv ids the reader hid or marked "less like this": never in their digest, in any section. */
  excluded: ReadonlySet<string>;
}

/** A digest period's pool, and its papers' row ids by arXiv id (to leave out what was sent). */
interface PeriodPool {
  pool: Pool;
  byArxivId: Map<string, number>;
}

interface PoolEntry {
  at: number;
  build: number;
  pool: Promise<{ pool: Pool; from: string; to: string }>;
  /** A replacement is being built (this one is served meanwhile). */
  rebuilding: boolean;
}

/**
 * An example paper as kept across readers: its terms joined in one string, not the abstract (most
 * of a paper's bytes) nor ~75 strings (each one an object the young generation's collections copy
 * while the cache fills: the slowest pages of bench/foryou-http.bench.ts), and the terms as the
 * current pool's term ids, looked up once per pool.
 */
interface CachedExample {
  arxivId: string;
  title: string;
  terms: string;
  ids: { pool: Pool; ids: Int32Array } | null;
}

const NO_TERMS: readonly string[] = [];

export class ForYouService {
  readonly #deps: ForYouDeps;
  readonly #pools = new Map<WindowKind, PoolEntry>();
  readonly #ranked = new Map<number, { key: string; build: number; ranking: Ranking }>();
  /** Example papers with their terms, shared by every reader (a paper's text does not change here). */
  readonly #briefs = new Map<number, CachedExample>();
  readonly #periodPools = new Map<string, Promise<PeriodPool>>();
  #builds = 0;
  #warmth: 'cold' | 'warming' | 'ready' = 'cold';

  constructor(deps: ForYouDeps) {
    this.#deps = deps;
  }

  // ---- follows -------------------------------------------------------------------------------

  /** Validates and normalizes a follow; returns it as stored (kind, key, label). */
  static normalize(kind: string, value: string): { kind: FollowKind; key: string; label: string } {
    const v = value.replace(/\s+/g, ' ').trim();
    if (kind === 'author') {
      if (!v || v.length > 200) throw new InvalidInputError('author: give a name of 1 to 200 characters');
      const key = authorKey(v);
      if (!key) throw new InvalidInputError(`author: "${v.slice(0, 40)}" has no letters to match`);
      return { kind, key, label: v };
    }
    if (kind === 'category') {
      if (!isCategory(v))
        throw new InvalidInputError(`category: "${v.slice(0, 40)}" is not an arXiv category like cs.LG`);
      return { kind, key: v, label: v };
    }
    if (kind === 'search') {
      if (!v) throw new InvalidInputError('search: the query is empty');
      try {
        parseQuery(v);
      } catch (err) {
        if (err instanceof QueryError)
          throw new InvalidInputError(`search: ${err.message} (at character ${err.position + 1})`);
        throw err;
      }
      return { kind, key: v, label: v };
    }
    throw new InvalidInputError(`kind: must be author, category or search, not "${kind.slice(0, 20)}"`);
  }

  async follow(userId: number, kind: string, value: string): Promise<{ follow: Follow; added: boolean }> {
    const f = ForYouService.normalize(kind, value);
    const repo = this.#deps.store.forYou;
    const existing = await repo.follows(userId);
    const same = existing.find((x) => x.kind === f.kind && x.key === f.key);
    if (same) return { follow: same, added: false };
    if (existing.length >= MAX_FOLLOWS)
      throw new InvalidInputError(
        `You follow ${MAX_FOLLOWS} things already; unfollow some on /following first.`,
      );
    await repo.follow(userId, f, this.#now());
    const made = (await repo.follows(userId)).find((x) => x.kind === f.kind && x.key === f.key);
    if (!made) throw new Error('follow was not stored');
    return { follow: made, added: true };
  }

  async unfollow(userId: number, followId: number): Promise<void> {
    if (!(await this.#deps.store.forYou.unfollow(userId, followId)))
      throw new NotFoundError('You do not follow that (any more).');
  }

  follows(userId: number): Promise<Follow[]> {
    return this.#deps.store.forYou.follows(userId);
  }

  /** The reader's follow of this kind and value, if any (for the Follow/Unfollow buttons). */
  async following(userId: number, kind: FollowKind, value: string): Promise<Follow | null> {
    let key: string;
    try {
      key = ForYouService.normalize(kind, value).key;
    } catch {
      return null;
    }
    return (await this.follows(userId)).find((f) => f.kind === kind && f.key === key) ?? null;
  }

  // ---- feedback, start-out, controls ---------------------------------------------------------

  async feedback(userId: number, arxivId: string, kind: string): Promise<{ arxivId: string; title: string }> {
    if (kind !== 'less' && kind !== 'hide')
      throw new InvalidInputError(`kind: must be less or hide, not "${kind.slice(0, 20)}"`);
    const paper = await this.#deps.store.papers.get(arxivId.replace(/v\d+$/, ''));
    if (!paper) throw new NotFoundError(`Paper ${arxivId.slice(0, 40)} is not in this library.`);
    await this.#deps.store.forYou.setFeedback(userId, paper.id, kind as FeedbackKind, this.#now());
    return { arxivId: paper.arxivId, title: paper.title };
  }

  async clearFeedback(userId: number): Promise<number> {
    return this.#deps.store.forYou.clearFeedback(userId);
  }

  async saveTuning(userId: number, t: Tuning): Promise<void> {
    await this.#deps.store.forYou.saveSettings(userId, JSON.stringify(t), this.#now());
  }

  async tuning(userId: number): Promise<Tuning> {
    return tuningFromJson((await this.#deps.store.forYou.settings(userId)).json);
  }

  /**
   * The start-out answers: categories to follow and arXiv ids (or abs URLs) of papers the reader
   * likes, recorded as start-out picks (positives, never site votes). Each given line is reported.
   */
  async start(
    userId: number,
    input: { categories: string[]; papers: string },
  ): Promise<
    { line: string; outcome: 'added' | 'already there' | 'not found' | 'unreadable' | 'over the limit' }[]
  > {
    for (const c of input.categories) await this.follow(userId, 'category', c);
    const report: Awaited<ReturnType<ForYouService['start']>> = [];
    const ids: number[] = [];
    const lines = input.papers
      .split(/[\s,]+/)
      .map((l) => l.trim())
      .filter(Boolean);
    const known = new Set(await this.#deps.store.forYou.seeds(userId, MAX_SEEDS * 10));
    for (const line of lines) {
      if (ids.length >= MAX_SEEDS) {
        report.push({ line, outcome: 'over the limit' });
        continue;
      }
      const parsed = parseArxivId(
        line.replace(/^https?:\/\/(?:www\.|export\.)?arxiv\.org\/(?:abs|pdf)\//, ''),
      );
      if (!parsed) {
        report.push({ line, outcome: 'unreadable' });
        continue;
      }
      const paper = await this.#deps.store.papers.get(parsed.id);
      if (!paper) report.push({ line, outcome: 'not found' });
      else if (known.has(paper.id) || ids.includes(paper.id)) report.push({ line, outcome: 'already there' });
      else {
        ids.push(paper.id);
        report.push({ line, outcome: 'added' });
      }
    }
    if (ids.length) await this.#deps.store.forYou.addSeeds(userId, ids, this.#now());
    await this.#deps.store.forYou.markOnboarded(userId, this.#now());
    return report;
  }

  async skipStart(userId: number): Promise<void> {
    await this.#deps.store.forYou.markOnboarded(userId, this.#now());
  }

  // ---- the list ------------------------------------------------------------------------------

  /**
   * The reader's ranked list. `override` replaces saved controls for this answer only (the API's
   * query parameters, web/foryou.api.ts); nothing is saved.
   */
  async page(
    userId: number,
    override: Partial<Tuning> = {},
    range: { offset: number; limit: number } = { offset: 0, limit: RANKED },
  ): Promise<ForYouPage> {
    const { follows, feedback, settings, positiveIds } = await this.#readerRows(userId);
    const tuning = { ...tuningFromJson(settings.json), ...override };
    const { pool, from, to, build } = await this.#pool(tuning.window);
    const negativeIds = feedback.filter((f) => f.kind === 'less').map((f) => f.paperId);
    const profile = () => this.#profile(pool, follows, feedback, positiveIds, negativeIds);
    const key = JSON.stringify([build, tuning, follows.map((f) => f.id), feedback, positiveIds]);
    let cached = this.#ranked.get(userId);
    let reader: Awaited<ReturnType<typeof profile>> | null = null;
    if (!cached || cached.key !== key) {
      reader = await profile();
      cached = { key, build, ranking: scoreForYou(pool, reader, tuning, RANKED) };
    }
    this.#ranked.delete(userId); // re-inserted: most recently used last
    this.#ranked.set(userId, cached);
    if (this.#ranked.size > READER_CACHE) this.#ranked.delete(this.#ranked.keys().next().value!);
    // Only the range shown is explained (kept on the cached items): reasons are most of a ranking's
    // cost, and a page shows a fifth of what is ranked.
    const end = range.offset + range.limit;
    const ranking = cached.ranking;
    for (let k = range.offset; k < Math.min(end, ranking.length) && !reader; k++)
      if (!ranking.reasons[k]) reader = await profile();
    const result = explainRanking(pool, reader ?? EMPTY_PROFILE, cached.ranking, range.offset, end);
    const positive = new Set(positiveIds.flat()).size;
    return {
      ...result,
      total: ranking.length,
      tuning,
      follows,
      examples: { positive, negative: negativeIds.length },
      window: { from, to },
      askToStart: settings.onboardedAt === null && positive === 0 && follows.length === 0,
    };
  }

  /** What ranking reads of one reader: follows, feedback, controls and positive ids per source. */
  async #readerRows(userId: number) {
    const repo = this.#deps.store.forYou;
    const [follows, feedback, settings, positiveIds] = await Promise.all([
      repo.follows(userId),
      repo.feedback(userId),
      repo.settings(userId),
      Promise.all(this.#deps.positives.map((s) => s.ids(userId, MAX_EXAMPLES))),
    ]);
    return { follows, feedback, settings, positiveIds };
  }

  async #profile(
    pool: Pool,
    follows: Follow[],
    feedback: { paperId: number; kind: FeedbackKind }[],
    positiveIds: number[][],
    negativeIds: number[],
  ) {
    const all = [...new Set([...positiveIds.flat(), ...negativeIds])];
    let missing = all.filter((id) => !this.#briefs.has(id));
    // Cleared before reading, never in the middle: this reader's cached examples must stay.
    if (this.#briefs.size + missing.length > MAX_BRIEFS) {
      this.#briefs.clear();
      missing = all;
    }
    // Terms are kept with the brief: splitting an abstract into words is per paper, not per page.
    // The abstract is not kept: its terms are all ranking reads, and 100,000 abstracts would be
    // most of the process's heap.
    for (const b of await this.#deps.store.forYou.briefs(missing)) this.#remember(b, pool);
    const vectorOf = await this.#deps.vectors();
    const example = (id: number, verb: string): Example | null => {
      const cached = this.#briefs.get(id);
      if (!cached) return null;
      if (cached.ids?.pool !== pool) cached.ids = { pool, ids: poolTermIds(pool, cached.terms.split(' ')) };
      const v = vectorOf?.(id);
      return {
        id,
        arxivId: cached.arxivId,
        title: cached.title,
        verb,
        terms: NO_TERMS,
        termIds: cached.ids.ids,
        vector: v ? unitVector(v) : null,
      };
    };
    const seen = new Set<number>();
    const positives: Example[] = [];
    positiveIds.forEach((ids, k) => {
      for (const id of ids) {
        if (seen.has(id)) continue;
        seen.add(id);
        const e = example(id, this.#deps.positives[k]!.verb);
        if (e) positives.push(e);
      }
    });
    const negatives = negativeIds.map((id) => example(id, 'marked less like this')).filter((e) => e !== null);
    const exclude = new Set([...seen, ...feedback.map((f) => f.paperId)]);
    return { positives, negatives, follows, exclude };
  }

  /** Keeps an example paper's title and terms (not its abstract), its terms as the pool's ids. */
  #remember(b: PaperBrief, pool: Pool): void {
    const terms = paperTerms(b);
    this.#briefs.set(b.id, {
      arxivId: b.arxivId,
      title: b.title,
      terms: terms.join(' '),
      ids: { pool, ids: poolTermIds(pool, terms) },
    });
  }

  /**
   * Builds the default window's pool, then reads as examples the papers of the last WARM_DAYS that
   * readers saved or upvoted, a day at a time, yielding to requests between slices. `paperboy
   * serve` calls it at start (cli/commands/serve.ts), so the first pages after a start neither
   * build the pool nor read and split most readers' examples: splitting examples was a sixth of
   * an uncached page's CPU while the cache filled (bench/foryou-http.bench.ts). Returns how many
   * examples it read.
   */
  async warm(): Promise<number> {
    this.#warmth = 'warming';
    try {
      const read = await this.#warmExamples();
      this.#warmth = 'ready';
      return read;
    } catch (err) {
      this.#warmth = 'cold';
      throw err;
    }
  }

  /** `warm`'s progress, for /ready: cold (never asked: pages fill the caches as they go), warming, ready. */
  get warmth(): 'cold' | 'warming' | 'ready' {
    return this.#warmth;
  }

  async #warmExamples(): Promise<number> {
    const { pool, to } = await this.#pool(tuningFromJson(null).window);
    const end = Date.parse(to);
    const day = (d: number) => new Date(end - d * DAY_MS).toISOString();
    let read = 0;
    for (let d = 0; d < WARM_DAYS && read < WARM_EXAMPLES; d++) {
      const briefs = await this.#deps.store.forYou.likedBriefs(day(d + 1), day(d), WARM_EXAMPLES - read);
      for (let k = 0; k < briefs.length && this.#briefs.size < MAX_BRIEFS; k++) {
        if (k % WARM_SLICE === WARM_SLICE - 1) await nextTurn();
        if (!this.#briefs.has(briefs[k]!.id)) this.#remember(briefs[k]!, pool);
      }
      read += briefs.length;
      await nextTurn();
    }
    return read;
  }

  /**
   * The window's pool: built once per process and window, rebuilt after POOL_TTL_MS. The first
   * build is awaited; a rebuild runs in slices (pool.ts) while requests keep the previous pool, and
   * replaces it when done, so no request waits for (or is held up by) a whole rebuild.
   */
  async #pool(window: WindowKind): Promise<{ pool: Pool; from: string; to: string; build: number }> {
    const now = this.#deps.now().getTime();
    let entry = this.#pools.get(window);
    if (!entry) {
      entry = this.#startBuild(window, now);
    } else if (now - entry.at > POOL_TTL_MS && !entry.rebuilding) {
      const current = entry;
      current.rebuilding = true;
      const next = this.#startBuild(window, now, current);
      // A failed rebuild keeps the current pool and is tried again by a later request.
      next.pool.catch(() => {
        current.rebuilding = false;
      });
    }
    return { ...(await entry.pool), build: entry.build };
  }

  /** Builds a window's pool; stored when done (at once when nothing is there to serve meanwhile). */
  #startBuild(window: WindowKind, now: number, replacing?: PoolEntry): PoolEntry {
    const entry: PoolEntry = {
      at: now,
      build: ++this.#builds,
      pool: this.#buildPool(window, now),
      rebuilding: false,
    };
    if (!replacing) this.#pools.set(window, entry);
    entry.pool.then(
      () => {
        if (replacing && this.#pools.get(window) === replacing) {
          this.#pools.set(window, entry);
          // Their keys name the replaced build: they can never be used again.
          for (const [userId, c] of this.#ranked)
            if (c.build === replacing.build) this.#ranked.delete(userId);
        }
      },
      () => {
        // A failed first build is retried by the next request, not kept.
        if (this.#pools.get(window) === entry) this.#pools.delete(window);
      },
    );
    return entry;
  }

  async #buildPool(window: WindowKind, now: number) {
    const repo = this.#deps.store.forYou;
    // A library that stopped harvesting still has a window: it ends at its newest paper.
    const newest = await repo.newestSubmitted();
    const end = Math.min(now, newest ? Date.parse(newest) + 1 : now);
    const from = new Date(end - WINDOW_DAYS[window] * DAY_MS).toISOString();
    const to = new Date(end).toISOString();
    const papers = await repo.windowPapers(from, to, MAX_CANDIDATES);
    const vectorOf = await this.#deps.vectors();
    return { pool: await buildPoolInSlices(papers, vectorOf, nextTurn), from, to };
  }

  // ---- the digest's entry point (issue 14 item 6) ----------------------------------------------

  /**
   * The reader's picks among the papers first submitted in the `days` before `end` (epoch ms; the
   * window ends at the newest paper when that is earlier, as the page's does), ranked with their own
   * controls except the window, which the digest's period decides. The period's pool is built once
   * and shared by every subscriber asking for it (a digest run asks for one or two); the list is not
   * kept per reader, as each reader is asked once per digest. `sent` (arXiv ids the reader already
   * got) is left out before ranking, so `limit` can be the digest's size: each ranked item costs
   * its reasons, the larger part of a reader's ranking time (bench/digest.bench.ts --personal).
   */
  async digestPicks(
    userId: number,
    period: { days: number; end: number },
    limit: number,
    sent: ReadonlySet<string> = new Set(),
  ): Promise<DigestPicks> {
    const repo = this.#deps.store.forYou;
    const { follows, feedback, settings, positiveIds } = await this.#readerRows(userId);
    const hidden = feedback.length ? await repo.briefs(feedback.map((f) => f.paperId)) : [];
    const excluded = new Set(hidden.map((b) => b.arxivId));
    const personal = follows.length > 0 || positiveIds.some((ids) => ids.length > 0);
    if (!personal) return { personal, items: [], excluded };
    const { pool, byArxivId } = await this.#periodPool(period.days, period.end);
    const negativeIds = feedback.filter((f) => f.kind === 'less').map((f) => f.paperId);
    const profile = await this.#profile(pool, follows, feedback, positiveIds, negativeIds);
    for (const arxivId of sent) {
      const id = byArxivId.get(arxivId);
      if (id !== undefined) profile.exclude.add(id);
    }
    const ranked = rankForYou(pool, profile, tuningFromJson(settings.json), limit);
    return {
      personal,
      excluded,
      items: ranked.items.map((r) => ({
        paper: pool.papers[pool.position.get(r.paperId)!]!,
        reasons: r.reasons.map(reasonText),
      })),
    };
  }

  /** A digest period's pool; the two newest kept (a run's daily and weekly periods). */
  #periodPool(days: number, end: number): Promise<PeriodPool> {
    const key = `${days}:${end}`;
    let pool = this.#periodPools.get(key);
    if (!pool) {
      pool = (async () => {
        const repo = this.#deps.store.forYou;
        const newest = await repo.newestSubmitted();
        const to = Math.min(end, newest ? Date.parse(newest) + 1 : end);
        const from = new Date(to - days * DAY_MS).toISOString();
        const papers = await repo.windowPapers(from, new Date(to).toISOString(), MAX_CANDIDATES);
        const byArxivId = new Map(papers.map((p) => [p.arxivId, p.id]));
        return { pool: await buildPoolInSlices(papers, await this.#deps.vectors(), nextTurn), byArxivId };
      })();
      this.#periodPools.set(key, pool);
      if (this.#periodPools.size > 2) this.#periodPools.delete(this.#periodPools.keys().next().value!);
      pool.catch(() => this.#periodPools.delete(key)); // a failed build is retried, not kept
    }
    return pool;
  }

  /** Forgets the pools (tests, and after papers were added in this process). */
  refresh(): void {
    this.#pools.clear();
    this.#periodPools.clear();
  }

  #now(): string {
    return this.#deps.now().toISOString();
  }
}
