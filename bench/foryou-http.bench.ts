/**
 * `foryou-http` bench (issue 14, "Quality and speed"): `/for-you` signed in, page cache off, at
 * 32 connections, on the import bench's database (default 1,000,000 papers; a copy, as
 * bench/http.bench.ts makes) with --accounts readers (default 10,000), each with 20 saved papers
 * and 5 follows (2 categories, 2 authors, 1 search), all written through the real repositories.
 *
 * Every request is a different signed-in reader (a real session each, created through
 * `UserRepository.createSession`), taken in turn, and the run is bounded by count (one request per
 * reader), so no reader's ranked list is ever served from the service's per-reader cache: each
 * request reads that reader's rows, ranks the window and renders. WARM_READERS readers warm the
 * server first (its per-paper caches, as a running service has them) on the same 32 keep-alive
 * connections as the measured readers, whose answers alone are measured (throughput: their count
 * over the time from the last warm-up answer to the last answer). `serve` runs with `workers` =
 * the machine's cores (--workers N to choose). Baseline: a bare node:http server answering the
 * same bytes (bench/http.bench.ts), same run.
 *
 * Also a functional check, "model update visible on the next page load": a reader loads the page,
 * saves a paper through the real form (POST /library/save), loads again: the list must change and
 * cite the saved paper as the reason for an item.
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import autocannon, { type Result } from 'autocannon';
import { SqliteStore } from '../src/app/sqlite.store.ts';
import { ForYouService } from '../src/foryou/service.ts';
import { paperTerms } from '../src/foryou/terms.ts';
import { newToken, tokenHash } from '../src/users/secrets.ts';
import { ensureCorpus, paperboyEnv, parseBenchArgs, ROOT, runChild, workDirs } from './common.ts';
import { int, mulberry32, type Rng } from './corpus/prng.ts';
import { rssMb, startBaseline, startPaperboy, stop, summary } from './http.bench.ts';
import { type Metric, writeReport } from './report.ts';

const TARGET_RPS = 500;
const TARGET_P99_MS = 100;
const CONNECTIONS = 32;
const SAVED = 20;
const WARM_READERS = 1000;
const DAY_MS = 86_400_000;
/** Readers save from the last RECENT_DAYS of papers; a share of the window is upvoted on the site. */
const RECENT_DAYS = 60;
const VOTED_SHARE = 0.15;

interface Prepared {
  dataDir: string;
  accounts: number;
  /** [session token, csrf token, user name] per reader. */
  sessions: [string, string, string][];
}

