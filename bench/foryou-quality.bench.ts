/**
 * `foryou-quality` bench (issue 14, "Quality and speed"): For you's ranking against the generated
 * corpus's ground truth (each paper's topic, one of 200: bench/corpus/world.ts).
 *
 * The library is the corpus's newest papers (bench/foryou-corpus.ts; default the 1M corpus's
 * newest 15,000, about 40 days): the 7-day window For you ranks, and the weeks before it, from
 * which readers take their examples. Some window papers carry site upvotes (featured with imported
 * upvotes, skewed), so trending is a real contender. Everything goes through the real code: a
 * fresh SQLite store, users, votes, saves, "less like this" and follows through the repositories
 * and ForYouService (built as src/web/site.ts builds it), pages read with `page()`.
 *
 * Readers (--readers, default 1,000), each with 1–3 topics drawn by topic weight:
 *   - library readers: upvote or save 10–20 papers of their topics from before the window and
 *     mark 5 off-topic ones "less like this"; precision@20 = share of the first 20 items whose
 *     topic is one of the reader's, counted against min(20, on-topic papers in the window) (a
 *     reader whose topics have 8 papers this week can have at most 8 on-topic items); the plain
 *     share over readers with ≥ 20 on-topic papers in the window is reported beside it;
 *   - the same readers with the trending-only baseline (a blank account: the site's trending
 *     order), with keyword follows only (one followed search per topic, its two most frequent
 *     words, no library), and with the semantic index (the built-in embedder trained on this
 *     library by `reindex`) when --no-semantic is not given;
 *   - follow-only readers (200): follow one category and one author of the window, nothing else;
 *     share of the first 20 items in that category or by that author.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { openStore } from '../src/app/open.ts';
import type { Store } from '../src/app/store.ts';
import { ForYouService } from '../src/foryou/service.ts';
import { authorKey } from '../src/papers/authors.ts';
import { reindex } from '../src/search/reindex.ts';
import { semanticFor } from '../src/search/semantic.ts';
import { parseBenchArgs, ROOT } from './common.ts';
import { int, mulberry32, type Rng } from './corpus/prng.ts';
import { getWorld } from './corpus/world.ts';
import { corpusTail, importTail, type TailPaper } from './foryou-corpus.ts';
import { type Metric, writeReport } from './report.ts';

const DAY_MS = 86_400_000;
const WINDOW_DAYS = 7;
const TOP = 20;
const FOLLOW_READERS = 200;
const TARGET_PRECISION = 0.8;
const TARGET_FOLLOW_SHARE = 0.9;
/** Share of window papers featured with imported upvotes, and their most. */
const VOTED_SHARE = 0.15;
const MAX_VOTES = 120;

type Vectors = () => Promise<((id: number) => ArrayLike<number> | null) | null>;

/** ForYouService as src/web/site.ts builds it. */
function serviceFor(store: Store, vectors: Vectors): ForYouService {
  return new ForYouService({
    store,
    positives: [
      { verb: 'saved', ids: (u, n) => store.library.savedPaperIds(u, n) },
      { verb: 'upvoted', ids: (u, n) => store.forYou.upvoted(u, n) },
      { verb: 'picked when starting out', ids: (u, n) => store.forYou.seeds(u, n) },
    ],
    vectors,
    now: () => new Date(),
  });
}

/** k distinct topics, each drawn by its corpus weight, among those with papers in `have`. */
function drawTopics(rng: Rng, k: number, weights: number[], have: Set<number>): number[] {
  const out: number[] = [];
  const total = weights.reduce((a, w, t) => a + (have.has(t) ? w : 0), 0);
  while (out.length < k) {
    let u = rng() * total;
    let t = 0;
    for (; t < weights.length; t++) {
      if (!have.has(t)) continue;
      u -= weights[t]!;
      if (u <= 0) break;
    }
    if (t < weights.length && !out.includes(t)) out.push(t);
  }
  return out;
}

