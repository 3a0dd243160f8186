/**
 * Titles and abstracts: the hot path of the generator (~200 word draws per paper). Abstracts are
 * written as ASCII bytes into one scratch buffer and decoded once, because building them from
 * hundreds of small string concatenations cost 3x more (mostly rope flattening). Every
 * vocabulary word emitted is stamped in `seen`, so "does this paper contain word X" is O(1).
 */
import { int, pick, type Rng, zipf } from './prng.ts';
import type { Topic, World } from './world.ts';

/** Share of abstract words drawn from the paper's topic (the rest from the global Zipf). */
const TOPIC_SHARE = 0.28;
/** Part of the topic share that goes to the secondary topic when there is one. */
const TOPIC2_SHARE = 0.1;

const capWords = (s: string) =>
  s.replace(/(^|\s)([a-z])/g, (_m, sp: string, c: string) => sp + c.toUpperCase());

interface TemplatePart {
  kind: 'T' | 'A' | 'text';
  text: string;
  words: number;
}

/** Immutable per-world tables, built once per thread (a generator is made per chunk). */
interface Prepared {
  vocabBytes: Buffer;
  /** The same bytes padded by 16, read 4 at a time (a word may over-read into the next). */
  vocabView: DataView;
  offsets: Int32Array;
  mathBytes: Buffer[];
  vocabZipf: (u: number) => number;
  topicZipf: (u: number) => number;
  templates: TemplatePart[][];
  /** Concept variants as bytes, by text. */
  variantBytes: Map<string, Buffer>;
}
const prepared = new WeakMap<World, Prepared>();

function prepare(world: World): Prepared {
  const offsets = new Int32Array(world.vocab.length + 1);
  world.vocab.forEach((v, i) => {
    offsets[i + 1] = offsets[i]! + v.length;
  });
  const templates = world.templates.map((t) =>
    t
      .split(/(\{[AT]\})/)
      .filter(Boolean)
      .map((p): TemplatePart => {
        if (p === '{T}' || p === '{A}') return { kind: p === '{T}' ? 'T' : 'A', text: '', words: 1 };
        return { kind: 'text', text: p, words: p.split(' ').filter((s) => /\w/.test(s)).length };
      }),
  );
  const vocabBytes = Buffer.from(world.vocab.join(''), 'latin1');
  const padded = Buffer.alloc(vocabBytes.length + 16);
  vocabBytes.copy(padded);
  return {
    vocabBytes,
    vocabView: new DataView(padded.buffer, padded.byteOffset, padded.byteLength),
    offsets,
    mathBytes: world.mathSnippets.map((m) => Buffer.from(m, 'latin1')),
    vocabZipf: zipf(world.vocab.length, 1),
    topicZipf: zipf(world.topics[0]!.words.length, 3),
    templates,
    variantBytes: new Map(
      world.concepts.flatMap((c) => c.variants.map((v) => [v, Buffer.from(v, 'latin1')])),
    ),
  };
}

const scratch = Buffer.alloc(64 * 1024);
const scratchView = new DataView(scratch.buffer, scratch.byteOffset, scratch.byteLength);

export class TextWriter {
  readonly seen: Int32Array;
  private readonly world: World;
  private readonly scratch = scratch;
  private readonly vocabBytes: Buffer;
  private readonly vocabView: DataView;
  private readonly offsets: Int32Array;
  private readonly mathBytes: Buffer[];
  private readonly vocabZipf: (u: number) => number;
  private readonly topicZipf: (u: number) => number;
  private readonly templates: TemplatePart[][];
  private readonly variantBytes: Map<string, Buffer>;

  constructor(world: World) {
    this.world = world;
    this.seen = new Int32Array(world.vocab.length);
    let p = prepared.get(world);
    if (!p) {
      p = prepare(world);
      prepared.set(world, p);
    }
    this.vocabBytes = p.vocabBytes;
    this.vocabView = p.vocabView;
    this.offsets = p.offsets;
    this.mathBytes = p.mathBytes;
    this.vocabZipf = p.vocabZipf;
    this.topicZipf = p.topicZipf;
    this.templates = p.templates;
    this.variantBytes = p.variantBytes;
  }

  private topicWord(rng: Rng, topic: Topic, stamp: number): number {
    const x = topic.words[this.topicZipf(rng())]!;
    this.seen[x] = stamp;
    return x;
  }

