/**
 * `npm run bench -- alerts [--count PAPERS] [--readers N] [--new P] [--versions V] [--webhooks H] [--seed S]`
 *
 * Issue 15's event computation target: over the generated corpus (default 1,000,000 papers,
 * imported once by paperboy's importer into /tmp/paperboy-bench-alerts/<count>-s<seed>/), N
 * readers (default 10,000), each with 5 followed searches (alerts of kind search, words of one
 * topic as people type them), 20 saved papers and version/code alerts on them. A harvest then
 * writes P new papers (default 5,000, words of the corpus's topics, submitted today) and V new
 * versions of saved papers (default 2,000) through `papers.upsertMany`, the ingestion path, so
 * migration 015's triggers queue exactly what a real harvest queues.
 *
 * With `--webhooks H` (default 0: the issue's shape has none), the first H readers also have a
 * webhook, and their alerts deliver to it too, so each of their events also queues a delivery in
 * the events' transaction (alerts.*.repo.ts `record`).
 *
 * paperboy: `computeEvents` draining that queue (read the changes and papers, match every
 * followed search over the new papers with one shared index, find the savers of the new
 * versions, store every event). Target: ≤ 30 s. The report splits that time into reading
 * (changes, papers, alerts, savers), storing (`record`: events, deliveries, the consumed
 * changes) and the rest (matching, in memory).
 * Baseline, same run: every followed search run once over the new papers — the new papers
 * indexed once, then each reader's searches matched on their own (the same matcher, no answer
 * shared between readers), and nothing read or stored.
 */

import path from 'node:path';
import { parseArgs } from 'node:util';
import { computeEvents } from '../src/alerts/compute.ts';
import type { AlertRepository, Delivery } from '../src/alerts/types.ts';
import { SqliteStore } from '../src/app/sqlite.store.ts';
import type { PaperInput } from '../src/papers/paper.ts';
import { buildIndex, type CandidatePaper, matchInterests, parseInterests } from '../src/search/match.ts';
import { importedDataDir } from './common.ts';
import { int, mulberry32 } from './corpus/prng.ts';
import { getWorld, type World } from './corpus/world.ts';
import { type Metric, writeReport } from './report.ts';

const SEARCHES = 5;
const SAVED = 20;
const TARGET_S = 30;

function ensureArchive(count: number, seed: number): Promise<string> {
  // Its own archive: opening one migrates it to 015, which other benches' checkouts may not know.
  const root = path.join('/tmp', 'paperboy-bench-alerts', `${count}-s${seed}`);
  return importedDataDir({
    count,
    seed,
    root,
    dataDir: path.join(root, 'data'),
    marker: path.join(root, 'imported.json'),
  });
}

function options(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    strict: false,
    allowPositionals: true,
    options: {
      count: { type: 'string' },
      seed: { type: 'string' },
      readers: { type: 'string' },
      new: { type: 'string' },
      versions: { type: 'string' },
      webhooks: { type: 'string' },
    },
  });
  const n = (v: unknown, d: number) => (v === undefined ? d : Number(v));
  return {
    count: n(values.count, 1_000_000),
    seed: n(values.seed, 42),
    readers: n(values.readers, 10_000),
    fresh: n(values.new, 5_000),
    versions: n(values.versions, 2_000),
    webhooks: n(values.webhooks, 0),
  };
}

const round = (s: number) => Math.round(s * 100) / 100;

const TIMED = ['pendingChanges', 'changedPapers', 'followAlerts', 'watchers', 'record'] as const;

/** The repository with the seconds spent in each of the computation's reads and its writes. */
function timed(inner: AlertRepository) {
  const spent = Object.fromEntries(TIMED.map((k) => [k, 0])) as Record<(typeof TIMED)[number], number>;
  const repo = new Proxy(inner, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function') return value;
      // Bound to the repository itself: its statements are private fields, out of a proxy's reach.
      if (!(TIMED as readonly (string | symbol)[]).includes(key)) return value.bind(target);
      const k = key as (typeof TIMED)[number];
      return async (...args: unknown[]) => {
        const t = performance.now();
        try {
          return await value.apply(target, args);
        } finally {
          spent[k] += (performance.now() - t) / 1000;
        }
      };
    },
  });
  return { repo, spent };
}

