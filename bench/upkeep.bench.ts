/**
 * `upkeep` bench (issue 18 item 7): a month of daily harvests on top of the whole of arXiv — by
 * default 20 batches of 1,250 new generated papers (25,000) — and after each, the index upkeep a
 * serving instance does after a harvest, timed per batch against the 60 s target:
 *  - keyword top lists: `store.maintainKeywordIndex()`, what the harvest job calls after its
 *    sources (src/ingest/daily-harvest.ts; a rebuild in a worker when the lists are stale);
 *  - vectors: `Semantic.sync()` (src/search/semantic.ts), what a serving process runs every 30 s:
 *    embeds the papers above the highest embedded id and folds the new vectors into the HNSW graph;
 *  - similar lists: `warm()` of src/search/similar-setup.ts (every 10 min in `serve`), which queues
 *    vector lists for recently featured papers lacking one, then waits for the queue to drain.
 * Each batch goes through the real ingest path (`store.papers.ingestBatch`, what the ingest
 * runner commits per page, src/ingest/runner.ts) in pages of PAGE papers; `--featured` of each
 * batch's new papers are featured that day (as the category feeds do), and `--edits` existing
 * papers get a new version with a changed abstract (arXiv's replacements, which a harvest also
 * brings; each becomes a dirty row of the top lists, src/db/toplists-dirty.ts).
 *
 * Data: a copy of the `search` bench's reindexed data dir (/tmp/paperboy-bench-search/<count>-s<seed>,
 * database and search/ files) under /tmp/paperboy-bench-upkeep/<count>-s<seed>/, made fresh each
 * run unless `--continue` (then the batches go on from the copy's state file).
 *
 * Baseline, in the same run: the same batch's papers inserted bare into an FTS5 table (raw
 * node:sqlite, one transaction, external content, bench/baseline-sqlite.ts's schema) in a scratch
 * database that grows batch by batch. It is the least any keyword index must spend on a harvest,
 * and it reads the machine's speed at that moment (this 2-core machine is shared and drifts);
 * the same upkeep on a 1M data dir would double the run, which the 2.7M figures cannot afford.
 *
 *   npx node bench/main.ts upkeep --count 2700000 [--batches 20] [--size 1250] [--featured 100]
 *     [--edits 0] [--continue]
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { parseArgs } from 'node:util';
import { SqliteStore } from '../src/app/sqlite.store.ts';
import { snapshotRecordToPaper } from '../src/ingest/snapshot/record.ts';
import type { PaperInput } from '../src/papers/paper.ts';
import type { FeaturedInput } from '../src/papers/repository.ts';
import { semanticFor } from '../src/search/semantic.ts';
import { createSimilarLists } from '../src/search/similar-setup.ts';
import { APPROX_FROM } from '../src/search/vectors/index.ts';
import { BASELINE_SCHEMA } from './baseline-sqlite.ts';
import { filesSize, mb, parseBenchArgs, percentile, ROOT } from './common.ts';
import { PaperGenerator } from './corpus/papers.ts';
import { mulberry32 } from './corpus/prng.ts';
import { type Metric, writeReport } from './report.ts';

const TARGET_S = 60;
/** Papers per ingestBatch call: a harvested page (arXiv's OAI-PMH pages hold up to a few thousand). */
const PAGE = 500;
/**
 * A day per batch, the last one today: the importer rejects dates in the future (the generated
 * corpus ends 2026-11-20, so a month of batches ending today overlaps its last days a little).
 */
const DAY_MS = 86_400_000;
const dayOf = (batch: number, lastBatch: number) =>
  new Date(Date.now() - (lastBatch - batch) * DAY_MS).toISOString().slice(0, 10);
/** New-style ids of a month the generated corpus never uses (it ends with 2610/2611). */
const ID_PREFIX = '2612';

interface Flags {
  batches: number;
  size: number;
  featured: number;
  edits: number;
  cont: boolean;
}

