/**
 * `harvest` bench: an OAI-PMH harvest of 100,000 `arXivRaw` records (pages of 2,500, as arXiv
 * serves them) from the local fixture server with the request interval at 0, through the real
 * runner and OAI source into a fresh SQLite store — against a parse-only baseline in the same run
 * (same server, same client, same parser, no store). Target: ≥ 5,000 records/s parsing + storing.
 *
 * The fixture server runs in a child process (this file with `--serve`, like a remote upstream)
 * and serves pages rendered before the clock starts, so its cost is a socket write per page.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { SqliteStore } from '../src/app/sqlite.store.ts';
import { HttpClient } from '../src/ingest/http.ts';
import { parseOaiListRecords } from '../src/ingest/parsers/oai.ts';
import { runIngest } from '../src/ingest/runner.ts';
import { OaiSource } from '../src/ingest/sources/oai.ts';
import { fakePapers } from '../test/fixtures/upstream/fake-papers.ts';
import { oaiListing } from '../test/fixtures/upstream/oai/generate.ts';
import { startFixtureServer } from '../test/support/fixture-server.ts';
import { filesSize, mb, parseBenchArgs } from './common.ts';
import { type Metric, writeReport } from './report.ts';

const TARGET_RATE = 5_000;
const PAGE_SIZE = 2_500;

const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
};

function client(base: string): HttpClient {
  return new HttpClient({
    userAgent: 'paperboy-bench',
    intervalMs: 0,
    timeoutMs: 60_000,
    allowedBases: [base],
  });
}

/** Child mode: render the listing, serve it on a loopback port, print the URL, wait. */
async function serve(count: number): Promise<void> {
  // New-style ids have five digits: 50,000 per YYMM prefix keeps every id valid.
  const papers = [];
  for (let done = 0, m = 1; done < count; done += 50_000, m++) {
    const n = Math.min(50_000, count - done);
    const mm = String(m).padStart(2, '0');
    papers.push(...fakePapers(n, { perDay: 2_000, idPrefix: `23${mm}`, startDay: `2023-${mm}-01` }));
  }
  const pages = oaiListing(papers, { pageSize: PAGE_SIZE, format: 'arXivRaw' }).map((p) => Buffer.from(p));
  const server = await startFixtureServer({
    '/oai': (_req, url) => {
      const token = url.searchParams.get('resumptionToken');
      const page = token ? Number(token.split('|')[1]) / PAGE_SIZE : 0;
      return { headers: { 'content-type': 'text/xml; charset=utf-8' }, body: pages[page] ?? '' };
    },
  });
  const bytes = pages.reduce((n, p) => n + p.length, 0);
  process.stdout.write(`${JSON.stringify({ url: server.url, pages: pages.length, bytes })}\n`);
}

async function startServer(count: number) {
  const child = spawn(process.execPath, [import.meta.filename, '--serve', String(count)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(child.stdout!.setEncoding('utf8'), 'data')) as [string];
  const info = JSON.parse(line) as { url: string; pages: number; bytes: number };
  return { ...info, close: () => child.kill() };
}

export async function run(argv: string[]): Promise<Metric[]> {
  const args = parseBenchArgs(argv, { count: 100_000 });
  const workers = argv.includes('--parse-workers')
    ? Number(argv[argv.indexOf('--parse-workers') + 1])
    : undefined;
  process.stderr.write(
    `rendering ${args.count} arXivRaw records in pages of ${PAGE_SIZE} (server child process) …\n`,
  );
  const server = await startServer(args.count);
  const { pages, bytes } = server;
  const dir = path.join('/tmp', 'paperboy-bench', 'harvest');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  try {
    // Baseline: the same fetches and parses, nothing stored.
    process.stderr.write('baseline: fetch + parse only …\n');
    const http = client(server.url);
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    let parsed = 0;
    let token: string | null = null;
    do {
      const q: string = token ? `resumptionToken=${encodeURIComponent(token)}` : 'metadataPrefix=arXivRaw';
      const res = await http.get(`${server.url}/oai?verb=ListRecords&${q}`);
      const page = parseOaiListRecords(res.body);
      parsed += page.records.length;
      token = page.resumptionToken?.token ?? null;
    } while (token);
    const baseSeconds = (performance.now() - t0) / 1000;
    const baseCpu = cpuSeconds(c0);

    process.stderr.write('paperboy: runner + OAI source + SQLite store …\n');
    const store = new SqliteStore(path.join(dir, 'paperboy.db'));
    const t1 = performance.now();
    const c1 = process.cpuUsage();
    const source = new OaiSource({
      baseUrl: `${server.url}/oai`,
      ...(workers !== undefined ? { parseWorkers: workers } : {}),
    });
    const summary = await runIngest(source, { store, http: client(server.url) });
    const seconds = (performance.now() - t1) / 1000;
    const cpu = cpuSeconds(c1);
    const stored = await store.papers.count();
    await store.close();
    if (summary.status !== 'ok' || stored !== args.count || parsed !== args.count) {
      throw new Error(
        `harvest bench: ${summary.status} (${summary.message}); stored ${stored}, parsed ${parsed}`,
      );
    }
    const rate = args.count / seconds;
    const baseRate = args.count / baseSeconds;
    const metrics: Metric[] = [
      {
        metric: 'harvest records/s (parse + store)',
        unit: 'records/s',
        paperboy: rate,
        baseline: baseRate,
        target: `≥ ${TARGET_RATE}/s`,
        pass: rate >= TARGET_RATE,
      },
      { metric: 'wall time', unit: 's', paperboy: seconds, baseline: baseSeconds, target: '', pass: null },
      // CPU of this process (all threads): on a shared machine the wall rate moves with the load,
      // the CPU per record much less.
      {
        metric: 'CPU per record',
        unit: 'µs',
        paperboy: (cpu / args.count) * 1e6,
        baseline: (baseCpu / args.count) * 1e6,
        target: '',
        pass: null,
      },
      {
        metric: 'database size',
        unit: 'MB',
        paperboy: mb(await filesSize(dir, 'paperboy.db')),
        baseline: null,
        target: '',
        pass: null,
      },
    ];
    const report = await writeReport({
      name: 'harvest',
      params: {
        records: args.count,
        pageSize: PAGE_SIZE,
        pages,
        xmlMB: Math.round(bytes / 2 ** 20),
        intervalMs: 0,
        parseWorkers: workers ?? 'auto',
      },
      metrics,
      details: {
        baseline: 'same server, client and parser; nothing stored',
        requests: summary.requests,
        run: summary.message,
      },
    });
    process.stdout.write(`${report.markdown}\n`);
    return metrics;
  } finally {
    server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.main && process.argv[2] === '--serve') await serve(Number(process.argv[3]));
