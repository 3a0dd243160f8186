/**
 * `search` bench at scale (default 1M generated papers, SQLite): paperboy's hybrid and keyword
 * searches through searchPapers, against raw FTS5 (rank inside papers_fts, fetch 10 rows) on the
 * same database; the HNSW index against an exact SIMD scan of the same int8 vectors (latency and
 * recall@10); the process's RSS with the index loaded; and `paperboy reindex` (training +
 * vectorizing) as a child process — run here with --reindex, else the report of the last run.
 * Queries run at concurrency 1, interleaved with their baselines. `--data=<dir>` runs on another
 * copy of the data directory (the bench's searches write: remembered keyword top lists);
 * `--label=<text>` is copied into the report's params (which code, which state of the lists).
 * details.byKind / byPass: the times per query class (keyword.bench.ts kinds, `synonym`) and per pass.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { openStore, sqliteFile } from '../src/app/open.ts';
import { openPostgresStore } from '../src/app/postgres.store.ts';
import type { Store } from '../src/app/store.ts';
import { semanticText } from '../src/search/plan.ts';
import { parseQuery } from '../src/search/query/parse.ts';
import { resetSemantic, semanticFor } from '../src/search/semantic.ts';
import { type SearchTrace, searchPapers } from '../src/search/service.ts';
import {
  type BenchArgs,
  corpusPath,
  ensureCorpus,
  filesSize,
  mb,
  paperboyEnv,
  parseBenchArgs,
  percentile,
  ROOT,
  runChild,
} from './common.ts';
import { type GroundTruth, queriesPathFor } from './corpus/generate.ts';
import { keywordQueries, toFts5 } from './keyword.bench.ts';
import { benchPgUrl, benchSchema, describePg, importedSchema } from './pg-bench.ts';
import { type Metric, writeReport } from './report.ts';
import { searchDataDir } from './search-data.ts';

const TARGET = { hybridP50: 20, hybridP99: 80, keywordP50: 10, annRecall: 0.95, rssMB: 2048, reindexMin: 15 };
/**
 * Past 1M papers, issue 18 item 7's targets for the whole of arXiv (2.7M): serving RSS ≤ 2.5 GB,
 * and `reindex` — training, vectorizing and the index graph — ≤ 20 minutes.
 */
const ARXIV = { rssMB: 2560, reindexMin: 20 };

async function reindexReport(
  data: string,
  run: boolean,
  databaseUrl?: string,
): Promise<Record<string, unknown> | null> {
  const file = path.join(data, 'reindex-report.json');
  if (run || !existsSync(file)) {
    if (!run && existsSync(path.join(data, 'search'))) return null;
    process.stderr.write(
      `paperboy reindex --retrain (child process${databaseUrl ? ', PostgreSQL' : ''}) …\n`,
    );
    const env: NodeJS.ProcessEnv = databaseUrl
      ? paperboyEnv(data, { PAPERBOY_LOG_LEVEL: 'silent' }, databaseUrl)
      : { ...process.env, PAPERBOY_DATA: data, PAPERBOY_LOG_LEVEL: 'silent' };
    if (!databaseUrl) delete env.DATABASE_URL;
    const r = await runChild(
      process.execPath,
      [path.join('src', 'cli', 'main.ts'), 'reindex', '--retrain', '--json'],
      env,
    );
    if (!r.json) throw new Error(`reindex failed (exit ${r.code}):\n${r.stderrTail}`);
    const report = {
      ...r.json,
      wallSeconds: r.wallSeconds,
      polledPeakRssBytes: r.polledPeakRssBytes,
      measuredAt: new Date().toISOString(),
    };
    await writeFile(file, JSON.stringify(report));
    return report;
  }
  return JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
}

/**
 * The five slowest queries of the run in one mode, each run once more with a stage trace (service.ts
 * SearchTrace): where its time went (keyword side: stored top lists or live FTS5; the partial-match
 * fallback; the vector side), how many rows FTS5 matches, and whether every phrase had a list.
 */
