/**
 * `search-quality` bench: the corpus generator's ground truth (`<corpus>.queries.json`) through
 * searchPapers in three modes — keyword only, vector only, hybrid — on a freshly reindexed
 * SQLite data directory.
 *   synonym queries: recall@10 = relevant hits in the top 10 / min(10, relevant total), where a
 *     hit is relevant iff its title/abstract holds another variant of the query's concept (the
 *     generator never puts the query's own words in those papers: keyword search cannot find them);
 *   keyword queries: nDCG@10 with binary relevance = title/abstract holds every query word.
 * Baseline: keyword-only, measured in the same run.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { openStore } from '../src/app/open.ts';
import { reindex } from '../src/search/reindex.ts';
import { semanticFor } from '../src/search/semantic.ts';
import { type SearchMode, searchPapers } from '../src/search/service.ts';
import { type BenchArgs, corpusPath, parseBenchArgs, ROOT } from './common.ts';
import { type GroundTruth, queriesPathFor } from './corpus/generate.ts';
import { type Metric, writeReport } from './report.ts';
import { searchDataDir } from './search-data.ts';

const TOKEN = /[\p{L}\p{N}]+/gu;
const words = (s: string) => (s.toLowerCase().match(TOKEN) ?? []) as string[];

/** Does the token list contain the phrase's tokens in a row? */
export function containsPhrase(tokens: string[], phrase: string[]): boolean {
  outer: for (let i = 0; i + phrase.length <= tokens.length; i++) {
    for (let j = 0; j < phrase.length; j++) if (tokens[i + j] !== phrase[j]) continue outer;
    return true;
  }
  return false;
}

export function recallAt10(relevant: boolean[], total: number): number {
  return relevant.slice(0, 10).filter(Boolean).length / Math.max(1, Math.min(10, total));
}

export function ndcgAt10(relevant: boolean[], total: number): number {
  let dcg = 0;
  relevant.slice(0, 10).forEach((r, i) => {
    if (r) dcg += 1 / Math.log2(i + 2);
  });
  let ideal = 0;
  for (let i = 0; i < Math.min(10, total); i++) ideal += 1 / Math.log2(i + 2);
  return ideal ? dcg / ideal : 0;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const MODES: SearchMode[] = ['keyword', 'vector', 'hybrid'];

export async function run(argv: string[]): Promise<Metric[]> {
  const args: BenchArgs = parseBenchArgs(argv, { count: 100_000 });
  const data = await searchDataDir(args.count, args.seed);
  const truth = JSON.parse(
    await readFile(queriesPathFor(corpusPath(args.count, args.seed)), 'utf8'),
  ) as GroundTruth;
  const store = await openStore({ dataDir: data });
  const config = { data, embedder: 'builtin' as const };
  try {
    const t0 = performance.now();
    const report = await reindex(store, config, {
      retrain: args.values.retrain === true,
      onProgress: (phase, d, t) => {
        if (d === t) process.stderr.write(`${phase}: ${d}/${t}\n`);
      },
    });
    process.stderr.write(
      `reindex: ${JSON.stringify(report)} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`,
    );
    // Searches never wait for the index to load (they answer by keyword meanwhile): wait here, or
    // the first queries are measured as keyword-only ("automobile" scored 0 for vector at 1M).
    await (await semanticFor(store, config)).open();
    const texts = new Map<string, string[]>();
    const tokensOf = async (ids: { arxivId: string; paperId: number }[]) => {
      const missing = ids.filter((h) => !texts.has(h.arxivId));
      for (const h of missing) {
        const p = await store.papers.get(h.arxivId);
        texts.set(h.arxivId, words(`${p?.title ?? ''} ${p?.abstract ?? ''}`));
      }
      return ids.map((h) => texts.get(h.arxivId)!);
    };
    const scores: Record<string, Record<SearchMode, number[]>> = {
      synonym: { keyword: [], vector: [], hybrid: [] },
      keyword: { keyword: [], vector: [], hybrid: [] },
    };
    const perQuery: Record<string, unknown>[] = [];
    for (const s of truth.synonym) {
      const others = s.variants.filter((v) => v !== s.q).map(words);
      const row: Record<string, unknown> = { kind: 'synonym', q: s.q };
      for (const mode of MODES) {
        const r = await searchPapers({ store, config }, { q: `"${s.q}"`, pageSize: 10, mode });
        const toks = await tokensOf(r.hits);
        const rel = toks.map((t) => others.some((o) => containsPhrase(t, o)));
        const v = recallAt10(rel, s.total);
        scores.synonym![mode].push(v);
        row[mode] = v;
      }
      perQuery.push(row);
    }
    for (const k of truth.keyword) {
      const need = words(k.q);
      const row: Record<string, unknown> = { kind: 'keyword', q: k.q };
      for (const mode of MODES) {
        const r = await searchPapers({ store, config }, { q: k.q, pageSize: 10, mode });
        const toks = await tokensOf(r.hits);
        const rel = toks.map((t) => need.every((w) => t.includes(w)));
        const v = ndcgAt10(rel, k.total);
        scores.keyword![mode].push(v);
        row[mode] = v;
      }
      perQuery.push(row);
    }
    const syn = (m: SearchMode) => mean(scores.synonym![m]);
    const kw = (m: SearchMode) => mean(scores.keyword![m]);
    const metrics: Metric[] = [
      {
        metric: 'synonym recall@10, vector',
        unit: 'share',
        paperboy: syn('vector'),
        baseline: syn('keyword'),
        target: '≥ 0.6 (baseline: keyword only ≤ 0.3)',
        pass: syn('vector') >= 0.6 && syn('keyword') <= 0.3,
      },
      {
        metric: 'synonym recall@10, hybrid',
        unit: 'share',
        paperboy: syn('hybrid'),
        baseline: syn('keyword'),
        target: '≥ 0.6 (baseline: keyword only ≤ 0.3)',
        pass: syn('hybrid') >= 0.6 && syn('keyword') <= 0.3,
      },
      {
        metric: 'keyword nDCG@10, hybrid',
        unit: 'score',
        paperboy: kw('hybrid'),
        baseline: kw('keyword'),
        target: '≥ keyword only − 0.02',
        pass: kw('hybrid') >= kw('keyword') - 0.02,
      },
      {
        metric: 'keyword nDCG@10, vector',
        unit: 'score',
        paperboy: kw('vector'),
        baseline: kw('keyword'),
        target: '',
        pass: null,
      },
    ];
    const { markdown, json } = await writeReport({
      name: 'search-quality',
      params: { count: args.count, seed: args.seed, model: report.model, vectors: report.vectors },
      metrics,
      details: { reindex: report, perQuery },
    });
    process.stdout.write(`${markdown}\n(report: ${path.relative(ROOT, json)})\n`);
    return metrics;
  } finally {
    await store.close();
  }
}
