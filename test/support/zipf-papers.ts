/**
 * A generated library where a few words are in most papers and most words are rare (Zipf-ish),
 * so common words overflow a keyword top list: test/search/toplists.test.ts and
 * toplists-remember.test.ts build theirs from it.
 */
import { makePaper } from './papers.ts';

export const VOCAB = Array.from({ length: 400 }, (_, i) => `w${i.toString(36)}x`);

/** Deterministic Zipf-ish text: low word indexes are very common (w0x in most papers). */
export function text(seed: number, words: number): string {
  let x = seed * 2654435761;
  const out: string[] = [];
  for (let i = 0; i < words; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    const u = (x % 100000) / 100000;
    out.push(VOCAB[Math.floor(VOCAB.length * u ** 3)]!);
  }
  return out.join(' ');
}

/** Paper `i` of the library (arXiv id 2401.<i>), `extra` words added to its title. */
export const paper = (i: number, extra = '') =>
  makePaper({
    arxivId: `2401.${String(i).padStart(5, '0')}`,
    title: `${text(i, 6)} ${extra}`.trim(),
    abstract: text(i + 7919, 40),
  });