/** `--name N` (bench/common.ts parses only the flags every bench shares). */
function numberFlag(argv: string[], name: string, fallback: number): number {
  const at = argv.indexOf(name);
  if (at < 0) return fallback;
  const n = Number(argv[at + 1]);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name}: expected a positive integer`);
  return n;
}

const pickOf = <T>(rng: Rng, xs: readonly T[]): T => xs[int(rng, xs.length)]!;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

interface Reader {
  topics: number[];
  /** Accounts: with a library, with keyword follows only. */
  library: number;
  keywords: number;
  available: number;
}

interface Score {
  /** On-topic share of the top 20 against min(20, available), per reader with any available. */
  normalized: number[];
  /** Plain on-topic share of the top 20, readers with ≥ 20 available. */
  plain: number[];
}

export async function run(argv: string[]): Promise<Metric[]> {
  const args = parseBenchArgs(argv, { count: 1_000_000 });
  const readersN = numberFlag(argv, '--readers', 1000);
  const tailN = numberFlag(argv, '--tail', 15_000);
  const semantic = !argv.includes('--no-semantic');
  const rng = mulberry32(args.seed ^ 0xf04);
  const world = getWorld();
  const t0 = performance.now();
  const tail = corpusTail(args.count, args.seed, tailN);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'paperboy-foryou-quality-'));
  const store = await openStore({ dataDir: dir });
  const details: Record<string, unknown> = {};
  try {
    await importTail(store.papers, tail);
    const newest = Math.max(...tail.map((t) => t.submittedMs));
    const windowFrom = newest + 1 - WINDOW_DAYS * DAY_MS;
    const inWindow = tail.filter((t) => t.submittedMs >= windowFrom);
    const history = tail.filter((t) => t.submittedMs < windowFrom);
    process.stderr.write(
      `library: ${tail.length} papers of the ${args.count} corpus (${inWindow.length} in the window) in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
    );
    const topicOf = new Map<number, number>();
    const rowId = new Map<string, number>();
    const rows = await store.forYou.windowPapers(
      new Date(tail[0]!.submittedMs).toISOString(),
      new Date(newest + 1).toISOString(),
      tail.length,
    );
    const byArxiv = new Map(tail.map((t) => [t.input.arxivId, t]));
    for (const r of rows) {
      rowId.set(r.arxivId, r.id);
      topicOf.set(r.id, byArxiv.get(r.arxivId)!.topic);
    }
    const windowRows = rows.filter((r) => Date.parse(r.submittedAt) >= windowFrom);

    // Site upvotes on some window papers, skewed (a few very popular), independent of topic.
    const featured = windowRows
      .filter(() => rng() < VOTED_SHARE)
      .map((r) => ({
        arxivId: r.arxivId,
        day: r.submittedAt.slice(0, 10),
        source: 'import' as const,
        submittedBy: 'bench',
        importedUpvotes: 1 + Math.floor(rng() ** 3 * MAX_VOTES),
      }));
    await store.papers.ingestBatch({ papers: [], featured });

    const perTopic = (papers: TailPaper[]) => {
      const m = new Map<number, TailPaper[]>();
      for (const p of papers) {
        const list = m.get(p.topic);
        if (list) list.push(p);
        else m.set(p.topic, [p]);
      }
      return m;
    };
    const historyByTopic = perTopic(history);
    const windowByTopic = perTopic(inWindow);
    const weights = world.topics.map((t) => t.weight);
    const known = new Set(historyByTopic.keys());
    details.library = {
      papers: tail.length,
      window: inWindow.length,
      history: history.length,
      topicsInWindow: windowByTopic.size,
      featuredWithVotes: featured.length,
    };

    const now = new Date().toISOString();
    let serial = 0;
    const account = async () => {
      const u = await store.users.create({
        email: `reader${++serial}@example.org`,
        name: `reader${serial}`,
        passwordHash: 'x',
        now,
      });
      if (!u) throw new Error('could not create a reader');
      return u.id;
    };
    const svc = serviceFor(store, async () => null);
    const readers: Reader[] = [];
    const t1 = performance.now();
    for (let r = 0; r < readersN; r++) {
      const topics = drawTopics(rng, 1 + int(rng, 3), weights, known);
      const mine = topics.flatMap((t) => historyByTopic.get(t)!);
      const others = history.filter((p) => !topics.includes(p.topic));
      const library = await account();
      const n = 10 + int(rng, 11);
      const chosen = new Set<TailPaper>();
      while (chosen.size < Math.min(n, mine.length)) chosen.add(pickOf(rng, mine));
      for (const p of chosen) {
        const id = rowId.get(p.input.arxivId)!;
        if (rng() < 0.5) await store.community.setVote(library, id, true, now);
        else await store.library.addToDefault(library, id, 'Saved', now);
      }
      for (let k = 0; k < 5; k++) await svc.feedback(library, pickOf(rng, others).input.arxivId, 'less');
      const keywords = await account();
      for (const t of topics) {
        const w = world.topics[t]!.words;
        await svc.follow(keywords, 'search', `${world.vocab[w[0]!]} ${world.vocab[w[1]!]}`);
      }
      const available = topics.reduce((a, t) => a + (windowByTopic.get(t)?.length ?? 0), 0);
      readers.push({ topics, library, keywords, available });
    }
    const blank = await account();
    process.stderr.write(
      `${readersN} readers written in ${((performance.now() - t1) / 1000).toFixed(1)} s\n`,
    );

    const score = async (service: ForYouService, accountOf: (r: Reader) => number): Promise<Score> => {
      const s: Score = { normalized: [], plain: [] };
      for (const r of readers) {
        const page = await service.page(accountOf(r));
        const top = page.items.slice(0, TOP);
        const on = top.filter((i) => r.topics.includes(topicOf.get(i.paperId) ?? -1)).length;
        if (r.available > 0) s.normalized.push(on / Math.min(TOP, r.available));
        if (r.available >= TOP) s.plain.push(on / TOP);
      }
      return s;
    };
    const timed = async (label: string, f: () => Promise<Score>) => {
      const t = performance.now();
      const s = await f();
      const ms = (performance.now() - t) / readers.length;
      process.stderr.write(
        `${label}: precision@20 ${mean(s.normalized).toFixed(3)} (plain, ≥ 20 available: ${mean(s.plain).toFixed(3)}) ${ms.toFixed(2)} ms/page\n`,
      );
      details[label] = {
        normalized: mean(s.normalized),
        plain: mean(s.plain),
        readers: s.normalized.length,
        readersWith20: s.plain.length,
        msPerPage: ms,
      };
      return s;
    };
    await svc.page(blank); // builds the window's pool, so ms/page is the ranking alone
    const model = await timed('keyword model', () => score(svc, (r) => r.library));
    const trending = await timed('trending only', () => score(svc, () => blank));
    const follows = await timed('keyword follows only', () => score(svc, (r) => r.keywords));

    let vector: Score | null = null;
    if (semantic) {
      const t = performance.now();
      const config = { data: dir, embedder: 'builtin' as const };
      const rep = await reindex(store, config, { retrain: true });
      const sem = await semanticFor(store, config);
      await sem.open();
      details.reindex = { ...rep, wallSeconds: (performance.now() - t) / 1000, state: sem.state };
      process.stderr.write(`reindex: ${JSON.stringify(details.reindex)}\n`);
      const index = sem.state === 'ready' ? sem.index : null;
      if (index) {
        const vsvc = serviceFor(store, async () => (id: number) => index.vectorOf(id));
        vector = await timed('vector model', () => score(vsvc, (r) => r.library));
      }
    }

    // Follow-only readers: one category and one author seen in the window, no library.
    const shares: number[] = [];
    const byId = new Map(windowRows.map((w) => [w.id, w]));
    for (let r = 0; r < FOLLOW_READERS; r++) {
      const a = pickOf(rng, windowRows);
      const b = pickOf(rng, windowRows);
      const category = a.categories[0]!;
      const author = pickOf(rng, b.authors);
      const id = await account();
      await svc.follow(id, 'category', category);
      await svc.follow(id, 'author', author);
      const key = authorKey(author);
      const fromThose = (p: { categories: string[]; authors: string[] }) =>
        p.categories.includes(category) || p.authors.some((x) => authorKey(x) === key);
      const available = windowRows.filter(fromThose).length;
      const top = (await svc.page(id)).items.slice(0, TOP);
      const hits = top.filter((i) => fromThose(byId.get(i.paperId)!)).length;
      shares.push(hits / Math.max(1, Math.min(TOP, available)));
    }
    details.followOnly = { readers: FOLLOW_READERS, share: mean(shares) };
    process.stderr.write(`follow-only: share from the follows ${mean(shares).toFixed(3)}\n`);

    const metric = (name: string, s: Score | null, pass: boolean | null): Metric[] =>
      s
        ? [
            {
              metric: `precision@20 on-topic, ${name}`,
              unit: 'share',
              paperboy: mean(s.normalized),
              baseline: mean(trending.normalized),
              target: pass === null ? 'information' : `≥ ${TARGET_PRECISION} (baseline: trending only)`,
              pass,
            },
            {
              metric: `plain precision@20, readers with ≥ 20 on-topic in the window, ${name}`,
              unit: 'share',
              paperboy: mean(s.plain),
              baseline: mean(trending.plain),
              target: '',
              pass: null,
            },
          ]
        : [];
    const metrics: Metric[] = [
      ...metric(
        'keyword model (library + less like this)',
        model,
        mean(model.normalized) >= TARGET_PRECISION,
      ),
      ...metric('keyword follows only', follows, null),
      ...metric('vector model (semantic index)', vector, mean(vector?.normalized ?? [0]) >= TARGET_PRECISION),
      {
        metric: 'follow-only readers: share of the top 20 from the followed category or author',
        unit: 'share',
        paperboy: mean(shares),
        baseline: null,
        target: `≥ ${TARGET_FOLLOW_SHARE}`,
        pass: mean(shares) >= TARGET_FOLLOW_SHARE,
      },
    ];
    const report = await writeReport({
      name: 'foryou-quality',
      params: {
        count: args.count,
        seed: args.seed,
        loaded: tail.length,
        window: inWindow.length,
        readers: readersN,
        semantic,
      },
      metrics,
      details,
    });
    process.stdout.write(`${report.markdown}\n(report: ${path.relative(ROOT, report.json)})\n`);
    return metrics;
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}
