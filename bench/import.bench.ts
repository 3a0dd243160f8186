/**
 * `import` bench: paperboy's snapshot import (the real CLI, in a child process) against a raw
 * node:sqlite + FTS5 bulk load of the same file (baseline-sqlite.ts), run back to back in the
 * same run. Leaves both databases under /tmp/paperboy-bench/<count>-s<seed>/ for the keyword bench.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  type BenchArgs,
  ensureCorpus,
  filesSize,
  mb,
  paperboyEnv,
  parseBenchArgs,
  ROOT,
  runChild,
  warmFile,
  workDirs,
} from './common.ts';
import { benchPgUrl, benchSchema, durability, freshSchema, schemaBytes } from './pg-bench.ts';
import { type Metric, writeReport } from './report.ts';

const TARGET_RATE = 8_000;
const TARGET_RATIO = 0.7;
const TARGET_RSS_MB = 1024;
/** PostgreSQL import at least this share of the embedded store's rate (issue 18). */
const TARGET_PG_RATIO = 0.6;

export interface ImportSide {
  papers: number;
  wallSeconds: number;
  papersPerSecond: number;
  dbBytes: number;
  peakRssBytes: number | null;
  raw: Record<string, unknown> | null;
}

export interface ImportResult {
  file: string;
  baseline: ImportSide;
  /** Bare FTS5 insert of the same file: how fast the machine is during this run (reference); null with --skip-bare-fts. */
  bareFts: ImportSide | null;
  paperboy: ImportSide & { rejected: number; exitCode: number | null };
  /** The same import into PostgreSQL (DATABASE_URL), when set. */
  postgres?: ImportSide & { rejected: number; schema: string; settings: Record<string, string> };
}

const num = (x: unknown) => (typeof x === 'number' && Number.isFinite(x) ? x : 0);

/** Builds both databases from scratch and measures; also used by the keyword bench. */
export async function buildDatabases(args: BenchArgs): Promise<ImportResult> {
  const file = await ensureCorpus(args.count, args.seed);
  await warmFile(file);
  const dirs = workDirs(args.count, args.seed);
  await rm(dirs.root, { recursive: true, force: true });
  await mkdir(dirs.paperboyData, { recursive: true });

  process.stderr.write(`baseline: raw node:sqlite bulk insert of ${args.count} papers …\n`);
  const b = await runChild(process.execPath, [
    path.join('bench', 'baseline-sqlite.ts'),
    file,
    dirs.baselineDb,
  ]);
  if (b.code !== 0 || !b.json) throw new Error(`baseline failed (exit ${b.code}):\n${b.stderrTail}`);
  const bPapers = num(b.json.inserted);
  const baseline: ImportSide = {
    papers: bPapers,
    wallSeconds: b.wallSeconds,
    papersPerSecond: bPapers / b.wallSeconds,
    dbBytes: await filesSize(path.dirname(dirs.baselineDb), 'baseline.db'),
    peakRssBytes: num(b.json.maxRssBytes) || b.polledPeakRssBytes,
    raw: b.json,
  };

  // The issue's "bare FTS5 insert" reference, read in the same run: this machine's speed drifts by
  // 15% or more between runs, and the absolute 8,000/s target presumes ~10,000/s here.
  // --skip-bare-fts leaves it out (at 2.7M papers it costs ~7 minutes and ~5 GB of disk; the
  // targets are against the raw baseline above, measured either way).
  const bareFts =
    args.values['skip-bare-fts'] === true ? null : await bareFtsInsert(file, dirs.baselineDb, args.count);

  // process.execPath is the project's Node 24 (we run under it); spawning `npx` would add its
  // own start-up to the measured wall clock.
  process.stderr.write(`paperboy: src/cli/main.ts import (PAPERBOY_DATA=${dirs.paperboyData}) …\n`);
  const p = await runChild(
    process.execPath,
    [path.join('src', 'cli', 'main.ts'), 'import', file, '--json'],
    paperboyEnv(dirs.paperboyData),
  );
  // Exit code 3-ish ("partial") still prints the summary: rejected lines are reported, not fatal.
  if (!p.json || p.json.inserted === undefined) {
    throw new Error(`paperboy import failed (exit ${p.code}), no JSON summary on stdout:\n${p.stderrTail}`);
  }
  const pPapers = num(p.json.inserted) + num(p.json.updated) + num(p.json.unchanged);
  const paperboy = {
    papers: pPapers,
    wallSeconds: p.wallSeconds,
    papersPerSecond: pPapers / p.wallSeconds,
    dbBytes: await filesSize(dirs.paperboyData, 'paperboy.db'),
    peakRssBytes: num(p.json.maxRssBytes) || p.polledPeakRssBytes,
    raw: p.json,
    rejected: num(p.json.rejected),
    exitCode: p.code,
  };
  const postgres = await importPostgres(args, file, dirs.root);
  const result = {
    file: path.relative(ROOT, file),
    baseline,
    bareFts,
    paperboy,
    ...(postgres ? { postgres } : {}),
  };
  await writeFile(
    path.join(dirs.root, 'ready.json'),
    `${JSON.stringify({ ...args, values: undefined, ...result })}\n`,
  );
  return result;
}

