/**
 * `keyword` bench: ~200 queries drawn from the corpus vocabulary (single words, 2–3 word ANDs,
 * common words, phrases, prefixes) through the search service's keyword path (query parser and
 * plan, then SearchRepository.keyword with its top lists, then the hits' rows), against the same queries
 * straight on node:sqlite FTS5 over the baseline database (rank inside the FTS table, then fetch
 * the 10 rows). Both run in this process, interleaved query by query, so machine noise hits
 * both alike.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { openStore } from '../src/app/open.ts';
import { openPostgresStore } from '../src/app/postgres.store.ts';
import type { SqliteStore } from '../src/app/sqlite.store.ts';
import type { Store } from '../src/app/store.ts';
import { quote } from '../src/db/fts5.ts';
import { rebuildTopLists, topListsStale } from '../src/db/toplists-build.ts';
import { keywordPlan } from '../src/search/plan.ts';
import { parseQuery } from '../src/search/query/parse.ts';
import { type BenchArgs, mb, parseBenchArgs, percentile, ROOT, workDirs } from './common.ts';
import { cumulative, int, mulberry32, pick, pickCumulative } from './corpus/prng.ts';
import { getWorld } from './corpus/world.ts';
import { buildDatabases } from './import.bench.ts';
import { benchPgUrl, benchSchema, schemaUrl } from './pg-bench.ts';
import { type Metric, writeReport } from './report.ts';

const TARGET_P50_MS = 10;
const TARGET_P99_MS = 50;

type Term = { kind: 'word' | 'phrase' | 'prefix'; text: string };
export interface BenchQuery {
  kind: string;
  /** paperboy's user syntax: words AND-ed, "quoted phrases", prefix* */
  q: string;
  terms: Term[];
}

/** Deterministic query mix over the corpus world (same for every corpus size). */
export function keywordQueries(seed = 1): BenchQuery[] {
  const w = getWorld();
  const rng = mulberry32(seed);
  const topicCum = cumulative(w.topics.map((t) => t.weight));
  const topic = () => w.topics[pickCumulative(topicCum, rng())]!;
  const word = (t = topic(), top = 20) => w.vocab[t.words[int(rng, top)]!]!;
  const phrases = w.concepts.flatMap((c) => c.variants).filter((v) => v.includes(' ') || v.includes('-'));
  const domain = w.vocab.slice(60, w.realWords).filter((x) => x.length >= 7);
  const out: BenchQuery[] = [];
  const add = (kind: string, terms: Term[]) => {
    const q = terms
      .map((t) => (t.kind === 'phrase' ? `"${t.text}"` : t.kind === 'prefix' ? `${t.text}*` : t.text))
      .join(' ');
    if (!out.some((x) => x.q === q)) out.push({ kind, q, terms });
  };
  const plan: [string, number, () => Term[]][] = [
    ['word', 80, () => [{ kind: 'word', text: word() }]],
    [
      'and',
      50,
      () => {
        const t = topic();
        const n = rng() < 0.6 ? 2 : 3;
        const ws = new Set<string>();
        while (ws.size < n) ws.add(word(t, 12));
        return [...ws].map((text) => ({ kind: 'word', text }));
      },
    ],
    // Frequent words ("results", "performance") match a large share of the corpus: the worst
    // case for ranking, and people do type them. 5% of the mix, so they shape the p99.
    ['common', 10, () => [{ kind: 'word', text: w.vocab[30 + int(rng, 220)]! }]],
    ['phrase', 20, () => [{ kind: 'phrase', text: pick(rng, phrases).replace(/-/g, ' ').toLowerCase() }]],
    ['prefix', 20, () => [{ kind: 'prefix', text: pick(rng, domain).slice(0, 4 + int(rng, 3)) }]],
    [
      'mixed',
      20,
      () => [
        rng() < 0.5
          ? { kind: 'phrase', text: pick(rng, phrases).replace(/-/g, ' ').toLowerCase() }
          : { kind: 'prefix', text: pick(rng, domain).slice(0, 5) },
        { kind: 'word', text: word() },
      ],
    ],
  ];
  add('prefix', [{ kind: 'prefix', text: 'transf' }]);
  for (const [kind, n, make] of plan) {
    const target = out.length + n;
    for (let tries = 0; out.length < target && tries < n * 20; tries++) add(kind, make());
  }
  return out;
}

/** The same query in FTS5 syntax: every term quoted (no operator surprises), implicit AND. */
export function toFts5(terms: Term[]): string {
  return terms.map((t) => `${quote(t.text)}${t.kind === 'prefix' ? '*' : ''}`).join(' ');
}

function baselineSearch(db: DatabaseSync) {
  const top = db.prepare(
    'SELECT rowid, bm25(papers_fts, 10.0, 1.0, 3.0) AS s FROM papers_fts WHERE papers_fts MATCH ? ORDER BY s LIMIT 10',
  );
  const row = db.prepare('SELECT arxiv_id, title FROM papers WHERE id = ?');
  return (match: string) =>
    (top.all(match) as { rowid: number; s: number }[]).map((r) => {
      const p = row.get(r.rowid) as { arxiv_id: string; title: string };
      return { arxivId: p.arxiv_id, title: p.title, score: -r.s };
    });
}

