/**
 * Ground truth for search-quality benchmarks, gathered while papers are generated. Collectors
 * are per chunk and merge in chunk order, so parallel generation gives the same file.
 *
 * - synonym: the query is one surface form of a concept; relevant papers use another form and
 *   (by construction: variant stems are reserved) never contain the query's words. Judge any
 *   hit with `variants`: relevant iff its text holds one of the other variants.
 * - keyword: 2–3 frequent words of one topic; relevant papers contain all of them in title or
 *   abstract (every vocabulary word owns its stem, so the FTS5 porter index agrees).
 * Lists are capped to the first `cap` ids in corpus order; `total` is the full count.
 */
import { int, mulberry32 } from './prng.ts';
import type { World } from './world.ts';

const RELEVANT_CAP = 50;
const QUERIES_PER_KIND = 50;

interface SynonymTruth {
  q: string;
  concept: number;
  variants: string[];
  relevant: string[];
  total: number;
}

interface KeywordTruth {
  q: string;
  topic: number;
  relevant: string[];
  total: number;
}

export interface GroundTruth {
  count: number;
  seed: number;
  cap: number;
  synonym: SynonymTruth[];
  keyword: KeywordTruth[];
}

/** Mergeable partial truth of one chunk (structured-clone friendly, for worker messages). */
export interface TruthPart {
  /** [concept][variant] → [serial, id] of the first papers using that variant. */
  syn: [number, string][][][];
  synCount: number[][];
  kw: { relevant: string[]; total: number }[];
}

interface KeywordPlan {
  words: number[];
  topic: number;
}

/** 2–3 of a topic's 8 most frequent words; fixed across seeds so query sets are comparable. */
function keywordPlan(w: World): KeywordPlan[] {
  const rng = mulberry32(0xc0ffee);
  const byWeight = [...w.topics].sort((a, b) => b.weight - a.weight);
  return byWeight.slice(0, QUERIES_PER_KIND + 20).map((t) => {
    const n = rng() < 0.6 ? 2 : 3;
    const words: number[] = [];
    while (words.length < n) {
      const x = t.words[int(rng, 8)]!;
      if (!words.includes(x)) words.push(x);
    }
    return { words, topic: t.index };
  });
}

export class TruthCollector {
  private readonly plan: KeywordPlan[];
  private readonly part: TruthPart;

  constructor(world: World) {
    this.plan = keywordPlan(world);
    this.part = {
      syn: world.concepts.map((c) => c.variants.map(() => [])),
      synCount: world.concepts.map((c) => c.variants.map(() => 0)),
      kw: this.plan.map(() => ({ relevant: [], total: 0 })),
    };
  }

  concept(concept: number, variant: number, serial: number, id: string): void {
    const first = this.part.syn[concept]![variant]!;
    if (first.length < RELEVANT_CAP) first.push([serial, id]);
    this.part.synCount[concept]![variant]!++;
  }

  /** Call after the paper's title and abstract stamped `seen` with `stamp`. */
  keywords(seen: Int32Array, stamp: number, id: string): void {
    for (let q = 0; q < this.plan.length; q++) {
      const words = this.plan[q]!.words;
      let all = true;
      for (let k = 0; k < words.length && all; k++) all = seen[words[k]!] === stamp;
      if (all) {
        const kw = this.part.kw[q]!;
        kw.total++;
        if (kw.relevant.length < RELEVANT_CAP) kw.relevant.push(id);
      }
    }
  }

  take(): TruthPart {
    return this.part;
  }
}

export function mergeTruth(world: World, parts: TruthPart[], count: number, seed: number): GroundTruth {
  const plan = keywordPlan(world);
  const synonym: SynonymTruth[] = [];
  // Hand-written concepts first: their queries read like real ones ("car" → "automobile").
  const order = [...world.concepts].sort((a, b) => Number(b.handcrafted) - Number(a.handcrafted));
  for (const c of order) {
    // Rotate which form is asked, but ask a form the corpus uses (an embedder must have seen it).
    const used = c.variants.map((_, v) => parts.reduce((a, p) => a + p.synCount[c.index]![v]!, 0));
    const rotated = c.index % c.variants.length;
    const qv = used[rotated]! >= 5 ? rotated : used.indexOf(Math.max(...used));
    const others = c.variants.map((_, v) => v).filter((v) => v !== qv);
    let total = 0;
    const merged: [number, string][] = [];
    for (const p of parts) {
      for (const v of others) {
        total += p.synCount[c.index]![v]!;
        merged.push(...p.syn[c.index]![v]!);
      }
    }
    if (total === 0) continue;
    merged.sort((a, b) => a[0] - b[0]);
    const relevant = merged.slice(0, RELEVANT_CAP).map(([, id]) => id);
    synonym.push({ q: c.variants[qv]!, concept: c.index, variants: c.variants, relevant, total });
    if (synonym.length >= QUERIES_PER_KIND) break;
  }
  const keyword: KeywordTruth[] = [];
  plan.forEach((q, i) => {
    let total = 0;
    const relevant: string[] = [];
    for (const p of parts) {
      total += p.kw[i]!.total;
      for (const id of p.kw[i]!.relevant) if (relevant.length < RELEVANT_CAP) relevant.push(id);
    }
    if (total > 0 && keyword.length < QUERIES_PER_KIND) {
      keyword.push({ q: q.words.map((x) => world.vocab[x]).join(' '), topic: q.topic, relevant, total });
    }
  });
  return { count, seed, cap: RELEVANT_CAP, synonym, keyword };
}