/** The bare FTS5 insert of `file` beside the baseline's database (deleted after). */
async function bareFtsInsert(file: string, baselineDb: string, count: number): Promise<ImportSide> {
  process.stderr.write(`reference: bare FTS5 insert of ${count} papers …\n`);
  const bareDb = path.join(path.dirname(baselineDb), 'bare-fts5.db');
  const f = await runChild(process.execPath, [
    path.join('bench', 'baseline-sqlite.ts'),
    file,
    bareDb,
    '--fts-only',
  ]);
  if (f.code !== 0 || !f.json) throw new Error(`bare FTS5 insert failed (exit ${f.code}):\n${f.stderrTail}`);
  const fPapers = num(f.json.inserted);
  const bareFts: ImportSide = {
    papers: fPapers,
    wallSeconds: f.wallSeconds,
    papersPerSecond: fPapers / f.wallSeconds,
    dbBytes: await filesSize(path.dirname(bareDb), 'bare-fts5.db'),
    peakRssBytes: num(f.json.maxRssBytes) || f.polledPeakRssBytes,
    raw: f.json,
  };
  await Promise.all(['', '-wal', '-shm'].map((s) => rm(bareDb + s, { force: true })));
  return bareFts;
}

/** paperboy import of the same file into PostgreSQL (a fresh schema), when DATABASE_URL is set. */
async function importPostgres(
  args: BenchArgs,
  file: string,
  root: string,
): Promise<ImportResult['postgres']> {
  const url = benchPgUrl();
  if (!url) return undefined;
  const schema = benchSchema(args.count, args.seed);
  const schemaed = await freshSchema(url, schema);
  const dataDir = path.join(root, 'paperboy-pg');
  await mkdir(dataDir, { recursive: true });
  process.stderr.write(`paperboy on PostgreSQL: import into schema ${schema} …\n`);
  const p = await runChild(process.execPath, [path.join('src', 'cli', 'main.ts'), 'import', file, '--json'], {
    ...paperboyEnv(dataDir),
    DATABASE_URL: schemaed,
  });
  if (!p.json || p.json.inserted === undefined) {
    throw new Error(`paperboy import into PostgreSQL failed (exit ${p.code}):\n${p.stderrTail}`);
  }
  const papers = num(p.json.inserted) + num(p.json.updated) + num(p.json.unchanged);
  return {
    papers,
    wallSeconds: p.wallSeconds,
    papersPerSecond: papers / p.wallSeconds,
    dbBytes: await schemaBytes(url, schema),
    peakRssBytes: num(p.json.maxRssBytes) || p.polledPeakRssBytes,
    raw: p.json,
    rejected: num(p.json.rejected),
    schema,
    settings: await durability(url),
  };
}

export async function run(argv: string[]): Promise<Metric[]> {
  const args = parseBenchArgs(argv, { count: 1_000_000 });
  const r = await buildDatabases(args);
  const { paperboy: p, baseline: b, bareFts: f } = r;
  const ratio = p.papersPerSecond / b.papersPerSecond;
  const metrics: Metric[] = [
    {
      metric: 'import rate',
      unit: 'papers/s',
      paperboy: p.papersPerSecond,
      baseline: b.papersPerSecond,
      target: `≥ ${TARGET_RATE.toLocaleString('en')}/s and ratio ≥ ${TARGET_RATIO}`,
      pass: p.papersPerSecond >= TARGET_RATE && ratio >= TARGET_RATIO,
    },
    {
      metric: 'vs bare FTS5 insert (machine reference; baseline column = bare FTS5)',
      unit: 'papers/s',
      paperboy: p.papersPerSecond,
      baseline: f?.papersPerSecond ?? null,
      target: f ? '' : 'not run (--skip-bare-fts)',
      pass: null,
    },
    {
      metric: 'wall time',
      unit: 's',
      paperboy: p.wallSeconds,
      baseline: b.wallSeconds,
      target: '',
      pass: null,
    },
    {
      metric: 'DB size',
      unit: 'MB',
      paperboy: mb(p.dbBytes),
      baseline: mb(b.dbBytes),
      target: '',
      pass: null,
    },
    {
      metric: 'peak RSS',
      unit: 'MB',
      paperboy: mb(p.peakRssBytes),
      baseline: mb(b.peakRssBytes),
      target: `< ${TARGET_RSS_MB} MB`,
      pass: p.peakRssBytes === null ? null : p.peakRssBytes < TARGET_RSS_MB * 2 ** 20,
    },
    {
      metric: 'papers stored',
      unit: 'count',
      paperboy: p.papers,
      baseline: b.papers,
      target: `all ${args.count}, 0 rejected`,
      pass: p.papers === args.count && p.rejected === 0,
    },
  ];
  const g = r.postgres;
  if (g) {
    const pgRatio = g.papersPerSecond / p.papersPerSecond;
    metrics.push(
      {
        metric: 'PostgreSQL import rate (baseline column = paperboy on SQLite)',
        unit: 'papers/s',
        paperboy: g.papersPerSecond,
        baseline: p.papersPerSecond,
        target: `ratio ≥ ${TARGET_PG_RATIO} (is ${pgRatio.toFixed(2)})`,
        pass: pgRatio >= TARGET_PG_RATIO,
      },
      {
        metric: 'PostgreSQL size (baseline column = paperboy on SQLite)',
        unit: 'MB',
        paperboy: mb(g.dbBytes),
        baseline: mb(p.dbBytes),
        target: '',
        pass: null,
      },
      {
        metric: 'PostgreSQL papers stored',
        unit: 'count',
        paperboy: g.papers,
        baseline: p.papers,
        target: `all ${args.count}, 0 rejected`,
        pass: g.papers === args.count && g.rejected === 0,
      },
    );
  }
  const { markdown, json } = await writeReport({
    name: 'import',
    params: {
      count: args.count,
      seed: args.seed,
      corpus: r.file,
      ...(g
        ? {
            postgres: `${g.schema} (${Object.entries(g.settings)
              .map(([k, v]) => `${k}=${v}`)
              .join(', ')})`,
          }
        : {}),
    },
    metrics,
    details: { ...r },
  });
  process.stdout.write(`${markdown}\n(report: ${path.relative(ROOT, json)})\n`);
  return metrics;
}
