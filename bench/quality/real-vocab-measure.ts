/**
 * `node bench/quality/real-vocab-measure.ts <root> <dataDir> <queries> <similar> <out.json>`: one contender of the real-vocab
 * bench, run as a child so two checkouts never share module state. It loads the search code of
 * the checkout at <root> (this one, or a `git worktree` of the baseline ref) through that
 * checkout's own modules, reindexes <dataDir> (already imported by that checkout's CLI), runs the
 * quality set's queries (copies taken at the start of the bench, so both contenders see the same) in the three search modes and the similar-papers judgments, and prints
 * the per-query results as JSON to <out.json>.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadQueries, loadSimilar, type QueryKind } from './real-vocab.ts';

type OpenModule = typeof import('../../src/app/open.ts');
type ReindexModule = typeof import('../../src/search/reindex.ts');
type SemanticModule = typeof import('../../src/search/semantic.ts');
type ServiceModule = typeof import('../../src/search/service.ts');
export type Mode = 'keyword' | 'vector' | 'hybrid';
export const MODES: Mode[] = ['keyword', 'vector', 'hybrid'];

export interface QueryResult {
  kind: QueryKind;
  q: string;
  relevant: string[];
  /** Top-10 arXiv ids per mode. */
  hits: Record<Mode, string[]>;
}

interface SimilarResult {
  id: string;
  similar: string[];
  hits: string[];
  mode: string | null;
}

export interface Measurement {
  root: string;
  reindex: unknown;
  reindexSeconds: number;
  queries: QueryResult[];
  similar: SimilarResult[];
}

const load = <T>(root: string, rel: string) => import(pathToFileURL(path.join(root, rel)).href) as Promise<T>;

async function measure(
  root: string,
  data: string,
  files: { queries: string; similar: string },
): Promise<Measurement> {
  const { openStore } = await load<OpenModule>(root, 'src/app/open.ts');
  const { reindex } = await load<ReindexModule>(root, 'src/search/reindex.ts');
  const { semanticFor } = await load<SemanticModule>(root, 'src/search/semantic.ts');
  const { searchPapers, similarPapers } = await load<ServiceModule>(root, 'src/search/service.ts');
  const store = await openStore({ dataDir: data });
  const config = { data, embedder: 'builtin' as const };
  try {
    const t0 = performance.now();
    const report = await reindex(store, config, { retrain: true });
    const reindexSeconds = (performance.now() - t0) / 1000;
    // Searches answer by keyword while the index loads (see search-quality.bench.ts): wait for it.
    await (await semanticFor(store, config)).open();
    const queries: QueryResult[] = [];
    for (const q of await loadQueries(files.queries)) {
      const hits = {} as Record<Mode, string[]>;
      for (const mode of MODES) {
        const r = await searchPapers({ store, config }, { q: q.q, pageSize: 10, mode });
        hits[mode] = r.hits.map((h) => h.arxivId);
      }
      queries.push({ ...q, hits });
    }
    const similar: SimilarResult[] = [];
    for (const j of await loadSimilar(files.similar)) {
      const r = await similarPapers({ store, config }, j.id, 5);
      similar.push({ ...j, hits: r?.hits.map((h) => h.arxivId) ?? [], mode: r?.mode ?? null });
    }
    return { root, reindex: report, reindexSeconds, queries, similar };
  } finally {
    await store.close();
  }
}

if (import.meta.main) {
  const [root, data, queries, similar, out] = process.argv.slice(2);
  if (!root || !data || !queries || !similar || !out) {
    process.stderr.write(
      'usage: node bench/quality/real-vocab-measure.ts <checkout root> <data dir> <queries.json> <similar.json> <out.json>\n',
    );
    process.exitCode = 2;
  } else {
    measure(path.resolve(root), path.resolve(data), { queries, similar }).then(
      // Exit once written: a semantic index or worker pool left open must not hang the bench.
      async (m) => {
        await writeFile(out, JSON.stringify(m));
        process.exit(0);
      },
      (err: unknown) => {
        process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
        process.exitCode = 1;
      },
    );
  }
}
