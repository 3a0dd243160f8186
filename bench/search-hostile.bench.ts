/**
 * `search-hostile` bench (issue 12): can one client's searches stall everyone else's pages?
 * `paperboy serve` (child process) on the generated corpus (default 160,000 papers, the size of
 * the instance the issue was found on). Baseline: 10 autocannon connections of ordinary page
 * requests (`/`, `/trending`, a paper page, `/health`; page cache off, so every request renders)
 * for D seconds on a quiet server. Then the same load again beside 10 connections that send the
 * issue's hostile searches (and broad queries the language still allows) through the API and the
 * HTML search page for the same D seconds. Reports ordinary p99 and max with and without the
 * hostile load (targets: p99 ≤ 2× quiet, no ordinary request over 1 s) and how each hostile
 * request was answered (status counts per query, slowest answer, requests left unanswered).
 *
 * The per-client rate limits are raised for the child: an attacker has many addresses, and what
 * is measured here is the search budget and the worker pool, not the limiter.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import autocannon, { type Result } from 'autocannon';
import { SqliteStore } from '../src/app/sqlite.store.ts';
import { sleep } from '../src/shared/sleep.ts';
import { importedDataDir, paperboyEnv, parseBenchArgs, ROOT } from './common.ts';
import { HOSTILE_QUERIES as HOSTILE } from './hostile-queries.ts';
import { type Metric, writeReport } from './report.ts';

const CONNECTIONS = 10;

async function startServer(dataDir: string): Promise<{ url: string; child: ChildProcess }> {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const env = paperboyEnv(dataDir, {
    PAPERBOY_LOG_LEVEL: 'silent',
    PAPERBOY_SCHEDULER: 'false',
    PAPERBOY_PAGE_CACHE_MS: '0',
    PAPERBOY_API_RATE_LIMIT: '100000000',
    PAPERBOY_SEARCH_RATE_LIMIT: '100000000',
  });
  const child = spawn(
    process.execPath,
    [path.join('src', 'cli', 'main.ts'), 'serve', '--port', String(port), '--host', '127.0.0.1'],
    { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  child.stderr!.on('data', (d: Buffer) => {
    err = (err + d.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`paperboy serve exited: ${err}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return { url, child };
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  child.kill('SIGKILL');
  throw new Error(`paperboy serve did not start: ${err}`);
}

function ordinary(url: string, paths: string[], duration: number): Promise<Result> {
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration,
    timeout: 10,
    requests: paths.map((p) => ({ method: 'GET', path: p })),
  });
}

interface HostileStats {
  byQuery: Record<string, Record<string, number>>;
  slowestMs: number;
  unanswered: number;
  total: number;
}

/** CONNECTIONS loops, each sending the hostile queries in turn (API and HTML alternately) until `until`. */
async function hostile(url: string, until: number): Promise<HostileStats> {
  const stats: HostileStats = { byQuery: {}, slowestMs: 0, unanswered: 0, total: 0 };
  const loop = async (k: number) => {
    for (let i = k; Date.now() < until; i++) {
      const q = HOSTILE[i % HOSTILE.length]!;
      const target =
        i % 2
          ? `/api/papers/search?q=${encodeURIComponent(q)}&limit=1`
          : `/search?q=${encodeURIComponent(q)}`;
      const t0 = performance.now();
      let status = 'error';
      try {
        const res = await fetch(url + target, { signal: AbortSignal.timeout(30_000) });
        await res.arrayBuffer();
        status = String(res.status);
      } catch {
        stats.unanswered++;
      }
      stats.slowestMs = Math.max(stats.slowestMs, performance.now() - t0);
      stats.total++;
      const row = stats.byQuery[q] ?? {};
      row[status] = (row[status] ?? 0) + 1;
      stats.byQuery[q] = row;
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, (_, k) => loop(k)));
  return stats;
}