async function slowestPlans(
  deps: Parameters<typeof searchPapers>[0],
  queries: { q: string; match: string }[],
  byQuery: Map<string, number>,
  raw: DatabaseSync,
  mode: 'hybrid' | 'keyword',
): Promise<Record<string, unknown>[]> {
  const count = raw.prepare('SELECT count(*) AS n FROM papers_fts WHERE papers_fts MATCH ?');
  const listed = raw.prepare('SELECT count(*) AS n FROM keyword_toplists WHERE phrase = ?');
  const worst = [...byQuery].sort((a, b) => b[1] - a[1]).slice(0, 5);
  const out: Record<string, unknown>[] = [];
  for (const [q, ms] of worst) {
    const trace: SearchTrace = { ms: {} };
    const t0 = performance.now();
    await searchPapers(deps, { q, pageSize: 10, trace, mode });
    const again = performance.now() - t0;
    const match = queries.find((x) => x.q === q)!.match;
    const words = q.toLowerCase().match(/[a-z0-9]+/g) ?? [];
    const lists = words.filter((w) => (listed.get(`"${w}"`) as { n: number }).n > 0);
    out.push({
      q,
      worstMs: round(ms),
      againMs: round(again),
      stagesMs: Object.fromEntries(Object.entries(trace.ms).map(([k, v]) => [k, round(v)])),
      keywordHits: trace.keywordHits,
      relaxedHits: trace.relaxedHits,
      vectorHits: trace.vectorHits,
      expanded: trace.expanded,
      ftsMatches: (count.get(match) as { n: number }).n,
      wordsWithStoredList: `${lists.length}/${words.length}`,
    });
    process.stderr.write(`slow ${mode}: ${JSON.stringify(out.at(-1))}\n`);
  }
  return out;
}

const round = (x: number) => Math.round(x * 10) / 10;

/** p50 / p99 / max per mode and query class, and per mode and pass (the first meets cold caches). */
function byClass(samples: { mode: string; kind: string; pass: number; ms: number }[]) {
  const stats = (xs: number[]) => ({
    n: xs.length,
    p50: round(percentile(xs, 50)),
    p99: round(percentile(xs, 99)),
    max: round(Math.max(...xs)),
  });
  const group = (key: (s: (typeof samples)[number]) => string) => {
    const m = new Map<string, number[]>();
    for (const s of samples) m.set(key(s), [...(m.get(key(s)) ?? []), s.ms]);
    return Object.fromEntries([...m].map(([k, xs]) => [k, stats(xs)]));
  };
  return { byKind: group((s) => `${s.mode} ${s.kind}`), byPass: group((s) => `${s.mode} pass ${s.pass}`) };
}

interface PgSide {
  store: Store;
  deps: Parameters<typeof searchPapers>[0];
  /** How the vector side stands on PostgreSQL, for the report. */
  vectors: string;
  reindexed: Record<string, unknown> | null;
  describe: string;
}

/**
 * The PostgreSQL side (DATABASE_URL): the import bench's schema for this corpus (imported here by
 * the CLI when it is not full), its own data dir beside the SQLite one for the saved index graph.
 * The vector side lives in the database, trained by `paperboy reindex` on PostgreSQL: run here
 * (child) when no model is trained there, or with --reindex (both sides) or --pg-reindex; if it still is not ready, hybrid on
 * PostgreSQL is keyword-only and the report says so.
 */
async function openPg(url: string, args: BenchArgs, sqliteData: string): Promise<PgSide> {
  const schema = benchSchema(args.count, args.seed);
  const data = `${sqliteData}-pg`;
  await mkdir(data, { recursive: true });
  const schemaed = await importedSchema({
    url,
    schema,
    count: args.count,
    file: await ensureCorpus(args.count, args.seed),
    dataDir: data,
  });
  const store = await openPostgresStore(schemaed);
  const built = await store.maintainKeywordIndex();
  if (built) process.stderr.write(`PostgreSQL ${built}\n`);
  const config = { data, embedder: 'builtin' as const };
  let sem = await semanticFor(store, config);
  await sem.open();
  let reindexed: Record<string, unknown> | null = null;
  if (sem.state === 'untrained' || args.values.reindex === true || args.values['pg-reindex'] === true) {
    reindexed = await reindexReport(data, true, schemaed);
    resetSemantic(store);
    sem = await semanticFor(store, config);
    await sem.open();
  }
  // A graph missing from this data dir is built in a worker (semantic.ts); wait for it so the
  // measured queries use the graph, as a serving instance does once it is up.
  await sem.graphBuild;
  const vectors =
    sem.state === 'ready'
      ? `ready (${sem.index?.size ?? 0} vectors, ${sem.index?.approximate ? 'HNSW graph' : 'exact scan'})`
      : `absent (${sem.state}${sem.error ? `: ${sem.error}` : ''}): hybrid on PostgreSQL is keyword-only`;
  return { store, deps: { store, config }, vectors, reindexed, describe: await describePg(url, schema) };
}

