/**
 * The fixed "world" behind the synthetic corpus: vocabulary (ranked for a Zipf draw), ~200
 * topics with skewed word lists, ~100 synonym concepts, the author name parts. It is built from
 * a constant seed so every corpus size shares the same topics and queries; only papers depend
 * on the user's seed. Every surface word owns a distinct FTS5 stem, so the ground truth
 * ("contains word X", "never contains the query's words") holds for the real index too.
 */
import { mulberry32, type Rng, shuffle } from './prng.ts';
import { stemTexts } from './stem.ts';
import {
  AFFILIATIONS,
  CONCEPTS,
  FIRST_NAMES,
  GROUPS,
  HEAD,
  LAST_NAMES,
  MATH_SNIPPETS,
  TITLE_ADJECTIVES,
  TITLE_TEMPLATES,
} from './words.ts';

const WORLD_SEED = 0x5eed2026;
const VOCAB_SIZE = 30_000;
const TOPIC_WORDS = 50;
const CONCEPT_COUNT = 100;
const TOPIC_DOMAIN_WORDS = 12;
const GENERATED_LAST_NAMES = 1_800;

export interface Topic {
  index: number;
  group: string;
  primary: string;
  /** Sibling categories for cross-listing (same group), primary excluded. */
  siblings: string[];
  /** Vocabulary indices, most frequent first; real domain words alternate with pseudo-words. */
  words: number[];
  weight: number;
  /** Index into concepts, or -1. */
  concept: number;
}

interface Concept {
  index: number;
  group: string;
  topic: number;
  variants: string[];
  handcrafted: boolean;
}

export interface World {
  vocab: string[];
  /** Capitalized forms, for sentence starts and titles. */
  vocabCap: string[];
  wordIndex: Map<string, number>;
  /** Real (hand-written) words end here; the rest of the vocabulary is pseudo-words. */
  realWords: number;
  topics: Topic[];
  concepts: Concept[];
  firstNames: [string, string][];
  lastNames: [string, string][];
  /** How many of lastNames are real; generated pseudo surnames follow. */
  realLastNames: number;
  affiliations: string[];
  adjectives: string[];
  templates: string[];
  mathSnippets: string[];
}

// Single consonants repeated so they dominate: words look like "vorel", "stanic", "molvan".
const ONSETS =
  'b c d f g h k l m n p r s t v z b d l m n p r s t v br cr dr gr pl pr st tr sp cl th ch'.split(' ');
const NUCLEI = 'a e i o u a e i o u a e i o ea io'.split(' ');
const CODAS = 'n r l s m x nd st nt ck'.split(' ');

function pseudoWord(rng: Rng, syllables: number): string {
  let w = '';
  for (let s = 0; s < syllables; s++) {
    w += ONSETS[(rng() * ONSETS.length) | 0]! + NUCLEI[(rng() * NUCLEI.length) | 0]!;
    if (rng() < (s === syllables - 1 ? 0.6 : 0.15)) w += CODAS[(rng() * CODAS.length) | 0]!;
  }
  return w;
}

const cap = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);

/** Stem → owner; "claim" succeeds when every stem of the text is free (or already this owner's). */
class Claims {
  private readonly owner = new Map<string, string>();
  take(stems: string[], who: string): boolean {
    if (stems.length === 0) return false;
    for (const s of stems) {
      const o = this.owner.get(s);
      if (o !== undefined && o !== who) return false;
    }
    for (const s of stems) this.owner.set(s, who);
    return true;
  }
  ownerOf(stem: string): string | undefined {
    return this.owner.get(stem);
  }
}

let cached: World | undefined;

export function getWorld(): World {
  cached ??= buildWorld();
  return cached;
}

/** Installs a world built elsewhere: workers get the main thread's copy instead of rebuilding. */
export function useWorld(w: World): void {
  cached = w;
}