export async function run(argv: string[]): Promise<Metric[]> {
  const args: BenchArgs = parseBenchArgs(argv, { count: 1_000_000 });
  const passes = Number(args.values.passes ?? 3);
  const dirs = workDirs(args.count, args.seed);
  if (!existsSync(path.join(dirs.root, 'ready.json'))) {
    process.stderr.write(
      `no databases for count=${args.count} seed=${args.seed}; building them (import bench) …\n`,
    );
    await buildDatabases(args);
  }
  const queries = keywordQueries();
  const store = await openStore({ dataDir: dirs.paperboyData });
  // paperboy's keyword ranking uses the top lists `paperboy serve`/`reindex` build after an import
  // (src/db/toplists.ts); build them here the same way and report what it cost.
  const sqlite = store as SqliteStore;
  const tl = topListsStale(sqlite.db)
    ? rebuildTopLists(sqlite.db, {
        onProgress: (d, t) => process.stderr.write(`\rtop lists ${d}/${t}`),
      })
    : null;
  if (tl) process.stderr.write(`\ntop lists: ${tl.phrases} phrases in ${tl.seconds.toFixed(1)} s\n`);
  const db = new DatabaseSync(dirs.baselineDb, { readOnly: true });
  const base = baselineSearch(db);
  const searcher = (s: Store) => async (q: string) => {
    const repo = s.search;
    const ranked = await repo.keyword(keywordPlan(parseQuery(q)), 10);
    const rows = new Map((await repo.hits(ranked.map((r) => r.paperId))).map((h) => [h.paperId, h]));
    return ranked.flatMap((r) => {
      const h = rows.get(r.paperId);
      return h ? [{ arxivId: h.arxivId, title: h.title, score: r.score }] : [];
    });
  };
  const pb = searcher(store);
  // PostgreSQL (DATABASE_URL): the schema the import bench filled, its top lists built as
  // `serve` does after an import (maintainKeywordIndex).
  const pgUrl = benchPgUrl();
  const pgStore = pgUrl
    ? await openPostgresStore(schemaUrl(pgUrl, benchSchema(args.count, args.seed)))
    : null;
  if (pgStore && (await pgStore.papers.count()) === 0)
    throw new Error(
      `PostgreSQL schema ${benchSchema(args.count, args.seed)} is empty: run the import bench with DATABASE_URL first`,
    );
  let pgLists = 0;
  if (pgStore) {
    const t0 = performance.now();
    const built = await pgStore.maintainKeywordIndex();
    pgLists = built ? (performance.now() - t0) / 1000 : 0;
    if (built) process.stderr.write(`PostgreSQL ${built}\n`);
  }
  const pgs = pgStore ? searcher(pgStore) : null;
  const fts = queries.map((q) => toFts5(q.terms));

  try {
    // Warm-up: page cache, statement caches, JIT — for both.
    for (let i = 0; i < queries.length; i++) {
      await pb(queries[i]!.q);
      if (pgs) await pgs(queries[i]!.q);
      base(fts[i]!);
    }
    const tg: number[] = [];
    let overlapG = 0;
    let agreeG = 0;
    let zeroG = 0;
    const tp: number[] = [];
    const tb: number[] = [];
    const byKind = new Map<string, { p: number[]; b: number[] }>();
    let overlap = 0;
    let zeroP = 0;
    let zeroB = 0;
    const worst = queries.map(() => 0);
    const rng = mulberry32(99);
    for (let pass = 0; pass < passes; pass++) {
      const order = queries.map((_, i) => i).sort(() => rng() - 0.5);
      for (const [n, i] of order.entries()) {
        const q = queries[i]!;
        let hp: { arxivId: string }[] = [];
        let hb: { arxivId: string }[] = [];
        let hg: { arxivId: string }[] = [];
        let dp = 0;
        let db0 = 0;
        // Alternate who goes first so neither always gets the warmer cache.
        const sides = n % 2 ? ['p', 'b'] : ['b', 'p'];
        if (pgs) sides.splice(n % 3, 0, 'g');
        for (const side of sides) {
          const t0 = performance.now();
          if (side === 'p') hp = await pb(q.q);
          else if (side === 'g') hg = await pgs!(q.q);
          else hb = base(fts[i]!);
          const dt = performance.now() - t0;
          if (side === 'p') dp = dt;
          else if (side === 'g') tg.push(dt);
          else db0 = dt;
        }
        tp.push(dp);
        worst[i] = Math.max(worst[i]!, dp);
        tb.push(db0);
        const k = byKind.get(q.kind) ?? { p: [], b: [] };
        k.p.push(dp);
        k.b.push(db0);
        byKind.set(q.kind, k);
        if (pass === 0) {
          const ids = new Set(hb.map((h) => h.arxivId));
          overlap += hb.length ? hp.filter((h) => ids.has(h.arxivId)).length / hb.length : hp.length ? 0 : 1;
          if (hp.length === 0) zeroP++;
          if (hb.length === 0) zeroB++;
          if (pgs) {
            const lite = new Set(hp.map((h) => h.arxivId));
            overlapG += hb.length
              ? hg.filter((h) => ids.has(h.arxivId)).length / hb.length
              : hg.length
                ? 0
                : 1;
            agreeG += hp.length
              ? hg.filter((h) => lite.has(h.arxivId)).length / hp.length
              : hg.length
                ? 0
                : 1;
            if (hg.length === 0) zeroG++;
          }
        }
      }
    }
    const p50 = percentile(tp, 50);
    const p99 = percentile(tp, 99);
    const metrics: Metric[] = [
      {
        metric: 'p50 latency',
        unit: 'ms',
        paperboy: p50,
        baseline: percentile(tb, 50),
        target: `≤ ${TARGET_P50_MS} ms`,
        pass: p50 <= TARGET_P50_MS,
      },
      {
        metric: 'p99 latency',
        unit: 'ms',
        paperboy: p99,
        baseline: percentile(tb, 99),
        target: `≤ ${TARGET_P99_MS} ms`,
        pass: p99 <= TARGET_P99_MS,
      },
      { metric: 'mean latency', unit: 'ms', paperboy: mean(tp), baseline: mean(tb), target: '', pass: null },
      {
        metric: 'max latency',
        unit: 'ms',
        paperboy: Math.max(...tp),
        baseline: Math.max(...tb),
        target: '',
        pass: null,
      },
      {
        metric: 'queries with no hits',
        unit: 'count',
        paperboy: zeroP,
        baseline: zeroB,
        target: '',
        pass: null,
      },
      {
        metric: 'top-10 overlap with baseline',
        unit: 'share',
        paperboy: overlap / queries.length,
        baseline: 1,
        target: '',
        pass: null,
      },
      {
        metric: 'top lists build (after import; 0 = already built)',
        unit: 's',
        paperboy: tl?.seconds ?? 0,
        baseline: null,
        target: '',
        pass: null,
      },
    ];
    if (pgs) {
      const g50 = percentile(tg, 50);
      const g99 = percentile(tg, 99);
      metrics.push(
        {
          metric: 'PostgreSQL p50 latency (baseline column = paperboy on SQLite)',
          unit: 'ms',
          paperboy: g50,
          baseline: p50,
          target: `≤ ${TARGET_P50_MS} ms`,
          pass: g50 <= TARGET_P50_MS,
        },
        {
          metric: 'PostgreSQL p99 latency (baseline column = paperboy on SQLite)',
          unit: 'ms',
          paperboy: g99,
          baseline: p99,
          target: `≤ ${TARGET_P99_MS} ms`,
          pass: g99 <= TARGET_P99_MS,
        },
        {
          metric: 'PostgreSQL top-10 agreement with paperboy on SQLite',
          unit: 'share',
          paperboy: agreeG / queries.length,
          baseline: 1,
          target: '≥ 0.9',
          pass: agreeG / queries.length >= 0.9,
        },
        {
          metric: 'PostgreSQL top-10 overlap with baseline FTS5',
          unit: 'share',
          paperboy: overlapG / queries.length,
          baseline: overlap / queries.length,
          target: '',
          pass: null,
        },
        {
          metric: 'PostgreSQL queries with no hits',
          unit: 'count',
          paperboy: zeroG,
          baseline: zeroP,
          target: '',
          pass: null,
        },
        {
          metric: 'PostgreSQL top lists build (0 = already built)',
          unit: 's',
          paperboy: pgLists,
          baseline: tl?.seconds ?? 0,
          target: '',
          pass: null,
        },
      );
    }
    const kinds = Object.fromEntries(
      [...byKind].map(([k, v]) => [
        k,
        {
          n: v.p.length / passes,
          paperboyP50: percentile(v.p, 50),
          paperboyP99: percentile(v.p, 99),
          baselineP50: percentile(v.b, 50),
          baselineP99: percentile(v.b, 99),
        },
      ]),
    );
    const slowest = queries
      .map((q, i) => ({ q: q.q, ms: Math.round(worst[i]! * 100) / 100 }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 10);
    const { markdown, json } = await writeReport({
      name: 'keyword',
      params: {
        count: args.count,
        seed: args.seed,
        queries: queries.length,
        passes,
        rssMB: mb(process.memoryUsage().rss),
      },
      metrics,
      details: { byKind: kinds, slowestPaperboy: slowest, queries: queries.map((q) => q.q) },
    });
    process.stdout.write(`${markdown}\n(report: ${path.relative(ROOT, json)})\n`);
    return metrics;
  } finally {
    db.close();
    await store.close();
    await pgStore?.close();
  }
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