export async function run(argv: string[]): Promise<Metric[]> {
  const args: BenchArgs = parseBenchArgs(argv, { count: 1_000_000 });
  const passes = Number(args.values.passes ?? 2);
  const data =
    typeof args.values.data === 'string' ? args.values.data : await searchDataDir(args.count, args.seed);
  const reindexed = await reindexReport(data, args.values.reindex === true);
  const rssBefore = process.memoryUsage().rss;
  const store = await openStore({ dataDir: data });
  const config = { data, embedder: 'builtin' as const };
  const raw = new DatabaseSync(sqliteFile(data), { readOnly: true });
  const top = raw.prepare(
    'SELECT rowid, rank FROM papers_fts WHERE papers_fts MATCH ? ORDER BY rank LIMIT 10',
  );
  const row = raw.prepare('SELECT arxiv_id, title FROM papers WHERE id = ?');
  const fts = (m: string) => (top.all(m) as { rowid: number }[]).map((r) => row.get(r.rowid));
  const pgUrl = benchPgUrl();
  const pg = pgUrl ? await openPg(pgUrl, args, data) : null;
  try {
    const t0 = performance.now();
    const sem = await semanticFor(store, config);
    await sem.open();
    const loadSeconds = (performance.now() - t0) / 1000;
    if (sem.state !== 'ready')
      throw new Error(`semantic index not ready (${sem.state}: ${sem.error ?? 'run reindex'})`);
    const truth = JSON.parse(
      await readFile(queriesPathFor(corpusPath(args.count, args.seed)), 'utf8'),
    ) as GroundTruth;
    const queries = [
      ...keywordQueries().map((q) => ({ q: q.q, kind: q.kind, match: toFts5(q.terms) })),
      ...truth.synonym.map((s) => ({
        q: s.q,
        kind: 'synonym',
        match: toFts5([{ kind: 'phrase', text: s.q.toLowerCase() }]),
      })),
    ];
    const deps = { store, config };
    for (const q of queries.slice(0, 50)) {
      await searchPapers(deps, { q: q.q, pageSize: 10 });
      if (pg) await searchPapers(pg.deps, { q: q.q, pageSize: 10 });
      fts(q.match);
    }
    // PostgreSQL: hybrid and keyword-only times, and top-10 agreement with SQLite (first pass).
    const tPgHybrid: number[] = [];
    const tPgKeyword: number[] = [];
    const agree = { hybrid: 0, keyword: 0, n: 0 };
    const ids = (r: { hits: { arxivId: string }[] }) => r.hits.map((h) => h.arxivId);
    const share = (a: string[], b: string[]) =>
      a.length ? b.filter((x) => a.includes(x)).length / a.length : b.length ? 0 : 1;
    const tHybrid: number[] = [];
    // Each query's slowest time over the passes, per mode.
    const byQuery = { hybrid: new Map<string, number>(), keyword: new Map<string, number>() };
    const tKeyword: number[] = [];
    const tFts: number[] = [];
    const samples: { mode: string; kind: string; pass: number; ms: number }[] = [];
    for (let pass = 0; pass < passes; pass++) {
      for (const [i, q] of queries.entries()) {
        // Sides 3 and 4 (PostgreSQL hybrid, keyword-only) only with DATABASE_URL; each query's
        // sides rotate so none always runs first.
        const sides = pg ? 5 : 3;
        const order = (i + pass) % sides;
        const got: string[][] = [];
        for (let k = 0; k < sides; k++) {
          const side = (order + k) % sides;
          const s = performance.now();
          if (side === 0) got[0] = ids(await searchPapers(deps, { q: q.q, pageSize: 10 }));
          else if (side === 1)
            got[1] = ids(await searchPapers(deps, { q: q.q, pageSize: 10, mode: 'keyword' }));
          else if (side === 2) fts(q.match);
          else if (side === 3) got[3] = ids(await searchPapers(pg!.deps, { q: q.q, pageSize: 10 }));
          else got[4] = ids(await searchPapers(pg!.deps, { q: q.q, pageSize: 10, mode: 'keyword' }));
          const dt = performance.now() - s;
          [tHybrid, tKeyword, tFts, tPgHybrid, tPgKeyword][side]!.push(dt);
          const mode = ['hybrid', 'keyword', 'fts5', 'pg-hybrid', 'pg-keyword'][side]!;
          samples.push({ mode, kind: q.kind, pass: pass + 1, ms: dt });
          const m = side === 0 ? byQuery.hybrid : side === 1 ? byQuery.keyword : null;
          m?.set(q.q, Math.max(m.get(q.q) ?? 0, dt));
        }
        if (pg && pass === 0) {
          agree.hybrid += share(got[0]!, got[3]!);
          agree.keyword += share(got[1]!, got[4]!);
          agree.n++;
        }
      }
    }
    // ANN against exact on the same vectors, for the vectors the service would search with: the
    // query's semantic text, embedded; queries whose words the model does not know ("transf*")
    // embed to zero and never reach the index, so they are not counted.
    const index = sem.index!;
    const embedder = sem.embedder!;
    let overlap = 0;
    let annQueries = 0;
    const tAnn: number[] = [];
    const tExact: number[] = [];
    for (const q of queries) {
      const text = semanticText(parseQuery(q.q));
      if (!text) continue;
      const v = embedder.embedQuery
        ? (await embedder.embedQuery(text)).vector
        : (await embedder.embed([text]))[0]!;
      if (!v.some((x) => x !== 0)) continue;
      annQueries++;
      let s = performance.now();
      const ann = index.search(v, 10);
      tAnn.push(performance.now() - s);
      s = performance.now();
      const exact = index.exact(v, 10);
      tExact.push(performance.now() - s);
      const ids = new Set(exact.map((h) => h.paperId));
      overlap += ann.filter((h) => ids.has(h.paperId)).length / Math.max(1, exact.length);
    }
    const recall = overlap / Math.max(1, annQueries);
    const slowestHybrid = await slowestPlans(deps, queries, byQuery.hybrid, raw, 'hybrid');
    const slowestKeyword = await slowestPlans(deps, queries, byQuery.keyword, raw, 'keyword');
    const rss = process.memoryUsage().rss;
    const peak = process.resourceUsage().maxRSS * 1024;
    const trainPlusEmbed = reindexed
      ? (Number(reindexed.trainSeconds) + Number(reindexed.embedSeconds)) / 60
      : null;
    const rssTarget = args.count > 1_000_000 ? ARXIV.rssMB : TARGET.rssMB;
    const withGraph = reindexed ? trainPlusEmbed! + Number(reindexed.indexSeconds) / 60 : null;
    // The child's wall time beyond its three timed phases: opening, the keyword top lists
    // (maintainKeywordIndex after the vectors, src/cli/commands/reindex.ts) and exiting.
    const rest = reindexed && withGraph !== null ? Number(reindexed.wallSeconds) / 60 - withGraph : null;
    const reindexRss = reindexed
      ? Math.max(Number(reindexed.maxRssBytes) || 0, Number(reindexed.polledPeakRssBytes) || 0)
      : null;
    const p = (xs: number[], q: number) => percentile(xs, q);
    const metrics: Metric[] = [
      {
        metric: 'hybrid p50',
        unit: 'ms',
        paperboy: p(tHybrid, 50),
        baseline: p(tFts, 50),
        target: `≤ ${TARGET.hybridP50} ms (baseline: raw FTS5)`,
        pass: p(tHybrid, 50) <= TARGET.hybridP50,
      },
      {
        metric: 'hybrid p99',
        unit: 'ms',
        paperboy: p(tHybrid, 99),
        baseline: p(tFts, 99),
        target: `≤ ${TARGET.hybridP99} ms (baseline: raw FTS5)`,
        pass: p(tHybrid, 99) <= TARGET.hybridP99,
      },
      {
        metric: 'keyword-only p50',
        unit: 'ms',
        paperboy: p(tKeyword, 50),
        baseline: p(tFts, 50),
        target: `≤ ${TARGET.keywordP50} ms (baseline: raw FTS5)`,
        pass: p(tKeyword, 50) <= TARGET.keywordP50,
      },
      {
        metric: 'keyword-only p99',
        unit: 'ms',
        paperboy: p(tKeyword, 99),
        baseline: p(tFts, 99),
        target: '',
        pass: null,
      },
      {
        metric: 'ANN recall@10 vs exact',
        unit: 'share',
        paperboy: recall,
        baseline: 1,
        target: `≥ ${TARGET.annRecall}`,
        pass: recall >= TARGET.annRecall,
      },
      {
        metric: 'vector top-10 p50 (HNSW vs exact scan)',
        unit: 'ms',
        paperboy: p(tAnn, 50),
        baseline: p(tExact, 50),
        target: '',
        pass: null,
      },
      {
        metric: 'vector top-10 p99 (HNSW vs exact scan)',
        unit: 'ms',
        paperboy: p(tAnn, 99),
        baseline: p(tExact, 99),
        target: '',
        pass: null,
      },
      {
        metric: 'serving RSS (index loaded)',
        unit: 'MB',
        paperboy: mb(Math.max(rss, peak)),
        baseline: mb(rssBefore),
        target: `≤ ${rssTarget} MB (baseline: before loading)`,
        pass: Math.max(rss, peak) <= rssTarget * 2 ** 20,
      },
      {
        metric: 'reindex: training + vectorizing',
        unit: 'min',
        paperboy: trainPlusEmbed,
        baseline: null,
        target: `≤ ${TARGET.reindexMin} min`,
        pass: trainPlusEmbed === null ? null : trainPlusEmbed <= TARGET.reindexMin,
      },
      {
        metric: 'reindex: training + vectorizing + index graph',
        unit: 'min',
        paperboy: withGraph,
        baseline: null,
        target: `≤ ${ARXIV.reindexMin} min (issue 18 item 7)`,
        pass: withGraph === null ? null : withGraph <= ARXIV.reindexMin,
      },
      {
        metric: 'reindex: rest of the wall time (keyword top lists, open, exit)',
        unit: 'min',
        paperboy: rest,
        baseline: null,
        target: '',
        pass: null,
      },
      {
        metric: 'database after reindex (baseline column: the vector files under search/)',
        unit: 'MB',
        paperboy: mb(await filesSize(data, 'paperboy.db')),
        baseline: mb(await filesSize(path.join(data, 'search'), '')),
        ratio: null,
        target: 'information',
        pass: null,
      },
      {
        metric: 'reindex: peak RSS',
        unit: 'MB',
        paperboy: mb(reindexRss),
        baseline: null,
        target: '',
        pass: null,
      },
    ];
    if (pg) {
      const vs = (what: string) => `${what} (baseline column = paperboy on SQLite)`;
      metrics.push(
        {
          metric: vs('PostgreSQL hybrid p50'),
          unit: 'ms',
          paperboy: p(tPgHybrid, 50),
          baseline: p(tHybrid, 50),
          target: `≤ ${TARGET.hybridP50} ms`,
          pass: p(tPgHybrid, 50) <= TARGET.hybridP50,
        },
        {
          metric: vs('PostgreSQL hybrid p99'),
          unit: 'ms',
          paperboy: p(tPgHybrid, 99),
          baseline: p(tHybrid, 99),
          target: `≤ ${TARGET.hybridP99} ms`,
          pass: p(tPgHybrid, 99) <= TARGET.hybridP99,
        },
        {
          metric: vs('PostgreSQL keyword-only p50'),
          unit: 'ms',
          paperboy: p(tPgKeyword, 50),
          baseline: p(tKeyword, 50),
          target: `≤ ${TARGET.keywordP50} ms`,
          pass: p(tPgKeyword, 50) <= TARGET.keywordP50,
        },
        {
          metric: vs('PostgreSQL keyword-only p99'),
          unit: 'ms',
          paperboy: p(tPgKeyword, 99),
          baseline: p(tKeyword, 99),
          target: '',
          pass: null,
        },
        {
          metric: vs('PostgreSQL reindex: training + vectorizing (run here; — = not run)'),
          unit: 'min',
          paperboy: pg.reindexed
            ? (Number(pg.reindexed.trainSeconds) + Number(pg.reindexed.embedSeconds)) / 60
            : null,
          baseline: trainPlusEmbed,
          target: `≤ ${TARGET.reindexMin} min`,
          pass: pg.reindexed
            ? (Number(pg.reindexed.trainSeconds) + Number(pg.reindexed.embedSeconds)) / 60 <=
              TARGET.reindexMin
            : null,
        },
        {
          metric: 'PostgreSQL hybrid top-10 agreement with paperboy on SQLite',
          unit: 'share',
          paperboy: agree.hybrid / Math.max(1, agree.n),
          baseline: 1,
          target: '',
          pass: null,
        },
        {
          metric: 'PostgreSQL keyword-only top-10 agreement with paperboy on SQLite',
          unit: 'share',
          paperboy: agree.keyword / Math.max(1, agree.n),
          baseline: 1,
          target: '',
          pass: null,
        },
      );
    }
    const { markdown, json } = await writeReport({
      name: 'search',
      params: {
        count: args.count,
        seed: args.seed,
        queries: queries.length,
        annQueries,
        passes,
        vectors: index.size,
        graph: index.approximate,
        loadSeconds: Math.round(loadSeconds * 10) / 10,
        ...(typeof args.values.label === 'string' ? { label: args.values.label } : {}),
        ...(pg ? { postgres: pg.describe, postgresVectors: pg.vectors } : {}),
      },
      metrics,
      details: {
        reindex: reindexed,
        slowestHybrid,
        slowestKeyword,
        ...byClass(samples),
        ...(pg ? { postgresReindex: pg.reindexed } : {}),
      },
    });
    process.stdout.write(`${markdown}\n(report: ${path.relative(ROOT, json)})\n`);
    return metrics;
  } finally {
    raw.close();
    await store.close();
    await pg?.store.close();
  }
}
