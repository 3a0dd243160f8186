/**
 * The For-you quality bench's library: the newest papers of the generated corpus (the same
 * records as bench/corpus/papers-<count>-s<seed>.jsonl, regenerated chunk by chunk, which gives
 * identical bytes) with their ground-truth topic (bench/corpus/world.ts, one of 200), imported
 * through the real snapshot record parser and `PaperRepository.ingestBatch`.
 *
 * Only the tail is loaded because For you reads only the window (7 days) and the readers'
 * examples (from the weeks before it): at 1M papers the newest month holds ~11,000 papers, the
 * volume of a real arXiv month, so each of the 200 topics has papers in the window, which the
 * 100k corpus (~270 papers a week, ~1 per topic) does not give.
 */
import { snapshotRecordToPaper } from '../src/ingest/snapshot/record.ts';
import type { PaperInput } from '../src/papers/paper.ts';
import type { PaperRepository } from '../src/papers/repository.ts';
import { CHUNK, PaperGenerator } from './corpus/papers.ts';

export interface TailPaper {
  input: PaperInput;
  topic: number;
  submittedMs: number;
}

/**
 * The newest `tail` (at least) new-style papers of the corpus of `count` papers, oldest first.
 * The corpus is new-style ids (dates rising with the index) followed by 2% old-style ones
 * (1995–2007); generation starts at a chunk boundary and stops at the first old-style id.
 */
export function corpusTail(count: number, seed: number, tail: number): TailPaper[] {
  const newStyle = count - Math.min(Math.round(count * 0.02), 147 * 900);
  const start = Math.max(0, Math.floor((newStyle - tail) / CHUNK) * CHUNK);
  const gen = new PaperGenerator(count, seed, start);
  const out: TailPaper[] = [];
  while (!gen.done) {
    const rec = gen.next();
    if (rec.id.includes('/')) break;
    const r = snapshotRecordToPaper(rec);
    if (!r.ok) throw new Error(`corpus record ${rec.id}: ${r.reason}`);
    out.push({ input: r.paper, topic: gen.lastTopic, submittedMs: Date.parse(r.paper.submittedAt) });
  }
  return out;
}

/** Imports the papers in batches of 1,000 (one transaction each). */
export async function importTail(papers: PaperRepository, tail: TailPaper[]): Promise<void> {
  for (let i = 0; i < tail.length; i += 1000)
    await papers.ingestBatch({ papers: tail.slice(i, i + 1000).map((t) => t.input) });
}