export async function run(argv: string[]): Promise<Metric[]> {
  const args = parseBenchArgs(argv, { count: 160_000 });
  const duration = Number(args.values.duration ?? 20);
  const root = path.join('/tmp', 'paperboy-bench-hostile', `${args.count}-s${args.seed}`);
  const dataDir = await importedDataDir({
    count: args.count,
    seed: args.seed,
    root,
    dataDir: path.join(root, 'data'),
    marker: path.join(root, 'imported.json'),
  });
  // The server would rebuild stale keyword top lists in the background at start: do it first.
  const store = new SqliteStore(path.join(dataDir, 'paperboy.db'));
  let paperId: string;
  try {
    const built = await store.maintainKeywordIndex();
    if (built) process.stderr.write(`${built}\n`);
    paperId = (
      store.db.prepare('SELECT arxiv_id FROM papers ORDER BY id DESC LIMIT 1').get() as { arxiv_id: string }
    ).arxiv_id;
  } finally {
    await store.close();
  }
  const pages = ['/', '/trending', `/papers/${paperId}`, '/health'];

  const { url, child } = await startServer(dataDir);
  try {
    await ordinary(url, pages, 2); // warm-up: JIT, page cache of SQLite
    process.stderr.write(`quiet: ${CONNECTIONS} connections of ${pages.join(' ')} for ${duration} s … `);
    const quiet = await ordinary(url, pages, duration);
    process.stderr.write(`p99 ${quiet.latency.p99} ms, max ${quiet.latency.max} ms\n`);
    process.stderr.write(`under attack: the same beside ${CONNECTIONS} connections of hostile searches … `);
    const until = Date.now() + duration * 1000;
    const [loaded, attack] = await Promise.all([ordinary(url, pages, duration), hostile(url, until)]);
    process.stderr.write(`p99 ${loaded.latency.p99} ms, max ${loaded.latency.max} ms\n`);
    for (const [q, s] of Object.entries(attack.byQuery))
      process.stderr.write(`  ${JSON.stringify(s)}  ${q}\n`);

    const failed = (r: Result) => r.errors + r.timeouts + r.non2xx;
    const metrics: Metric[] = [
      {
        metric: 'ordinary pages p99 (under attack vs quiet)',
        unit: 'ms',
        paperboy: loaded.latency.p99,
        baseline: quiet.latency.p99,
        target: 'ratio ≤ 2',
        pass: loaded.latency.p99 <= 2 * quiet.latency.p99,
      },
      {
        metric: 'ordinary pages max (under attack vs quiet)',
        unit: 'ms',
        paperboy: loaded.latency.max,
        baseline: quiet.latency.max,
        target: '≤ 1000 ms',
        pass: loaded.latency.max <= 1000,
      },
      {
        metric: 'ordinary pages throughput (under attack vs quiet)',
        unit: 'req/s',
        paperboy: loaded.requests.average,
        baseline: quiet.requests.average,
        target: '',
        pass: null,
      },
      {
        metric: 'ordinary requests failed (under attack vs quiet)',
        unit: 'requests',
        paperboy: failed(loaded),
        baseline: failed(quiet),
        target: '0',
        pass: failed(loaded) === 0,
      },
      {
        metric: 'hostile requests unanswered (of all sent)',
        unit: 'requests',
        paperboy: attack.unanswered,
        baseline: attack.total,
        target: '0',
        pass: attack.unanswered === 0,
      },
      {
        metric: 'slowest hostile answer (vs budget 2000 ms)',
        unit: 'ms',
        paperboy: attack.slowestMs,
        baseline: 2000,
        target: '',
        pass: null,
      },
    ];
    await writeReport({
      name: 'search-hostile',
      params: {
        count: args.count,
        seed: args.seed,
        duration,
        connections: CONNECTIONS,
        pages: pages.join(' '),
      },
      metrics,
      details: {
        hostileAnswers: attack.byQuery,
        hostileTotal: attack.total,
        quietP50: quiet.latency.p50,
        loadedP50: loaded.latency.p50,
      },
    });
    return metrics;
  } finally {
    child.kill('SIGTERM');
  }
}
