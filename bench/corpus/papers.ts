/**
 * Synthetic arXiv metadata snapshot records (the bulk JSON Lines format), one at a time.
 * Randomness is reseeded every CHUNK papers from (seed, chunk) and nothing else carries over
 * between chunks (ids and dates are computed from the paper's index), so chunks can be made in
 * parallel workers and still give byte-identical output to a sequential run.
 */
import { cumulative, hash32, int, mulberry32, pick, pickCumulative, type Rng, zipf } from './prng.ts';
import { TextWriter } from './text.ts';
import { TruthCollector } from './truth.ts';
import { getWorld, type Topic, type World } from './world.ts';

export interface ArxivRecord {
  id: string;
  submitter: string | null;
  authors: string;
  title: string;
  comments: string | null;
  'journal-ref': string | null;
  doi: string | null;
  'report-no': string | null;
  categories: string;
  license: string | null;
  abstract: string;
  versions: { version: string; created: string }[];
  update_date: string;
  authors_parsed: string[][];
}

export const CHUNK = 5_000;
const AUTHOR_POOL = 200_000;
const DAY_MS = 86_400_000;
const END_MS = Date.UTC(2026, 10, 20);
const NEW_FROM = { y: 2015, months: 142 }; // 2015-01 .. 2026-10
const OLD_FROM = { y: 1995, months: 147 }; // 1995-01 .. 2007-03, when old-style ids ended
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const LICENSES = [
  null,
  'http://arxiv.org/licenses/nonexclusive-distrib/1.0/',
  'http://creativecommons.org/licenses/by/4.0/',
  'http://creativecommons.org/licenses/by-nc-sa/4.0/',
  'http://creativecommons.org/licenses/by-sa/4.0/',
  'http://creativecommons.org/licenses/by-nc-nd/4.0/',
  'http://creativecommons.org/publicdomain/zero/1.0/',
];
const LICENSE_CUM = cumulative([15, 50, 20, 5, 3, 4, 3]);
const AUTHOR_COUNT_CUM = cumulative([10, 18, 20, 16, 12, 8, 6, 4, 2, 1.5, 1, 0.5]);
const VENUES = ['NeurIPS', 'ICML', 'ICLR', 'CVPR', 'ACL', 'EMNLP', 'AAAI', 'KDD', 'ICRA', 'STOC', 'SODA'];
const PHYS_JOURNALS = [
  'Phys. Rev. D',
  'Phys. Rev. Lett.',
  'Phys. Rev. B',
  'JHEP',
  'Astrophys. J.',
  'Nucl. Phys. B',
];
const CS_JOURNALS = ['IEEE Trans. Pattern Anal. Mach. Intell.', 'J. Mach. Learn. Res.', 'Commun. ACM'];
const CS_GROUPS = new Set(['ml', 'cv', 'nlp', 'ai', 'robo', 'sec', 'ds', 'ir', 'dc', 'se', 'eess', 'econ']);
const NEIGHBOURS: Record<string, string[]> = {
  cs: ['cs.LG', 'cs.AI', 'stat.ML'],
  phys: ['physics.comp-ph', 'cond-mat.stat-mech', 'math-ph'],
  math: ['math.OC', 'math.PR', 'math.NA'],
};

const pad = (n: number, w: number) => String(n).padStart(w, '0');

function rfc822(ms: number): string {
  const d = new Date(ms);
  const time = `${pad(d.getUTCHours(), 2)}:${pad(d.getUTCMinutes(), 2)}:${pad(d.getUTCSeconds(), 2)}`;
  return `${WEEKDAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${time} GMT`;
}

/** Old-style archive for a category: "cond-mat.str-el" -> "cond-mat", "stat.ML" -> "math". */
function oldArchive(cat: string): string {
  const a = cat.split('.')[0]!;
  return ['stat', 'eess', 'econ', 'q-fin'].includes(a) ? 'math' : a;
}

/** Month start indices splitting n papers, growing linearly (arXiv volume grows over time). */
function monthBounds(n: number, months: number, growth: number): Int32Array {
  const w = Array.from({ length: months }, (_, m) => 1 + m * growth);
  const total = w.reduce((a, b) => a + b, 0);
  const out = new Int32Array(months + 1);
  let acc = 0;
  for (let m = 0; m < months; m++) {
    acc += w[m]!;
    out[m + 1] = Math.round((n * acc) / total);
  }
  return out;
}

