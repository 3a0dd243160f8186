/** Shared bench plumbing: flags, the cached corpus, work dirs, child processes, statistics. */
import { spawn } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CORPUS_VERSION, queriesPathFor, writeCorpus } from './corpus/generate.ts';

export const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
export const ROOT = path.dirname(BENCH_DIR);

export interface BenchArgs {
  count: number;
  seed: number;
  /** Flags a bench reads itself (e.g. --passes). */
  values: Record<string, string | boolean | undefined>;
}

export function parseBenchArgs(argv: string[], defaults: { count: number }): BenchArgs {
  // Value-taking flags must be declared, or `--count 20000` parses as a boolean and a positional.
  const { values } = parseArgs({
    args: argv,
    strict: false,
    allowPositionals: true,
    options: {
      count: { type: 'string' },
      seed: { type: 'string' },
      passes: { type: 'string' },
      duration: { type: 'string' },
    },
  });
  const num = (v: unknown, d: number) => {
    if (v === undefined) return d;
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`expected a positive integer, got "${String(v)}"`);
    return n;
  };
  return { count: num(values.count, defaults.count), seed: num(values.seed, 42), values };
}

/** The corpus is generated once per (count, seed) and reused; bench/corpus/ is gitignored. */
export function corpusPath(count: number, seed: number): string {
  return path.join(BENCH_DIR, 'corpus', `papers-${count}-s${seed}-v${CORPUS_VERSION}.jsonl`);
}

export async function ensureCorpus(count: number, seed: number): Promise<string> {
  const file = corpusPath(count, seed);
  if (existsSync(file) && existsSync(queriesPathFor(file))) return file;
  process.stderr.write(`generating corpus ${path.relative(ROOT, file)} …\n`);
  const r = await writeCorpus({ count, seed, out: file, progress: true });
  process.stderr.write(
    `corpus: ${count} papers in ${r.seconds.toFixed(1)} s (${Math.round(r.papersPerSecond)}/s)\n`,
  );
  return file;
}

/** Read once so both contenders start with the file in the page cache. */
export async function warmFile(file: string): Promise<void> {
  for await (const _ of createReadStream(file, { highWaterMark: 1 << 20 })) {
    // discard
  }
}

/** Where the import bench leaves its databases for the keyword bench (outside the repo). */
export function workDirs(count: number, seed: number) {
  const root = path.join('/tmp', 'paperboy-bench', `${count}-s${seed}`);
  return {
    root,
    baselineDb: path.join(root, 'baseline', 'baseline.db'),
    paperboyData: path.join(root, 'paperboy'),
  };
}

/** Total size of `<dir>/<prefix>*` (a SQLite db plus its -wal/-shm). */
export async function filesSize(dir: string, prefix: string): Promise<number> {
  if (!existsSync(dir)) return 0;
  let total = 0;
  for (const f of await readdir(dir)) if (f.startsWith(prefix)) total += (await stat(path.join(dir, f))).size;
  return total;
}

export interface ChildResult {
  code: number | null;
  wallSeconds: number;
  /** Peak RSS seen by polling /proc/<pid>/status VmHWM (Linux), independent of self-reports. */
  polledPeakRssBytes: number | null;
  /** The last stdout line parsed as JSON, if it was JSON. */
  json: Record<string, unknown> | null;
  stderrTail: string;
}

export async function runChild(
  cmd: string,
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<ChildResult> {
  const t0 = performance.now();
  const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out = (out + d.toString()).slice(-64 * 1024);
  });
  child.stderr.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-8 * 1024);
  });
  let peak: number | null = null;
  const poll = setInterval(async () => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(await readFile(`/proc/${child.pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak ?? 0, Number(m[1]) * 1024);
    } catch {
      // exited, or not Linux
    }
  }, 200);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  clearInterval(poll);
  const wallSeconds = (performance.now() - t0) / 1000;
  const last = out.trimEnd().split('\n').at(-1) ?? '';
  let json: Record<string, unknown> | null = null;
  try {
    json = JSON.parse(last) as Record<string, unknown>;
  } catch {
    json = null;
  }
  return { code, wallSeconds, polledPeakRssBytes: peak, json, stderrTail: err.slice(-2000) };
}

/** Nearest-rank percentile of an unsorted sample. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export const mb = (bytes: number | null) => (bytes === null ? null : Math.round((bytes / 2 ** 20) * 10) / 10);

/**
 * Child env: the embedded SQLite store in `dataDir` whatever the shell has set, or PostgreSQL at
 * exactly `databaseUrl` when given (the PostgreSQL side of a bench, pg-bench.ts).
 */
export function paperboyEnv(
  dataDir: string,
  extra: NodeJS.ProcessEnv = {},
  databaseUrl?: string,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra, PAPERBOY_DATA: dataDir };
  delete env.DATABASE_URL;
  delete env.PAPERBOY_DATABASE_URL;
  delete env.PAPERBOY_CONFIG;
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  return env;
}

/**
 * A data dir holding the generated corpus, imported once through the real CLI (`paperboy
 * import`, in a child) and reused while `marker` exists; `root` (which holds both) is wiped first.
 * Each bench keeps its own, because the import bench wipes its databases when it rebuilds.
 */
export async function importedDataDir(opts: {
  count: number;
  seed: number;
  root: string;
  dataDir: string;
  marker: string;
  env?: NodeJS.ProcessEnv;
}): Promise<string> {
  if (existsSync(opts.marker)) return opts.dataDir;
  const file = await ensureCorpus(opts.count, opts.seed);
  await rm(opts.root, { recursive: true, force: true });
  await mkdir(opts.dataDir, { recursive: true });
  process.stderr.write(
    `importing ${opts.count} papers into ${opts.dataDir} (once; cached for later runs) …\n`,
  );
  const r = await runChild(
    process.execPath,
    [path.join('src', 'cli', 'main.ts'), 'import', file, '--json'],
    paperboyEnv(opts.dataDir, opts.env),
  );
  if (r.code !== 0 || !r.json || r.json.inserted === undefined)
    throw new Error(`import failed (exit ${r.code}):\n${r.stderrTail}`);
  await writeFile(opts.marker, JSON.stringify({ ...r.json, wallSeconds: r.wallSeconds }));
  process.stderr.write(`imported in ${r.wallSeconds.toFixed(0)} s\n`);
  return opts.dataDir;
}