function buildWorld(): World {
  const rng = mulberry32(WORLD_SEED);
  const claims = new Claims();
  const words = (s: string) => s.split(/\s+/).filter(Boolean);

  // 1. Hand-written synonym variants go first: a clash between them is a bug in words.ts.
  const variantTexts = CONCEPTS.flatMap((c) => c.variants);
  const variantStems = stemTexts(variantTexts);
  let vi = 0;
  CONCEPTS.forEach((c, ci) => {
    for (const v of c.variants) {
      // One owner per variant: variants of one concept must not share a stem either.
      if (!claims.take(variantStems[vi++]!, `concept${ci}:${v}`)) {
        throw new Error(`synonym variant "${v}" shares a stem with another concept or variant`);
      }
    }
  });

  // 2. Real words (head, domain, title words), math snippets and name parts, in priority order.
  const head = words(HEAD);
  const domain = GROUPS.map((g) => words(g.words));
  const real = [...head, ...domain.flat()];
  const names = [...FIRST_NAMES, ...LAST_NAMES].map(([, plain]) => plain);
  const fixed = [...MATH_SNIPPETS, ...real, ...AFFILIATIONS, ...names];
  const fixedStems = stemTexts(fixed);
  const stemOf = new Map<string, string[]>();
  for (const [i, t] of fixed.entries()) stemOf.set(t, fixedStems[i]!);
  for (const m of MATH_SNIPPETS) claims.take(stemOf.get(m)!, 'math');

  const vocab: string[] = [];
  const wordIndex = new Map<string, number>();
  const addWord = (w: string, stems: string[]) => {
    if (wordIndex.has(w) || stems.length !== 1 || !claims.take(stems, `w:${w}`)) return -1;
    wordIndex.set(w, vocab.length);
    vocab.push(w);
    return vocab.length - 1;
  };
  for (const w of real) addWord(w, stemOf.get(w)!);
  const realWords = vocab.length;
  for (const a of AFFILIATIONS) claims.take(stemOf.get(a)!, 'name');
  const firstNames = FIRST_NAMES.filter(([, p]) => claims.take(stemOf.get(p)!, 'name'));
  const realLast = LAST_NAMES.filter(([, p]) => claims.take(stemOf.get(p)!, 'name'));

  // Title template words and adjectives must belong to the head vocabulary, never to a variant.
  const templateWords = TITLE_TEMPLATES.join(' ').replace(/\{[AT]\}|:/g, ' ') + ' ' + TITLE_ADJECTIVES;
  const tStems = stemTexts([templateWords])[0]!;
  for (const s of tStems) {
    if (!claims.ownerOf(s)?.startsWith('w:'))
      throw new Error(`title word stem "${s}" is not a vocabulary word`);
  }

  // 3. Pseudo-words: synthetic concept variants, then topic and tail vocabulary, then surnames.
  const candidates = new Set<string>();
  while (candidates.size < VOCAB_SIZE + 25_000) candidates.add(pseudoWord(rng, 2 + (rng() < 0.3 ? 1 : 0)));
  const cand = shuffle(rng, [...candidates]);
  const candStems = stemTexts(cand);
  let ci = 0;
  /** `who` undefined: the word owns its stem alone. */
  const nextPseudo = (who?: string): string => {
    for (;;) {
      if (ci >= cand.length) throw new Error('ran out of pseudo-word candidates');
      const w = cand[ci]!;
      const s = candStems[ci++]!;
      if (s.length === 1 && w.length >= 4 && claims.take(s, who ?? `w:${w}`)) return w;
    }
  };

  const conceptDefs = CONCEPTS.map((c) => ({ ...c, handcrafted: true }));
  for (let k = conceptDefs.length; k < CONCEPT_COUNT; k++) {
    const n = 3 + (rng() < 0.4 ? 1 : 0);
    const variants: string[] = [];
    for (let v = 0; v < n; v++) {
      if (v === n - 1 && rng() < 0.5) {
        // An acronym variant, like the real "CNN" / "ConvNet" pairs.
        let acr: string;
        do
          acr = Array.from({ length: 3 + (rng() < 0.3 ? 1 : 0) }, () =>
            String.fromCharCode(65 + ((rng() * 26) | 0)),
          ).join('');
        while (!claims.take(stemTexts([acr])[0]!, `concept${k}:${v}`));
        variants.push(acr);
      } else {
        const len = rng() < 0.5 ? 1 : 2;
        variants.push(Array.from({ length: len }, () => nextPseudo(`concept${k}:${v}`)).join(' '));
      }
    }
    conceptDefs.push({ group: '', variants, handcrafted: false });
  }

  while (vocab.length < VOCAB_SIZE) {
    const w = nextPseudo();
    wordIndex.set(w, vocab.length);
    vocab.push(w);
  }
  const lastNames = [...realLast];
  while (lastNames.length < realLast.length + GENERATED_LAST_NAMES) {
    const n = cap(nextPseudo('name'));
    lastNames.push([n, n]);
  }

  // 4. Topics: real domain words of the group interleaved with pseudo-words only this topic uses.
  const pseudoStart = realWords;
  const pseudoOrder = shuffle(
    rng,
    Array.from({ length: VOCAB_SIZE - pseudoStart }, (_, i) => pseudoStart + i),
  );
  let pi = 0;
  const topics: Topic[] = [];
  GROUPS.forEach((g, gi) => {
    const domainIdx = domain[gi]!.map((w) => wordIndex.get(w)).filter((i): i is number => i !== undefined);
    for (let t = 0; t < g.topics; t++) {
      const dw = shuffle(rng, [...domainIdx]).slice(0, TOPIC_DOMAIN_WORDS);
      const list: number[] = [];
      while (list.length < TOPIC_WORDS) {
        if (list.length % 2 === 0 && dw.length > 0) list.push(dw.shift()!);
        else list.push(pseudoOrder[pi++]!);
      }
      const primary = rng() < 0.6 ? g.categories[0]! : g.categories[(rng() * g.categories.length) | 0]!;
      topics.push({
        index: topics.length,
        group: g.name,
        primary,
        siblings: g.categories.filter((c) => c !== primary),
        words: list,
        weight: g.weight * (0.4 + rng()),
        concept: -1,
      });
    }
  });

  // 5. Each concept lives in one topic (of its group when hand-written).
  const free = shuffle(
    rng,
    topics.map((t) => t.index),
  );
  const concepts: Concept[] = conceptDefs.map((c, index) => {
    const at = free.findIndex((t) => c.group === '' || topics[t]!.group === c.group);
    if (at < 0) throw new Error(`no free topic in group ${c.group} for concept ${c.variants[0]}`);
    const topic = free.splice(at, 1)[0]!;
    topics[topic]!.concept = index;
    return { index, group: topics[topic]!.group, topic, variants: c.variants, handcrafted: c.handcrafted };
  });

  return {
    vocab,
    vocabCap: vocab.map(cap),
    wordIndex,
    realWords,
    topics,
    concepts,
    firstNames,
    lastNames,
    realLastNames: realLast.length,
    affiliations: AFFILIATIONS,
    adjectives: words(TITLE_ADJECTIVES).map(cap),
    templates: TITLE_TEMPLATES,
    mathSnippets: MATH_SNIPPETS,
  };
}