const searchOf = (rng: () => number, w: World, topic: World['topics'][number]) => {
  const word = () => w.vocab[topic.words[int(rng, Math.min(40, topic.words.length))]!]!;
  const r = rng();
  return r < 0.5 ? word() : r < 0.8 ? `${word()} ${word()}` : `"${word()} ${word()}"`;
};

function newPaper(rng: () => number, w: World, year: number, k: number, at: string): PaperInput {
  const topic = w.topics[int(rng, w.topics.length)]!;
  const words = (n: number) =>
    Array.from({ length: n }, () => w.vocab[topic.words[int(rng, Math.min(200, topic.words.length))]!]!).join(
      ' ',
    );
  const [first] = w.firstNames[int(rng, w.firstNames.length)]!;
  const [last] = w.lastNames[int(rng, w.lastNames.length)]!;
  return {
    arxivId: `${year}01.${String(k).padStart(5, '0')}`,
    version: 1,
    title: words(8),
    abstract: words(120),
    authors: [{ name: `${first} ${last}`, keyname: last, forenames: first, suffix: '', affiliation: null }],
    comments: null,
    journalRef: null,
    doi: null,
    reportNo: null,
    license: null,
    submitter: null,
    categories: [topic.primary],
    versions: [{ version: 1, createdAt: at }],
    submittedAt: at,
    updatedAt: at,
    links: [],
  };
}