function numberFlag(argv: string[], name: string, fallback: number): number {
  const at = argv.indexOf(name);
  if (at < 0) return fallback;
  const n = Number(argv[at + 1]);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name}: expected a positive integer`);
  return n;
}

const pickOf = <T>(rng: Rng, xs: readonly T[]): T => xs[int(rng, xs.length)]!;

/**
 * Waits until every worker's /ready says For you is warm (new connections reach each worker in
 * turn, cluster/connections.ts); returns how long that took.
 */
async function forYouWarm(url: string, workers: number): Promise<number> {
  const t0 = performance.now();
  const warm = new Set<number>();
  for (let tries = 0; warm.size < workers; tries++) {
    if (tries > 10_000) throw new Error(`For you did not warm on ${workers - warm.size} worker(s)`);
    const r = (await (await fetch(`${url}/ready`, { headers: { connection: 'close' } })).json()) as {
      forYou?: string;
      worker?: number;
    };
    if (r.forYou === 'ready') warm.add(r.worker ?? 1);
  }
  return performance.now() - t0;
}

async function sourceDatabase(count: number, seed: number): Promise<string> {
  const dirs = workDirs(count, seed);
  const source = path.join(dirs.paperboyData, 'paperboy.db');
  if (existsSync(source)) return source;
  process.stderr.write(`no import-bench database at ${source}: importing the corpus …\n`);
  const corpus = await ensureCorpus(count, seed);
  await mkdir(dirs.paperboyData, { recursive: true });
  const env = paperboyEnv(dirs.paperboyData, { PAPERBOY_LOG_LEVEL: 'silent' });
  const r = await runChild(
    process.execPath,
    [path.join('src', 'cli', 'main.ts'), 'import', corpus, '--json'],
    env,
  );
  if (r.code !== 0) throw new Error(`import failed (${r.code}): ${r.stderrTail}`);
  return source;
}

/** A copy of the import bench's database with the readers; reused while the marker matches. */
async function prepare(count: number, seed: number, accounts: number): Promise<Prepared> {
  const dataDir = path.join(workDirs(count, seed).root, 'foryou-http');
  const marker = path.join(dataDir, 'foryou-ready.json');
  if (existsSync(marker)) {
    const m = JSON.parse(await readFile(marker, 'utf8')) as Prepared;
    if (m.accounts === accounts) return { ...m, dataDir };
  }
  const source = await sourceDatabase(count, seed);
  await rm(dataDir, { recursive: true, force: true });
  await mkdir(dataDir, { recursive: true });
  process.stderr.write(`copying ${source} → ${dataDir} …\n`);
  await copyFile(source, path.join(dataDir, 'paperboy.db'));
  const store = new SqliteStore(path.join(dataDir, 'paperboy.db'));
  try {
    const rng = mulberry32(seed ^ 0xf0e);
    const newest = Date.parse((await store.forYou.newestSubmitted()) ?? new Date().toISOString());
    const iso = (ms: number) => new Date(ms).toISOString();
    const recent = await store.forYou.windowPapers(
      iso(newest - RECENT_DAYS * DAY_MS),
      iso(newest + 1),
      100_000,
    );
    const week = recent.filter((p) => Date.parse(p.submittedAt) > newest - 7 * DAY_MS);
    const featured = week
      .filter(() => rng() < VOTED_SHARE)
      .map((p) => ({
        arxivId: p.arxivId,
        day: p.submittedAt.slice(0, 10),
        source: 'import' as const,
        submittedBy: 'bench',
        importedUpvotes: 1 + Math.floor(rng() ** 3 * 120),
      }));
    await store.papers.ingestBatch({ papers: [], featured });
    await store.feed.refreshTrending();
    const categories = [...new Set(recent.map((p) => p.categories[0]!))];
    const now = new Date().toISOString();
    const expiresAt = new Date(Date.now() + 30 * DAY_MS).toISOString();
    const sessions: [string, string, string][] = [];
    const t0 = performance.now();
    for (let a = 0; a < accounts; a++) {
      const name = `fyreader${a}`;
      const user = await store.users.create({ email: `${name}@example.org`, name, passwordHash: 'x', now });
      if (!user) throw new Error(`could not create ${name}`);
      await store.users.markVerified(user.id, now);
      // A reader's saves cluster in one category, as a real library does.
      const home = pickOf(rng, categories);
      const mine = recent.filter((p) => p.categories[0] === home);
      for (let k = 0; k < SAVED; k++) {
        const p = rng() < 0.8 && mine.length ? pickOf(rng, mine) : pickOf(rng, recent);
        await store.library.addToDefault(user.id, p.id, 'Saved', now);
      }
      const follows: [string, string][] = [
        ['category', home],
        ['category', pickOf(rng, categories)],
        ['author', pickOf(rng, pickOf(rng, week).authors)],
        ['author', pickOf(rng, pickOf(rng, recent).authors)],
        [
          'search',
          paperTerms({ ...pickOf(rng, mine.length ? mine : recent), abstract: '', categories: [] })
            .slice(0, 2)
            .join(' '),
        ],
      ];
      for (const [kind, value] of follows)
        await store.forYou.follow(user.id, ForYouService.normalize(kind, value), now);
      const token = newToken();
      const csrf = newToken();
      await store.users.createSession({
        tokenHash: tokenHash(token),
        userId: user.id,
        csrfToken: csrf,
        now,
        expiresAt,
      });
      sessions.push([token, csrf, name]);
      if ((a + 1) % 1000 === 0)
        process.stderr.write(
          `${a + 1}/${accounts} readers (${((performance.now() - t0) / 1000).toFixed(0)} s)\n`,
        );
    }
    store.db.exec('PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;');
    await writeFile(marker, JSON.stringify({ accounts, sessions }));
    return { dataDir, accounts, sessions };
  } finally {
    await store.close();
  }
}

/** The process and its children (serve's workers, `--workers`), from /proc. */
async function tree(pid: number): Promise<number[]> {
  const kids = await readFile(`/proc/${pid}/task/${pid}/children`, 'utf8').catch(() => '');
  const ids = kids.split(' ').filter(Boolean).map(Number);
  return [pid, ...(await Promise.all(ids.map(tree))).flat()];
}

/** CPU time so far (user + system) of a process and its children, from /proc: Linux only, 0 elsewhere. */
async function cpuMs(pid: number | undefined): Promise<number> {
  if (pid === undefined || process.platform !== 'linux') return 0;
  let total = 0;
  for (const p of await tree(pid)) {
    // Fields after the command name (which may hold spaces, so split after its closing
    // parenthesis): utime and stime are the 12th and 13th, in clock ticks (100 per second).
    const stat = await readFile(`/proc/${p}/stat`, 'utf8').catch(() => null);
    if (!stat) continue;
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    total += ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  }
  return total;
}

/** RSS of a process and its children (MB). */
async function treeRssMb(pid: number | undefined): Promise<number | null> {
  if (pid === undefined) return null;
  let total = 0;
  for (const p of await tree(pid)) total += (await rssMb(p)) ?? 0;
  return Math.round(total * 10) / 10;
}

/** Both cookie names: the server picks one by its base URL (src/web/auth.ts). */
const cookieOf = (token: string) => `__Host-pb_session=${token}; pb_session=${token}`;
const order = (page: string) => [...page.matchAll(/<h2><a href="\/papers\/([^"]+)"/g)].map((m) => m[1]!);

async function page(url: string, s: [string, string, string]): Promise<string> {
  const res = await fetch(`${url}/for-you`, { headers: { cookie: cookieOf(s[0]) } });
  const body = await res.text();
  if (res.status !== 200) throw new Error(`/for-you for ${s[2]}: HTTP ${res.status}: ${body.slice(0, 600)}`);
  if (!body.includes(`>${s[2]}</a>`)) throw new Error(`/for-you does not show the signed-in ${s[2]}`);
  if (res.headers.get('cache-control') !== 'private, no-store') throw new Error('/for-you is cacheable');
  return body;
}

/** Save then load: the next page must differ and name the saved paper as a reason. */
async function modelUpdate(url: string, s: [string, string, string]) {
  const before = await page(url, s);
  const ids = order(before);
  const saved = ids[0]!;
  const title = /<h2><a href="\/papers\/[^"]+">([^<]+)</.exec(before)?.[1] ?? '';
  const res = await fetch(`${url}/library/save`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookieOf(s[0]) },
    body: new URLSearchParams({ paper: saved, csrf: s[1], next: '/for-you' }),
  });
  if (res.status !== 303) throw new Error(`save: HTTP ${res.status}`);
  const after = await page(url, s);
  const changed = order(after).join() !== ids.join();
  const cites = after.includes(`href="/papers/${saved}"><em>`);
  return { saved, title, changed, gone: !order(after).includes(saved), citesSaved: cites };
}

export async function run(argv: string[]): Promise<Metric[]> {
  const args = parseBenchArgs(argv, { count: 1_000_000 });
  const accounts = numberFlag(argv, '--accounts', 10_000);
  if (accounts <= WARM_READERS + 2) throw new Error(`--accounts must be over ${WARM_READERS + 2}`);
  const prep = await prepare(args.count, args.seed, accounts);
  // As bench/http.bench.ts does: the keyword index's maintenance brought up to date first, so the
  // measured server does not spend a core rebuilding it in the background.
  const store = new SqliteStore(path.join(prep.dataDir, 'paperboy.db'));
  try {
    const maintained = await store.maintainKeywordIndex();
    if (maintained) process.stderr.write(`${maintained}\n`);
  } finally {
    await store.close();
  }
  const warm = prep.sessions.slice(0, WARM_READERS);
  const probe = prep.sessions[WARM_READERS]!;
  const checked = prep.sessions[WARM_READERS + 1]!;
  const measured = prep.sessions.slice(WARM_READERS + 2);
  const metrics: Metric[] = [];
  const details: Record<string, unknown> = { accounts, connections: CONNECTIONS, requests: measured.length };
  // --cpu-prof: the server writes a V8 profile to <data>/profiles/ when it stops.
  // --workers N: serve's `workers` setting (cluster/primary.ts); the machine's cores by default.
  const workers = numberFlag(argv, '--workers', availableParallelism());
  details.workers = workers;
  const pb = await startPaperboy(prep.dataDir, 0, argv.includes('--cpu-prof'), undefined, workers);
  let baseline: Awaited<ReturnType<typeof startBaseline>> | null = null;
  try {
    const rotating = (sessions: [string, string, string][]) => {
      let next = 0;
      return [
        {
          method: 'GET',
          path: '/for-you',
          setupRequest: (req: { headers?: Record<string, string> }) => ({
            ...req,
            headers: { ...req.headers, cookie: cookieOf(sessions[next++ % sessions.length]![0]) },
          }),
        },
      ];
    };
    // `serve` warms For you at start (foryou/service.ts warm): measured is the service once warm.
    details.warmMs = await forYouWarm(pb.url, workers);
    const t0 = performance.now();
    const bytes = await page(pb.url, probe);
    details.firstPageMs = performance.now() - t0;
    details.pageBytes = bytes.length;
    details.items = order(bytes).length;
    baseline = await startBaseline(
      [{ path: '/for-you', type: 'text/html; charset=utf-8', body: Buffer.from(bytes).toString('base64') }],
      prep.dataDir,
    );
    await autocannon({ url: `${baseline.url}/for-you`, connections: 4, duration: 1 });
    const rssBefore = await treeRssMb(pb.child.pid);
    process.stderr.write(
      `/for-you, ${WARM_READERS} warm-up then ${measured.length} different readers: paperboy … `,
    );
    // One run on the same 32 connections: the warm-up readers' answers first, then the measured
    // ones. Node answers the first request of a connection accepted while it is busy only after a
    // round of every other connection's (a bare node:http server shows it too: up to seconds), so
    // 32 connections opened at the start of a measured run would measure connection setup, not
    // the page. A reverse proxy keeps its upstream connections open (README, Deploying).
    // autocannon gives each connection an equal share of `amount`: a connection whose worker
    // answers faster ends sooner, and the run's last seconds had one worker busy and the other
    // idle. So the measured window also ends when the first connection has sent its share: what
    // is measured is 32 connections at work, each answer a different reader's.
    const total = warm.length + measured.length;
    const share = Math.floor(total / CONNECTIONS);
    const seen: { at: number; ms: number; status: number }[] = [];
    const perClient = new Map<unknown, number>();
    let ended = false;
    let cpuAtWarm: Promise<number> = Promise.resolve(0);
    let cpuAtEnd: Promise<number> | null = null;
    // autocannon's instance is both the promise of the result and an emitter of each response
    // (its types give one or the other).
    const inst = autocannon({
      url: `${pb.url}/for-you`,
      connections: CONNECTIONS,
      amount: total,
      timeout: 10,
      requests: rotating([...warm, ...measured]),
    }) as Promise<Result> & Pick<NodeJS.EventEmitter, 'on'>;
    inst.on('response', (client: unknown, status: number, _bytes: number, ms: number) => {
      if (ended) return;
      seen.push({ at: performance.now(), ms, status });
      if (seen.length === warm.length) cpuAtWarm = cpuMs(pb.child.pid);
      const n = (perClient.get(client) ?? 0) + 1;
      perClient.set(client, n);
      if (n >= share - 1 && seen.length > warm.length) {
        ended = true;
        cpuAtEnd = cpuMs(pb.child.pid);
      }
    });
    const a: Result = await inst;
    const cpuEnd = await (cpuAtEnd ?? cpuMs(pb.child.pid));
    const mine = seen.slice(warm.length);
    const lat = mine.map((r) => r.ms).sort((x, y) => x - y);
    const pct = (q: number) => lat[Math.min(lat.length - 1, Math.ceil(q * lat.length) - 1)] ?? 0;
    const seconds = (mine.at(-1)!.at - seen[warm.length - 1]!.at) / 1000;
    const measuredLoad = {
      rps: mine.length / seconds,
      total: mine.length,
      p50: pct(0.5),
      p99: pct(0.99),
      max: lat.at(-1) ?? 0,
      errors: a.errors,
      timeouts: a.timeouts,
      non2xx: mine.filter((r) => r.status !== 200).length,
    };
    details.measuredWindow = { answers: mine.length, of: measured.length, connections: perClient.size };
    const cpuPerRequest = (cpuEnd - (await cpuAtWarm)) / mine.length;
    process.stderr.write(
      `${Math.round(measuredLoad.rps)}/s p99 ${measuredLoad.p99.toFixed(1)} ms, ${cpuPerRequest.toFixed(2)} CPU ms/request; baseline … `,
    );
    // The bare server answers a count in well under a second, too short to measure: it runs as
    // long as paperboy's run took (at least 3 s).
    const b: Result = await autocannon({
      url: `${baseline.url}/for-you`,
      connections: CONNECTIONS,
      duration: Math.max(3, Math.ceil(seconds)),
      timeout: 10,
    });
    process.stderr.write(`${Math.round(b.requests.total / b.duration)}/s p99 ${b.latency.p99} ms\n`);
    const failures = (r: Result) => r.errors + r.timeouts + r.non2xx;
    details.load = { paperboy: measuredLoad, warmUpAndMeasured: summary(a), baseline: summary(b) };
    const update = await modelUpdate(pb.url, checked);
    details.modelUpdate = update;
    process.stderr.write(`model update: ${JSON.stringify(update)}\n`);
    metrics.push(
      {
        metric: '/for-you signed in, uncached, a different reader each request: throughput',
        unit: 'req/s',
        paperboy: measuredLoad.rps,
        baseline: b.requests.total / b.duration,
        target: `≥ ${TARGET_RPS}/s`,
        pass: measuredLoad.rps >= TARGET_RPS,
      },
      {
        metric: '/for-you signed in, uncached: latency p99',
        unit: 'ms',
        paperboy: measuredLoad.p99,
        baseline: b.latency.p99,
        target: `≤ ${TARGET_P99_MS} ms`,
        pass: measuredLoad.p99 <= TARGET_P99_MS,
      },
      {
        metric: '/for-you errors (socket, timeout, non-2xx)',
        unit: 'count',
        paperboy: failures(a) + measuredLoad.non2xx,
        baseline: failures(b),
        ratio: null,
        target: '0',
        pass: failures(a) + measuredLoad.non2xx === 0,
      },
      {
        // The "model update visible on the next page load": the list is re-ranked and the
        // saved paper (now a positive) is no longer offered.
        metric: 'save, then the next page load: the list changed and the saved paper left it',
        unit: 'yes=1',
        paperboy: update.changed && update.gone ? 1 : 0,
        baseline: null,
        ratio: null,
        target: '1',
        pass: update.changed && update.gone,
      },
      {
        // Whether a top-20 item names it as evidence depends on its words joining the model's
        // strongest (rank.ts), so this is reported, not required.
        metric: 'save, then the next page load: an item cites the saved paper as its reason',
        unit: 'yes=1',
        paperboy: update.citesSaved ? 1 : 0,
        baseline: null,
        ratio: null,
        target: '',
        pass: null,
      },
      {
        // The server's own CPU time over the run (user + system, /proc): what throughput on a
        // shared machine cannot show, as other work takes turns on the cores.
        metric: '/for-you server CPU time per request',
        unit: 'ms',
        paperboy: cpuPerRequest,
        baseline: null,
        ratio: null,
        target: 'information',
        pass: null,
      },
      {
        metric: 'server RSS after the load, all serve processes (baseline column: before it)',
        unit: 'MB',
        paperboy: await treeRssMb(pb.child.pid),
        baseline: rssBefore,
        ratio: null,
        target: 'information',
        pass: null,
      },
    );
  } finally {
    await stop(pb.child);
    if (baseline) await stop(baseline.child);
  }
  const report = await writeReport({
    name: 'foryou-http',
    params: { count: args.count, seed: args.seed, accounts, connections: CONNECTIONS, workers },
    metrics,
    details,
  });
  process.stderr.write(`${report.markdown}\nwritten ${path.relative(ROOT, report.json)}\n`);
  return metrics;
}