  /** Title Case from a template; the concept's variant (if given) takes the first topic slot. */
  title(rng: Rng, topic: Topic, variant: string | null, stamp: number): string {
    const w = this.world;
    const parts = this.templates[int(rng, this.templates.length)]!;
    let out = '';
    let pending = variant;
    let words = 0;
    let used = -1;
    const topicTitleWord = () => {
      let x = this.topicWord(rng, topic, stamp);
      if (x === used) x = this.topicWord(rng, topic, stamp);
      used = x;
      return w.vocabCap[x]!;
    };
    for (const p of parts) {
      if (p.kind === 'text') out += p.text;
      else if (p.kind === 'A') out += pick(rng, w.adjectives);
      else if (pending) {
        out += capWords(pending);
        words += pending.split(' ').length - 1;
        pending = null;
      } else out += topicTitleWord();
      words += p.words;
    }
    if (words < 6) out += ` and ${topicTitleWord()} ${topicTitleWord()}`;
    if (out.length > 72) {
      // The snapshot keeps arXiv's hard wrap inside long titles ("...\n  rest").
      const at = out.lastIndexOf(' ', 68);
      if (at > 20) out = out.slice(0, at) + '\n ' + out.slice(at);
    }
    return out;
  }

  /** 150–250 words, leading two spaces, hard-wrapped at 80 columns, ending in a newline. */
  abstract(rng: Rng, topic: Topic, topic2: Topic, variant: string | null, stamp: number): string {
    const out = this.scratch;
    const vocab = this.vocabBytes;
    const off = this.offsets;
    const vocabView = this.vocabView;
    const seen = this.seen;
    const vocabZipf = this.vocabZipf;
    const topicZipf = this.topicZipf;
    const target = 150 + int(rng, 101);
    const nv = variant ? 2 + int(rng, 3) : 0;
    const vBytes = variant ? this.variantBytes.get(variant)! : vocab;
    let nextVariant = nv > 0 ? Math.floor(rng() * (target / nv)) : -1;
    let vDone = 0;
    const mathAt = rng() < 0.03 ? 1 + int(rng, target - 1) : -1;
    out[0] = 32;
    out[1] = 32;
    let pos = 2;
    let line = 2;
    let left = 0;
    let commaAt = -1;
    for (let j = 0; j < target; j++) {
      const starts = left === 0;
      if (starts) {
        left = 10 + int(rng, 19);
        // At most one comma per sentence, placed once: one draw per sentence, not per word.
        commaAt = rng() < 0.6 ? 2 + int(rng, left - 4) : -1;
      }
      let src = vocab;
      let a = 0;
      let len: number;
      if (j === nextVariant) {
        src = vBytes;
        len = src.length;
        vDone++;
        nextVariant = vDone < nv ? Math.max(j + 1, Math.floor(((vDone + rng()) * target) / nv)) : -1;
      } else if (j === mathAt && !starts) {
        src = this.mathBytes[int(rng, this.mathBytes.length)]!;
        len = src.length;
      } else {
        // One draw picks the source and, rescaled (again uniform on [0, 1)), the rank too.
        const u = rng();
        let x: number;
        if (u < TOPIC2_SHARE) x = topic2.words[topicZipf(u / TOPIC2_SHARE)]!;
        else if (u < TOPIC_SHARE)
          x = topic.words[topicZipf((u - TOPIC2_SHARE) / (TOPIC_SHARE - TOPIC2_SHARE))]!;
        else x = vocabZipf((u - TOPIC_SHARE) / (1 - TOPIC_SHARE));
        seen[x] = stamp;
        a = off[x]!;
        len = off[x + 1]! - a;
      }
      left--;
      let punct = 0;
      if (left === 0 || j === target - 1) {
        punct = 46; // '.'
        left = 0;
      } else if (left === commaAt) punct = 44; // ','
      const width = punct ? len + 1 : len;
      if (j > 0) {
        if (line + 1 + width > 80) {
          out[pos++] = 10;
          line = 0;
        } else {
          out[pos++] = 32;
          line++;
        }
      }
      if (src === vocab) {
        // 4 bytes at a time: bytes written past the word are overwritten by what follows (and
        // the scratch buffer has room), which saved a fifth of the abstract's time.
        for (let k = 0; k < len; k += 4) scratchView.setUint32(pos + k, vocabView.getUint32(a + k));
      } else for (let k = 0; k < len; k++) out[pos + k] = src[a + k]!;
      if (starts && out[pos]! >= 97 && out[pos]! <= 122) out[pos] = out[pos]! - 32;
      pos += len;
      if (punct) out[pos++] = punct;
      line += width;
    }
    out[pos++] = 10;
    return out.toString('latin1', 0, pos);
  }
}
