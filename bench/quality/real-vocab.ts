/**
 * The real-vocabulary quality set (issue 17 items 6–7): invented papers written the way real
 * abstracts are, with queries and similar-papers judgments. The text lives in
 * bench/quality/real-vocab-src/ (papers-*.txt, queries.txt); build-real-vocab.ts turns it into the
 * three tracked files below, which the bench (bench/real-vocab.bench.ts) and the data test
 * (test/search/real-vocab.test.ts) read.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const QUALITY_DIR = path.dirname(fileURLToPath(import.meta.url));
export const SOURCE_DIR = path.join(QUALITY_DIR, 'real-vocab-src');
export const PAPERS_FILE = path.join(QUALITY_DIR, 'real-vocab.papers.jsonl');
export const QUERIES_FILE = path.join(QUALITY_DIR, 'real-vocab.queries.json');
export const SIMILAR_FILE = path.join(QUALITY_DIR, 'real-vocab.similar.json');

export const QUERY_KINDS = ['title', 'paraphrase', 'question'] as const;
export type QueryKind = (typeof QUERY_KINDS)[number];

export interface RealVocabQuery {
  kind: QueryKind;
  q: string;
  /** arXiv ids of the papers the query is after (usually one). */
  relevant: string[];
}

export interface SimilarJudgment {
  /** The paper whose similar list is judged. */
  id: string;
  /** Papers on the same problem (≥ 3). */
  similar: string[];
}

export async function loadQueries(file = QUERIES_FILE): Promise<RealVocabQuery[]> {
  return JSON.parse(await readFile(file, 'utf8')) as RealVocabQuery[];
}

export async function loadSimilar(file = SIMILAR_FILE): Promise<SimilarJudgment[]> {
  return JSON.parse(await readFile(file, 'utf8')) as SimilarJudgment[];
}
