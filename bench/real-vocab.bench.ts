/**
 * `real-vocab` bench (issue 17 item 7): the hand-written real-vocabulary set
 * (bench/quality/real-vocab.*) mixed into a generated corpus of `--count` distractors (default
 * 20,000), imported through the CLI and reindexed (vectors retrained), then:
 *   per query kind (title, paraphrase, question) and mode (keyword, vector, hybrid): MRR@10,
 *     recall@5 = relevant in the top 5 / min(5, relevant), and how many queries returned nothing;
 *   similar papers (searchPapers' sibling similarPapers): precision@5 = judged-similar papers in
 *     the top 5 / min(5, judged similar).
 * Baseline in the same run: `--baseline-ref <git ref>` (default PRE_ISSUE_REF, the code before
 * issue 17; `none` to skip) is checked out with `git worktree add` in /tmp, imports the same file
 * through its own CLI and is measured through its own search modules
 * (bench/quality/real-vocab-measure.ts), then the worktree is removed.
 *   npx node bench/main.ts real-vocab [--count 20000] [--seed 42] [--baseline-ref <ref>|none]
 */
import { execFile } from 'node:child_process';
import { appendFile, copyFile, mkdir, readFile, realpath, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { ensureCorpus, paperboyEnv, parseBenchArgs, ROOT, runChild } from './common.ts';
import {
  PAPERS_FILE,
  QUERIES_FILE,
  QUERY_KINDS,
  type QueryKind,
  SIMILAR_FILE,
} from './quality/real-vocab.ts';
import type { Measurement, Mode, QueryResult } from './quality/real-vocab-measure.ts';
import { MODES } from './quality/real-vocab-measure.ts';
import { type Metric, writeReport } from './report.ts';

/** main at the start of issue 17 ("ARCHITECTURE: test/support's serve child …"). */
export const PRE_ISSUE_REF = '92819bb';
const git = promisify(execFile);

export function mrrAt10(hits: string[], relevant: string[]): number {
  const i = hits.slice(0, 10).findIndex((h) => relevant.includes(h));
  return i < 0 ? 0 : 1 / (i + 1);
}

export function recallAt5(hits: string[], relevant: string[]): number {
  const found = new Set(hits.slice(0, 5).filter((h) => relevant.includes(h)));
  return found.size / Math.max(1, Math.min(5, relevant.length));
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);

export interface Summary {
  byKind: Record<QueryKind, Record<Mode, { mrr10: number; recall5: number; empty: number; n: number }>>;
  similarP5: number;
}

export function summarize(m: Measurement): Summary {
  const byKind = {} as Summary['byKind'];
  for (const kind of QUERY_KINDS) {
    const qs = m.queries.filter((q) => q.kind === kind);
    byKind[kind] = {} as Summary['byKind'][QueryKind];
    for (const mode of MODES) {
      byKind[kind][mode] = {
        mrr10: mean(qs.map((q) => mrrAt10(q.hits[mode], q.relevant))),
        recall5: mean(qs.map((q) => recallAt5(q.hits[mode], q.relevant))),
        empty: qs.filter((q) => q.hits[mode].length === 0).length,
        n: qs.length,
      };
    }
  }
  const similarP5 = mean(m.similar.map((s) => recallAt5(s.hits, s.similar)));
  return { byKind, similarP5 };
}

/** `--baseline-ref X` / `--baseline-ref=X` (parseBenchArgs does not declare it). */
function baselineRef(argv: string[]): string | null {
  let ref = PRE_ISSUE_REF;
  argv.forEach((a, i) => {
    if (a === '--baseline-ref' && argv[i + 1]) ref = argv[i + 1]!;
    else if (a.startsWith('--baseline-ref=')) ref = a.slice('--baseline-ref='.length);
  });
  return ref === 'none' ? null : ref;
}

interface QualitySet {
  /** Generated distractors followed by the quality set's papers. */
  mixed: string;
  queries: string;
  similar: string;
}

/** Imports the mixed file with the CLI of the checkout at `root` into a fresh `data`, then measures there. */
async function contender(root: string, set: QualitySet, data: string): Promise<Measurement> {
  await rm(data, { recursive: true, force: true });
  await mkdir(data, { recursive: true });
  const env = paperboyEnv(data, { PAPERBOY_LOG_LEVEL: 'silent' });
  const imp = await runChild(
    process.execPath,
    [path.join(root, 'src/cli/main.ts'), 'import', set.mixed, '--json'],
    env,
  );
  if (imp.code !== 0 || !imp.json)
    throw new Error(`import in ${root} failed (exit ${imp.code}):\n${imp.stderrTail}`);
  process.stderr.write(
    `${root}: imported ${JSON.stringify(imp.json.inserted)} in ${imp.wallSeconds.toFixed(0)} s\n`,
  );
  const out = path.join(data, 'real-vocab-measure.json');
  const script = path.join(ROOT, 'bench', 'quality', 'real-vocab-measure.ts');
  const r = await runChild(process.execPath, [script, root, data, set.queries, set.similar, out], env);
  if (r.code !== 0) throw new Error(`measuring ${root} failed (exit ${r.code}):\n${r.stderrTail}`);
  const m = JSON.parse(await readFile(out, 'utf8')) as Measurement;
  process.stderr.write(
    `${root}: reindexed in ${m.reindexSeconds.toFixed(0)} s, measured in ${r.wallSeconds.toFixed(0)} s\n`,
  );
  return m;
}

/** The baseline ref checked out in /tmp (sharing this checkout's node_modules), removed after. */
async function withWorktree<T>(ref: string, fn: (root: string, sha: string) => Promise<T>): Promise<T> {
  const sha = (await git('git', ['-C', ROOT, 'rev-parse', '--verify', `${ref}^{commit}`])).stdout.trim();
  const dir = path.join('/tmp', `paperboy-realvocab-baseline-${sha.slice(0, 12)}-${process.pid}`);
  await git('git', ['-C', ROOT, 'worktree', 'add', '--detach', dir, sha]);
  try {
    await symlink(await realpath(path.join(ROOT, 'node_modules')), path.join(dir, 'node_modules'));
    return await fn(dir, sha);
  } finally {
    await git('git', ['-C', ROOT, 'worktree', 'remove', '--force', dir]).catch((err: unknown) => {
      process.stderr.write(`could not remove worktree ${dir}: ${String(err)}\n`);
    });
  }
}

const TARGET_RECALL5: Record<QueryKind, number> = { title: 0.9, paraphrase: 0.7, question: 0.7 };

function metricsOf(now: Summary, base: Summary | null): Metric[] {
  const out: Metric[] = [];
  for (const kind of QUERY_KINDS) {
    for (const mode of MODES) {
      const a = now.byKind[kind][mode];
      const b = base?.byKind[kind][mode] ?? null;
      const hybrid = mode === 'hybrid';
      out.push(
        {
          metric: `${kind} MRR@10, ${mode}`,
          unit: 'score',
          paperboy: a.mrr10,
          baseline: b?.mrr10 ?? null,
          target: '',
          pass: null,
        },
        {
          metric: `${kind} recall@5, ${mode}`,
          unit: 'share',
          paperboy: a.recall5,
          baseline: b?.recall5 ?? null,
          target: hybrid ? `≥ ${TARGET_RECALL5[kind]}` : '',
          pass: hybrid ? a.recall5 >= TARGET_RECALL5[kind] : null,
        },
        {
          metric: `${kind} queries with no result, ${mode}`,
          unit: `of ${a.n}`,
          paperboy: a.empty,
          baseline: b?.empty ?? null,
          target: hybrid ? '0' : '',
          pass: hybrid ? a.empty === 0 : null,
        },
      );
    }
  }
  out.push({
    metric: 'similar papers precision@5',
    unit: 'share',
    paperboy: now.similarP5,
    baseline: base?.similarP5 ?? null,
    target: '≥ 0.8',
    pass: now.similarP5 >= 0.8,
  });
  return out;
}

const perQuery = (m: Measurement | null) =>
  m?.queries.map((q: QueryResult) => ({
    kind: q.kind,
    q: q.q,
    relevant: q.relevant,
    rank: Object.fromEntries(
      MODES.map((mode) => [mode, q.hits[mode].findIndex((h) => q.relevant.includes(h)) + 1 || null]),
    ),
    results: Object.fromEntries(MODES.map((mode) => [mode, q.hits[mode].length])),
  }));

export async function run(argv: string[]): Promise<Metric[]> {
  const args = parseBenchArgs(argv, { count: 20_000 });
  const ref = baselineRef(argv);
  const corpus = await ensureCorpus(args.count, args.seed);
  const work = path.join('/tmp', 'paperboy-bench-realvocab', `${args.count}-s${args.seed}`);
  await mkdir(work, { recursive: true });
  // Copies taken now, so both contenders measure the same set even if the files change meanwhile.
  // The quality set goes after the distractors: its papers get the highest row ids.
  const set: QualitySet = {
    mixed: path.join(work, 'mixed.jsonl'),
    queries: path.join(work, 'queries.json'),
    similar: path.join(work, 'similar.json'),
  };
  await copyFile(corpus, set.mixed);
  await appendFile(set.mixed, await readFile(PAPERS_FILE));
  await copyFile(QUERIES_FILE, set.queries);
  await copyFile(SIMILAR_FILE, set.similar);
  const now = await contender(ROOT, set, path.join(work, 'paperboy'));
  const baseline = ref
    ? await withWorktree(ref, async (root, sha) => ({
        sha,
        m: await contender(root, set, path.join(work, 'baseline')),
      }))
    : null;
  const base = baseline?.m ?? null;
  const headSha = (await git('git', ['-C', ROOT, 'rev-parse', 'HEAD'])).stdout.trim();
  const s = summarize(now);
  const b = base ? summarize(base) : null;
  const metrics = metricsOf(s, b);
  const { markdown, json } = await writeReport({
    name: 'real-vocab',
    params: {
      count: args.count,
      seed: args.seed,
      head: headSha.slice(0, 12),
      baseline: baseline ? `${ref} (${baseline.sha.slice(0, 12)})` : 'none',
      queries: now.queries.length,
      similar: now.similar.length,
    },
    metrics,
    details: {
      paperboy: {
        reindex: now.reindex,
        reindexSeconds: now.reindexSeconds,
        perQuery: perQuery(now),
        similar: now.similar,
      },
      baseline: base
        ? {
            reindex: base.reindex,
            reindexSeconds: base.reindexSeconds,
            perQuery: perQuery(base),
            similar: base.similar,
          }
        : null,
    },
  });
  process.stdout.write(`${markdown}\n(report: ${path.relative(ROOT, json)})\n`);
  return metrics;
}