export async function run(argv: string[]): Promise<Metric[]> {
  const o = options(argv);
  const dataDir = await ensureArchive(o.count, o.seed);
  const file = path.join(dataDir, 'paperboy.db');
  const store = new SqliteStore(file);
  const rng = mulberry32(o.seed + 15);
  const w = getWorld();
  const now = new Date().toISOString();
  try {
    // A clean slate each run: earlier runs' readers, alerts, events and harvest.
    // Earlier runs' harvests stay (deleting papers scans paper_categories, keyed by category):
    // this run's new papers take the first unused year, 3001.*, 3101.*, …
    store.db.exec(`DELETE FROM users WHERE email LIKE '%@alerts-bench.example'; DELETE FROM alert_changes;`);
    const taken = store.db.prepare('SELECT 1 FROM papers WHERE arxiv_id = ?');
    let year = 30;
    while (taken.get(`${year}01.00000`)) year++;
    const total = (store.db.prepare('SELECT max(id) AS n FROM papers').get() as { n: number }).n;
    process.stderr.write(`readers: ${o.readers} × ${SEARCHES} searches + ${SAVED} saved …\n`);
    const t0 = performance.now();
    const searches: string[][] = [];
    const saved = new Set<number>();
    for (let r = 0; r < o.readers; r++) {
      const user = (await store.users.create({
        email: `r${r}@alerts-bench.example`,
        name: `alertsbench${r}`,
        passwordHash: 'x',
        now,
      }))!;
      const topic = w.topics[int(rng, w.topics.length)]!;
      const mine = Array.from({ length: SEARCHES }, () => searchOf(rng, w, topic));
      searches.push(mine);
      const hooked = r < o.webhooks;
      const delivery: Delivery[] = hooked ? ['feed', 'webhook'] : ['feed'];
      if (hooked)
        await store.webhooks.add({
          userId: user.id,
          collectionId: null,
          url: `https://hooks.alerts-bench.example/${r}`,
          secret: 'whsec_bench',
          at: now,
        });
      for (const q of new Set(mine))
        await store.alerts.create({ userId: user.id, kind: 'search', target: q, delivery }, now);
      for (const kind of ['version', 'code'] as const)
        await store.alerts.create({ userId: user.id, kind, target: 'library', delivery }, now);
      const box = await store.library.ensureDefault(user.id, 'Saved', now);
      for (let s = 0; s < SAVED; s++) {
        const id = 1 + int(rng, total);
        if (await store.library.add(box.id, user.id, id, now).catch(() => false)) saved.add(id);
      }
    }
    process.stderr.write(`readers made in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);

    // The harvest, through the ingestion path.
    const fresh = Array.from({ length: o.fresh }, (_, k) => newPaper(rng, w, year, k, now));
    const bump: PaperInput[] = [];
    for (const id of [...saved].slice(0, o.versions)) {
      const arxivId = (
        store.db.prepare('SELECT arxiv_id FROM papers WHERE id = ?').get(id) as { arxiv_id: string }
      ).arxiv_id;
      const p = (await store.papers.get(arxivId))!;
      const version = p.version + 1;
      bump.push({
        ...p,
        version,
        comments: `v${version}: camera-ready`,
        versions: [...p.versions, { version, createdAt: now }],
        updatedAt: now,
      });
    }
    for (let i = 0; i < fresh.length; i += 1000) await store.papers.upsertMany(fresh.slice(i, i + 1000));
    for (let i = 0; i < bump.length; i += 1000) await store.papers.upsertMany(bump.slice(i, i + 1000));
    const queued = (store.db.prepare('SELECT count(*) AS n FROM alert_changes').get() as { n: number }).n;
    process.stderr.write(
      `harvest: ${fresh.length} new papers, ${bump.length} new versions, ${queued} changes\n`,
    );

    // Baseline: every followed search once over the new papers, reader by reader.
    const candidates: CandidatePaper[] = fresh.map((p) => ({
      arxivId: p.arxivId,
      title: p.title,
      abstract: p.abstract,
      authors: p.authors.map((a) => a.name),
      categories: p.categories,
      submittedAt: p.submittedAt,
    }));
    const b0 = performance.now();
    let baselineMatches = 0;
    const index = buildIndex(candidates);
    for (const mine of searches) {
      index.memo.clear(); // nothing shared between readers: each runs its own searches
      baselineMatches += matchInterests(
        index,
        parseInterests({ categories: [], keywords: mine, authors: [] }),
      ).size;
    }
    const baselineS = (performance.now() - b0) / 1000;

    const { repo, spent } = timed(store.alerts);
    const e0 = performance.now();
    const r = await computeEvents(repo, { baseUrl: 'https://bench.example' });
    const eventsS = (performance.now() - e0) / 1000;
    const readS = spent.pendingChanges + spent.changedPapers + spent.followAlerts + spent.watchers;
    const split = {
      spentS: Object.fromEntries(TIMED.map((k) => [k, round(spent[k])])),
      readS: round(readS),
      storeS: round(spent.record),
      matchS: round(eventsS - readS - spent.record),
    };
    const byType = new Map<string, number>();
    for (const e of r.events) byType.set(e.type, (byType.get(e.type) ?? 0) + 1);
    process.stderr.write(
      `events: ${r.events.length} (${[...byType].map(([k, v]) => `${k} ${v}`).join(', ')}) from ${r.changes} changes in ${eventsS.toFixed(2)} s (read ${split.readS} s, store ${split.storeS} s, match ${split.matchS} s; ${JSON.stringify(split.spentS)}), ${r.deliveries} webhook deliveries; baseline ${baselineS.toFixed(2)} s (${baselineMatches} matches)\n`,
    );
    const metrics: Metric[] = [
      {
        metric: 'event computation (harvest → stored events)',
        unit: 's',
        paperboy: Math.round(eventsS * 100) / 100,
        baseline: Math.round(baselineS * 100) / 100,
        target: `≤ ${TARGET_S} s`,
        pass: eventsS <= TARGET_S,
      },
      {
        metric: 'events stored',
        unit: 'events',
        paperboy: r.events.length,
        baseline: null,
        target: '',
        pass: null,
      },
      {
        metric: 'webhook deliveries queued with them',
        unit: 'deliveries',
        paperboy: r.deliveries,
        baseline: null,
        target: '',
        pass: null,
      },
    ];
    await writeReport({
      name: 'alerts',
      params: {
        count: o.count,
        seed: o.seed,
        readers: o.readers,
        fresh: o.fresh,
        versions: bump.length,
        webhooks: Math.min(o.webhooks, o.readers),
      },
      metrics,
      details: { changes: r.changes, byType: Object.fromEntries(byType), baselineMatches, ...split },
    });
    return metrics;
  } finally {
    await store.close();
  }
}