function flags(argv: string[]): Flags {
  const { values } = parseArgs({
    args: argv,
    strict: false,
    allowPositionals: true,
    options: {
      batches: { type: 'string' },
      size: { type: 'string' },
      featured: { type: 'string' },
      edits: { type: 'string' },
      continue: { type: 'boolean' },
    },
  });
  const int = (name: string, d: number, min: number) => {
    const v = values[name];
    if (v === undefined) return d;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min)
      throw new Error(`--${name} expects an integer ≥ ${min}, got "${String(v)}"`);
    return n;
  };
  const f = {
    batches: int('batches', 20, 1),
    size: int('size', 1_250, 1),
    featured: int('featured', 100, 0),
    edits: int('edits', 0, 0),
    cont: values.continue === true,
  };
  if (f.featured > f.size) throw new Error(`--featured ${f.featured} exceeds --size ${f.size}`);
  return f;
}

interface BatchTiming {
  batch: number;
  day: string;
  ingestSeconds: number;
  keywordSeconds: number;
  keyword: string | null;
  vectorSeconds: number;
  vectorsAdded: number;
  similarSeconds: number;
  similarLists: number;
  upkeepSeconds: number;
  bareFtsSeconds: number;
}

/** The search bench's reindexed data dir, copied (database and vector files) to `dir`. */
async function copyDataDir(source: string, dir: string): Promise<void> {
  if (!existsSync(path.join(source, 'imported.json')) || !existsSync(path.join(source, 'search')))
    throw new Error(
      `no reindexed data dir at ${source}: run \`node bench/main.ts search --count N --reindex\` first`,
    );
  await rm(dir, { recursive: true, force: true });
  await mkdir(path.join(dir, 'search'), { recursive: true });
  process.stderr.write(`copying ${source} → ${dir} …\n`);
  for (const f of await readdir(source))
    if (f.startsWith('paperboy.db')) await copyFile(path.join(source, f), path.join(dir, f));
  for (const f of await readdir(path.join(source, 'search')))
    if (!f.endsWith('.tmp')) await copyFile(path.join(source, 'search', f), path.join(dir, 'search', f));
}

/** Generated papers as new arXiv submissions of `day`, ids ID_PREFIX.<serial>. */
function newPapers(gen: PaperGenerator, serial: number, n: number, day: string): PaperInput[] {
  const out: PaperInput[] = [];
  for (let i = 0; i < n; i++) {
    const rec = gen.next();
    const created = new Date(`${day}T14:00:00Z`).toUTCString();
    const r = snapshotRecordToPaper({
      ...rec,
      id: `${ID_PREFIX}.${String(serial + i + 1).padStart(5, '0')}`,
      versions: [{ version: 'v1', created }],
      update_date: day,
    });
    if (!r.ok) throw new Error(`generated paper rejected: ${r.reason}`);
    out.push(r.paper);
  }
  return out;
}

/** `n` existing papers (random ids) as a new version with one more sentence in the abstract. */
async function replacements(
  store: SqliteStore,
  rng: () => number,
  n: number,
  day: string,
  sentence: string,
): Promise<PaperInput[]> {
  const maxId = (store.db.prepare('SELECT max(id) AS n FROM papers').get() as { n: number }).n;
  const byId = store.db.prepare('SELECT arxiv_id FROM papers WHERE id = ?');
  const out: PaperInput[] = [];
  for (let tries = 0; out.length < n && tries < n * 3; tries++) {
    const row = byId.get(1 + Math.floor(rng() * maxId)) as { arxiv_id: string } | undefined;
    const p = row ? await store.papers.get(row.arxiv_id) : null;
    if (!p || p.arxivId.startsWith(`${ID_PREFIX}.`)) continue;
    const { id: _id, primaryCategory: _c, ingestedAt: _i, demo: _d, withdrawnAt: _w, ...input } = p;
    const at = `${day}T15:00:00.000Z`;
    out.push({
      ...input,
      version: p.version + 1,
      versions: [...p.versions, { version: p.version + 1, createdAt: at }],
      abstract: `${p.abstract} ${sentence}`,
      updatedAt: at,
    });
  }
  return out;
}