/** Which month index j falls in, its size and position: a stateless plan for ids and dates. */
class MonthPlan {
  private readonly bounds: Int32Array;
  private m = 0;
  constructor(n: number, months: number, growth: number) {
    this.bounds = monthBounds(n, months, growth);
  }
  locate(j: number): { month: number; k: number; n: number } {
    const b = this.bounds;
    if (j < b[this.m]!) this.m = 0;
    while (j >= b[this.m + 1]!) this.m++;
    return { month: this.m, k: j - b[this.m]!, n: b[this.m + 1]! - b[this.m]! };
  }
}

export class PaperGenerator {
  readonly world: World;
  readonly count: number;
  readonly seed: number;
  readonly truth: TruthCollector;
  /** The primary topic (world.topics index) of the paper next() returned last: the For-you bench's ground truth. */
  lastTopic = -1;
  private rng: Rng;
  private serial: number;
  private readonly end: number;
  private readonly nNew: number;
  private readonly newPlan: MonthPlan;
  private readonly oldPlan: MonthPlan;
  private readonly topicCum: Float64Array;
  private readonly text: TextWriter;
  private readonly localAuthor = zipf(5_000, 20);
  private readonly globalAuthor = zipf(AUTHOR_POOL, 200);

  /** Generates papers [start, end) of a corpus of `count`; start must be a CHUNK multiple. */
  constructor(count: number, seed: number, start = 0, end = count) {
    if (start % CHUNK !== 0) throw new Error(`start must be a multiple of ${CHUNK}`);
    this.count = count;
    this.seed = seed;
    this.serial = start;
    this.end = end;
    this.world = getWorld();
    this.truth = new TruthCollector(this.world);
    this.text = new TextWriter(this.world);
    this.rng = mulberry32(0);
    const nOld = Math.min(Math.round(count * 0.02), OLD_FROM.months * 900);
    this.nNew = count - nOld;
    if (this.nNew / NEW_FROM.months > 45_000) throw new Error('count too large for 5-digit ids per month');
    this.newPlan = new MonthPlan(this.nNew, NEW_FROM.months, 1 / 40);
    this.oldPlan = new MonthPlan(nOld, OLD_FROM.months, 1 / 60);
    this.topicCum = cumulative(this.world.topics.map((t) => t.weight));
  }

  get done(): boolean {
    return this.serial >= this.end;
  }

  next(): ArxivRecord {
    const i = this.serial++;
    if (i >= this.end) throw new Error('generator exhausted');
    if (i % CHUNK === 0) this.rng = mulberry32(hash32(this.seed ^ hash32(i / CHUNK + 0x2545f491)));
    const rng = this.rng;
    const w = this.world;
    const topic = w.topics[pickCumulative(this.topicCum, rng())]!;
    this.lastTopic = topic.index;
    const { id, ms } = i < this.nNew ? this.newId(i) : this.oldId(i - this.nNew, topic);
    const stamp = i + 1;

    const concept = topic.concept >= 0 ? w.concepts[topic.concept]! : null;
    let variantText: string | null = null;
    if (concept) {
      const u = rng();
      const v = u < 0.45 ? 0 : u < 0.75 ? 1 : 1 + int(rng, concept.variants.length - 1);
      variantText = concept.variants[v]!;
      this.truth.concept(concept.index, v, i, id);
    }
    const topic2 = rng() < 0.3 ? w.topics[pickCumulative(this.topicCum, rng())]! : topic;
    const title = this.text.title(
      rng,
      topic,
      variantText !== null && rng() < 0.3 ? variantText : null,
      stamp,
    );
    const abstract = this.text.abstract(rng, topic, topic2, variantText, stamp);
    this.truth.keywords(this.text.seen, stamp, id);

    const { authors, parsed, submitter } = this.authors(topic);
    const versions: { version: string; created: string }[] = [];
    const nv = rng() < 0.6 ? 1 : rng() < 0.7 ? 2 : 3;
    let lastMs = ms;
    for (let v = 1, t = ms; v <= nv && t < END_MS; v++) {
      versions.push({ version: `v${v}`, created: rfc822(t) });
      lastMs = t;
      t += (1 + int(rng, 200)) * DAY_MS + int(rng, DAY_MS);
    }
    // update_date is sometimes later than the last version (metadata-only changes).
    const updated = rng() < 0.2 ? Math.min(END_MS, lastMs + int(rng, 400) * DAY_MS) : lastMs;
    return {
      id,
      submitter,
      authors,
      title,
      comments: this.comments(topic, parsed[0]![0]!),
      ...this.publication(topic, new Date(ms).getUTCFullYear()),
      categories: this.categories(topic),
      license: i >= this.nNew && rng() < 0.8 ? null : LICENSES[pickCumulative(LICENSE_CUM, rng())]!,
      abstract,
      versions,
      update_date: new Date(updated).toISOString().slice(0, 10),
      authors_parsed: parsed,
    };
  }

