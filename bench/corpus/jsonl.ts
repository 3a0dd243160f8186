/** One chunk of the corpus as JSON Lines text plus its partial ground truth. */
import { CHUNK, PaperGenerator, type ArxivRecord } from './papers.ts';
import type { TruthPart } from './truth.ts';

const q = JSON.stringify;
const NEEDS_FULL_ESCAPE = /["\\\u0000-\u0009\u000b-\u001f]/;

/**
 * Same bytes as JSON.stringify(record) (the test checks), but the abstract — most of the line,
 * and only letters, punctuation and newlines — skips the generic escaper, which was ~15% of
 * generation time.
 */
export function toJsonLine(r: ArxivRecord): string {
  const abs = NEEDS_FULL_ESCAPE.test(r.abstract) ? q(r.abstract) : `"${r.abstract.replaceAll('\n', '\\n')}"`;
  return (
    `{"id":${q(r.id)},"submitter":${q(r.submitter)},"authors":${q(r.authors)},"title":${q(r.title)}` +
    `,"comments":${q(r.comments)},"journal-ref":${q(r['journal-ref'])},"doi":${q(r.doi)}` +
    `,"report-no":${q(r['report-no'])},"categories":${q(r.categories)},"license":${q(r.license)}` +
    `,"abstract":${abs},"versions":${q(r.versions)},"update_date":${q(r.update_date)}` +
    `,"authors_parsed":${q(r.authors_parsed)}}\n`
  );
}

export function chunkCount(count: number): number {
  return Math.ceil(count / CHUNK);
}

export function renderChunk(count: number, seed: number, chunk: number): { text: string; truth: TruthPart } {
  const start = chunk * CHUNK;
  const g = new PaperGenerator(count, seed, start, Math.min(count, start + CHUNK));
  const lines: string[] = [];
  while (!g.done) lines.push(toJsonLine(g.next()));
  return { text: lines.join(''), truth: g.truth.take() };
}
