/** One chunk of the corpus as JSON Lines bytes plus its partial ground truth. */
import { type ArxivRecord, CHUNK, PaperGenerator } from './papers.ts';
import type { TruthPart } from './truth.ts';

const q = JSON.stringify;
const NON_ASCII = /[^\x00-\x7f]/g;
const uEscape = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * Quotes a string the generator built from plain ASCII parts (no quotes, backslashes or control
 * characters except newlines). The test checks the result equals JSON.stringify's.
 */
const plain = (s: string | null) =>
  s === null ? 'null' : `"${s.includes('\n') ? s.replaceAll('\n', '\\n') : s}"`;

/**
 * JSON for the record with non-ASCII escaped as \uXXXX (as Python's json.dumps writes the real
 * snapshot). Keeping every line ASCII keeps V8 strings one-byte, which made writing a chunk
 * several times cheaper. Only names hold non-ASCII, only authors and the abstract's math hold
 * backslashes; the other fields skip the generic escaper (a quarter of the time otherwise).
 */
export function toJsonLine(r: ArxivRecord): string {
  const a = r.abstract;
  const abs = a.includes('\\') ? q(a) : plain(a);
  let versions = '[';
  for (const v of r.versions)
    versions += `${versions.length > 1 ? ',' : ''}{"version":"${v.version}","created":"${v.created}"}`;
  return (
    `{"id":"${r.id}","submitter":${q(r.submitter).replace(NON_ASCII, uEscape)},"authors":${q(r.authors)}` +
    `,"title":${plain(r.title)},"comments":${plain(r.comments)},"journal-ref":${plain(r['journal-ref'])}` +
    `,"doi":${plain(r.doi)},"report-no":${plain(r['report-no'])},"categories":"${r.categories}"` +
    `,"license":${plain(r.license)},"abstract":${abs},"versions":${versions}]` +
    `,"update_date":"${r.update_date}","authors_parsed":${q(r.authors_parsed).replace(NON_ASCII, uEscape)}}\n`
  );
}

export function chunkCount(count: number): number {
  return Math.ceil(count / CHUNK);
}

/**
 * Lines are copied into one buffer as they are made: joining a chunk's 5,000 line strings kept
 * them all alive long enough to be promoted by the GC, which doubled the cost of generation.
 */
export function renderChunk(
  count: number,
  seed: number,
  chunk: number,
): { data: Uint8Array; truth: TruthPart } {
  const start = chunk * CHUNK;
  const g = new PaperGenerator(count, seed, start, Math.min(count, start + CHUNK));
  let buf = Buffer.allocUnsafeSlow(CHUNK * 2600);
  let pos = 0;
  while (!g.done) {
    const line = toJsonLine(g.next());
    if (pos + line.length > buf.length) {
      const bigger = Buffer.allocUnsafeSlow(buf.length * 2);
      buf.copy(bigger, 0, 0, pos);
      buf = bigger;
    }
    pos += buf.write(line, pos, 'latin1');
  }
  return { data: buf.subarray(0, pos), truth: g.truth.take() };
}