  /**
   * YYMM.NNNNN, rising inside a month with random gaps: number = 1 + floor(k*step + f*(step-1))
   * is strictly increasing in k for any f in [0,1) and stays ≤ 99999, with no carried state.
   */
  private newId(j: number): { id: string; ms: number } {
    const { month, k, n } = this.newPlan.locate(j);
    const step = Math.min(1.6, 99_999 / n);
    const num = 1 + Math.floor(k * step + this.rng() * (step - 1));
    const y = NEW_FROM.y + Math.floor(month / 12);
    const m = month % 12;
    return { id: `${pad(y % 100, 2)}${pad(m + 1, 2)}.${pad(num, 5)}`, ms: this.monthTime(y, m, k, n) };
  }

  /** archive/YYMMNNN; numbered across archives within the month, so always unique. */
  private oldId(j: number, topic: Topic): { id: string; ms: number } {
    const { month, k, n } = this.oldPlan.locate(j);
    const step = Math.min(2, 999 / n);
    const num = 1 + Math.floor(k * step + this.rng() * (step - 1));
    const y = OLD_FROM.y + Math.floor(month / 12);
    const m = month % 12;
    const id = `${oldArchive(topic.primary)}/${pad(y % 100, 2)}${pad(m + 1, 2)}${pad(num, 3)}`;
    return { id, ms: this.monthTime(y, m, k, n) };
  }

  /** Submission times rise with the id inside a month, as real ones do. */
  private monthTime(y: number, m: number, k: number, n: number): number {
    const start = Date.UTC(y, m, 1);
    const end = Date.UTC(y, m + 1, 1);
    return Math.floor(start + ((k + this.rng()) / Math.max(1, n)) * (end - start - 1000));
  }

  /** Authors come mostly from a topic-local Zipf slice of the pool: fields have regulars. */
  private authors(topic: Topic): { authors: string; parsed: string[][]; submitter: string } {
    const rng = this.rng;
    const big = (topic.group === 'hepph' || topic.group === 'astro') && rng() < 0.02;
    const n = big ? 30 + int(rng, 50) : 1 + pickCumulative(AUTHOR_COUNT_CUM, rng());
    const ids: number[] = [];
    for (let a = 0; a < n; a++) {
      const idx =
        rng() < 0.7 ? (topic.index * 997 + this.localAuthor(rng())) % AUTHOR_POOL : this.globalAuthor(rng());
      if (!ids.includes(idx)) ids.push(idx);
    }
    const withAffiliation = rng() < 0.05;
    const shown: string[] = [];
    const parsed: string[][] = [];
    for (const idx of ids) {
      const p = this.person(idx);
      shown.push(
        withAffiliation && rng() < 0.6 ? `${p.latex} (${pick(rng, this.world.affiliations)})` : p.latex,
      );
      parsed.push([p.last, p.first, p.suffix]);
    }
    const authors = shown.length === 1 ? shown[0]! : `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}`;
    const s = parsed[rng() < 0.8 ? 0 : int(rng, parsed.length)]!;
    return { authors, parsed, submitter: `${s[1]} ${s[0]}${s[2] ? ` ${s[2]}` : ''}` };
  }