export async function run(argv: string[]): Promise<Metric[]> {
  const args = parseBenchArgs(argv, { count: 2_700_000 });
  const f = flags(argv);
  const source = path.join('/tmp', 'paperboy-bench-search', `${args.count}-s${args.seed}`);
  const dir = path.join('/tmp', 'paperboy-bench-upkeep', `${args.count}-s${args.seed}`);
  const stateFile = path.join(dir, 'upkeep-state.json');
  if (!f.cont || !existsSync(stateFile)) {
    await copyDataDir(source, dir);
    await writeFile(stateFile, JSON.stringify({ added: 0, batches: 0 }));
  }
  const state = JSON.parse(await readFile(stateFile, 'utf8')) as { added: number; batches: number };

  const bareFile = path.join(dir, 'bare-fts5.db');
  if (!f.cont) await Promise.all(['', '-wal', '-shm'].map((s) => rm(bareFile + s, { force: true })));
  const bare = new DatabaseSync(bareFile);
  bare.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
  if (!bare.prepare("SELECT 1 FROM sqlite_master WHERE name = 'papers'").get()) bare.exec(BASELINE_SCHEMA);
  const bareInsert = bare.prepare(
    'INSERT OR REPLACE INTO papers (arxiv_id, title, abstract, authors, categories, submitted_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  );
  const bareFts = bare.prepare(
    'INSERT INTO papers_fts (rowid, title, abstract, authors) VALUES (?, ?, ?, ?)',
  );

  const store = new SqliteStore(path.join(dir, 'paperboy.db'));
  const config = { data: dir, embedder: 'builtin' as const };
  const similar = createSimilarLists(store, config, { warm: false });
  const timings: BatchTiming[] = [];
  // The similar lists' worker thread is unref'd (src/search/similar-setup.ts: a serving process
  // has its HTTP server to keep it alive); here nothing else would, and awaiting it would exit.
  const alive = setInterval(() => {}, 60_000);
  try {
    const t0 = performance.now();
    const sem = await semanticFor(store, config);
    await sem.open();
    // A saved graph is expected past APPROX_FROM: without it the index would be built here first.
    if (sem.state !== 'ready' || (sem.index!.size >= APPROX_FROM && !sem.index!.approximate))
      throw new Error(`semantic index not ready with its graph (${sem.state}: ${sem.error ?? ''})`);
    process.stderr.write(
      `opened ${sem.index!.size} vectors (${sem.index!.approximate ? 'HNSW' : 'exact scan'}) in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
    );
    // Texts of new papers: a generator of its own seed, so they are not copies of the corpus's.
    const gen = new PaperGenerator(Math.max(f.size * f.batches + state.added, 50_000), args.seed + 1);
    for (let k = 0; k < state.added; k++) gen.next();
    const rng = mulberry32(args.seed + state.batches);

    const lastBatch = state.batches + f.batches - 1;
    for (let b = 0; b < f.batches; b++) {
      const n = state.batches;
      const day = dayOf(n, lastBatch);
      const papers = newPapers(gen, state.added, f.size, day);
      const edits = f.edits
        ? await replacements(store, rng, f.edits, day, `We add experiments on ${papers[0]!.title}.`)
        : [];
      const featured: FeaturedInput[] = papers.slice(0, f.featured).map((p) => ({
        arxivId: p.arxivId,
        day,
        source: 'rule',
        submittedBy: null,
        importedUpvotes: 0,
      }));
      const all = [...papers, ...edits];

      let s = performance.now();
      for (let i = 0; i < all.length; i += PAGE) {
        const page = all.slice(i, i + PAGE);
        const feat = featured.filter((x) => page.some((p) => p.arxivId === x.arxivId));
        await store.papers.ingestBatch({ papers: page, featured: feat });
      }
      const ingestSeconds = (performance.now() - s) / 1000;

      s = performance.now();
      const keyword = await store.maintainKeywordIndex();
      const keywordSeconds = (performance.now() - s) / 1000;

      const before = sem.index!.size;
      s = performance.now();
      await sem.sync();
      const vectorSeconds = (performance.now() - s) / 1000;
      const vectorsAdded = sem.index!.size - before;

      s = performance.now();
      const similarLists = await similar.warm();
      await similar.lists.idle();
      const similarSeconds = (performance.now() - s) / 1000;

      // Baseline: the same batch's rows into a bare external-content FTS5 table, one transaction.
      s = performance.now();
      bare.exec('BEGIN');
      for (const p of all) {
        const authors = p.authors.map((a) => a.name).join(', ');
        const { lastInsertRowid } = bareInsert.run(
          p.arxivId,
          p.title,
          p.abstract,
          authors,
          p.categories.join(' '),
          p.submittedAt,
          p.updatedAt,
        );
        bareFts.run(lastInsertRowid, p.title, p.abstract, authors);
      }
      bare.exec('COMMIT');
      const bareFtsSeconds = (performance.now() - s) / 1000;

      const t: BatchTiming = {
        batch: n + 1,
        day,
        ingestSeconds,
        keywordSeconds,
        keyword,
        vectorSeconds,
        vectorsAdded,
        similarSeconds,
        similarLists,
        upkeepSeconds: keywordSeconds + vectorSeconds + similarSeconds,
        bareFtsSeconds,
      };
      timings.push(t);
      state.added += f.size;
      state.batches++;
      await writeFile(stateFile, JSON.stringify(state));
      process.stderr.write(
        `batch ${t.batch} (${day}): ingest ${r1(ingestSeconds)} s; upkeep ${r1(t.upkeepSeconds)} s = top lists ${r1(keywordSeconds)}${keyword ? ` (${keyword})` : ''} + vectors ${r1(vectorSeconds)} (+${vectorsAdded}) + similar ${r1(similarSeconds)} (${similarLists} lists); bare FTS5 ${r1(bareFtsSeconds)} s\n`,
      );
    }
  } finally {
    clearInterval(alive);
    await similar.close();
    await store.close();
    bare.close();
  }

  const up = timings.map((t) => t.upkeepSeconds);
  const bareS = timings.map((t) => t.bareFtsSeconds);
  const worst = timings.reduce((a, t) => (t.upkeepSeconds > a.upkeepSeconds ? t : a));
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const part = (
    key: 'keywordSeconds' | 'vectorSeconds' | 'similarSeconds' | 'ingestSeconds',
    what: string,
  ) => ({
    metric: `${what}, worst batch (baseline column: median)`,
    unit: 's',
    paperboy: Math.max(...timings.map((t) => t[key])),
    baseline: percentile(
      timings.map((t) => t[key]),
      50,
    ),
    ratio: null,
    target: '',
    pass: null,
  });
  const metrics: Metric[] = [
    {
      metric: 'index upkeep per harvest, worst batch (baseline: bare FTS5 insert of that batch)',
      unit: 's',
      paperboy: worst.upkeepSeconds,
      baseline: worst.bareFtsSeconds,
      target: `≤ ${TARGET_S} s`,
      pass: worst.upkeepSeconds <= TARGET_S,
    },
    {
      metric: 'index upkeep per harvest, median (baseline: bare FTS5 insert, median)',
      unit: 's',
      paperboy: percentile(up, 50),
      baseline: percentile(bareS, 50),
      target: `≤ ${TARGET_S} s`,
      pass: percentile(up, 50) <= TARGET_S,
    },
    part('keywordSeconds', 'keyword top lists (maintainKeywordIndex)'),
    part('vectorSeconds', 'vectors of new papers (Semantic.sync)'),
    part('similarSeconds', 'similar lists of featured papers (warm)'),
    part('ingestSeconds', 'ingest (ingestBatch, information)'),
    {
      metric: 'papers added (baseline column: replaced, new versions)',
      unit: 'count',
      paperboy: f.size * timings.length,
      baseline: f.edits * timings.length,
      ratio: null,
      target: `${f.batches} batches of ${f.size}`,
      pass: timings.length === f.batches,
    },
    {
      metric: 'vectors added (baseline column: papers added)',
      unit: 'count',
      paperboy: sum(timings.map((t) => t.vectorsAdded)),
      baseline: f.size * timings.length,
      target: 'every new paper',
      pass: sum(timings.map((t) => t.vectorsAdded)) >= f.size * timings.length,
    },
    {
      metric: 'database after the batches (baseline column: the bare FTS5 scratch database)',
      unit: 'MB',
      paperboy: mb(await filesSize(dir, 'paperboy.db')),
      baseline: mb(await filesSize(dir, 'bare-fts5.db')),
      ratio: null,
      target: 'information',
      pass: null,
    },
  ];
  const { markdown, json } = await writeReport({
    name: 'upkeep',
    params: {
      count: args.count,
      seed: args.seed,
      batches: f.batches,
      size: f.size,
      featured: f.featured,
      edits: f.edits,
      continued: f.cont,
      startedAfterBatch: state.batches - timings.length,
      data: dir,
    },
    metrics,
    details: { timings },
  });
  process.stdout.write(`${markdown}\n(report: ${path.relative(ROOT, json)})\n`);
  return metrics;
}

const r1 = (x: number) => (Math.round(x * 10) / 10).toFixed(1);