  /** The author pool is a pure function of the index, so 200k authors cost no memory. */
  private person(idx: number): { latex: string; last: string; first: string; suffix: string } {
    const w = this.world;
    const h = hash32(idx ^ 0x51ed270b);
    const h2 = hash32(idx + 0x1234567);
    const [firstTex, firstPlain] = w.firstNames[h % w.firstNames.length]!;
    const generated = w.lastNames.length - w.realLastNames;
    const [lastTex, last] =
      h2 % 10 < 6
        ? w.lastNames[(h2 >>> 4) % w.realLastNames]!
        : w.lastNames[w.realLastNames + ((h2 >>> 4) % generated)]!;
    const style = (h >>> 20) % 20;
    let shown = firstTex;
    let first = firstPlain;
    if (style >= 14) {
      first = `${firstPlain.charAt(0)}.${style === 19 ? ` ${String.fromCharCode(65 + ((h2 >>> 24) % 26))}.` : ''}`;
      shown = first;
    }
    const suffix = idx % 97 === 0 ? 'Jr' : '';
    return { latex: `${shown} ${lastTex}${suffix ? ` ${suffix}` : ''}`, last, first, suffix };
  }

  private comments(topic: Topic, lastName: string): string | null {
    const rng = this.rng;
    const parts: string[] = [];
    if (rng() < 0.75) {
      let c = `${4 + int(rng, 40)} pages`;
      if (rng() < 0.7) c += `, ${1 + int(rng, 15)} figures`;
      if (rng() < 0.3) c += `, ${1 + int(rng, 6)} tables`;
      parts.push(c);
    }
    const u = rng();
    if (u < 0.2) {
      const owner =
        lastName
          .normalize('NFD')
          .replace(/[^A-Za-z]/g, '')
          .toLowerCase() + (rng() < 0.3 ? int(rng, 100) : '');
      const repo = `${this.world.vocab[pick(rng, topic.words)]}-${this.world.vocab[pick(rng, topic.words)]}`;
      if (u < 0.15) {
        parts.push(
          `${pick(rng, ['code at ', 'Code: ', 'Code is available at '])}https://github.com/${owner}/${repo}`,
        );
      } else parts.push(`project page: https://${owner}.github.io/${repo}/`);
    }
    if (CS_GROUPS.has(topic.group) && rng() < 0.1)
      parts.push(`Accepted at ${pick(rng, VENUES)} ${2016 + int(rng, 10)}`);
    return parts.length ? parts.join('; ') : null;
  }

  private publication(topic: Topic, year: number): Pick<ArxivRecord, 'journal-ref' | 'doi' | 'report-no'> {
    const rng = this.rng;
    const cs = CS_GROUPS.has(topic.group);
    let journal: string | null = null;
    let doi: string | null = null;
    if (rng() < (cs ? 0.08 : 0.25)) {
      const vol = 10 + int(rng, 120);
      const page = 1000 + int(rng, 99_000);
      journal = `${pick(rng, cs ? CS_JOURNALS : PHYS_JOURNALS)} ${vol}, ${page} (${year + int(rng, 2)})`;
      if (rng() < 0.6) doi = `10.${1000 + int(rng, 9000)}/j.${vol}.${page}`;
    }
    const hep = topic.group === 'hepph' || topic.group === 'hepth';
    const report =
      hep && rng() < 0.1
        ? `${pick(rng, ['CERN-TH', 'MIT-CTP', 'KEK-TH', 'DESY'])}-${year}-${pad(int(rng, 999), 3)}`
        : null;
    return { 'journal-ref': journal, doi, 'report-no': report };
  }

  private categories(topic: Topic): string {
    const rng = this.rng;
    const cats = [topic.primary];
    if (topic.siblings.length > 0 && rng() < 0.35) cats.push(pick(rng, topic.siblings));
    if (rng() < 0.25) {
      const area = CS_GROUPS.has(topic.group) ? 'cs' : topic.primary.startsWith('math') ? 'math' : 'phys';
      const c = pick(rng, NEIGHBOURS[area]!);
      if (!cats.includes(c)) cats.push(c);
    }
    return cats.join(' ');
  }
}
