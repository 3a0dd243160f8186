/**
 * A small deterministic library for search tests: three topics, and in the vehicle topic a
 * concept named two ways — each paper says either "automobile" or "car", never both — so a
 * test can tell meaning from shared words.
 */
import type { PaperInput } from '../../src/papers/paper.ts';
import { mulberry32 } from '../../src/shared/prng.ts';
import { makePaper } from '../support/papers.ts';

const TOPICS = [
  {
    category: 'cs.RO',
    words: [
      'road',
      'traffic',
      'driving',
      'engine',
      'highway',
      'lane',
      'braking',
      'steering',
      'fuel',
      'parking',
    ],
    concept: ['automobile', 'car'],
  },
  {
    category: 'q-bio.BM',
    words: [
      'protein',
      'enzyme',
      'folding',
      'amino',
      'binding',
      'residue',
      'peptide',
      'ligand',
      'catalysis',
      'chain',
    ],
    concept: null,
  },
  {
    category: 'astro-ph.GA',
    words: [
      'galaxy',
      'stellar',
      'halo',
      'redshift',
      'telescope',
      'cluster',
      'cosmic',
      'nebula',
      'orbit',
      'luminosity',
    ],
    concept: null,
  },
];
const COMMON = [
  'we',
  'study',
  'the',
  'model',
  'results',
  'show',
  'method',
  'new',
  'data',
  'analysis',
  'this',
  'paper',
];
const AUTHORS = ['Grace Hopper', 'Alan Turing', 'Emmy Noether', 'Ada Lovelace'];

export interface TestPaper {
  input: PaperInput;
  topic: number;
  /** The concept word used (vehicle topic only). */
  variant: string | null;
}

export function searchCorpus(perTopic = 16): TestPaper[] {
  const r = mulberry32(7);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const out: TestPaper[] = [];
  let n = 0;
  for (let rep = 0; rep < perTopic; rep++) {
    TOPICS.forEach((t, ti) => {
      n++;
      const variant = t.concept ? t.concept[rep % 2]! : null;
      const words: string[] = [];
      for (let i = 0; i < 40; i++) words.push(r() < 0.6 ? pick(t.words) : pick(COMMON));
      if (variant) for (let i = 0; i < 3; i++) words.splice(Math.floor(r() * words.length), 0, variant);
      const title = `${variant ? `${variant} ` : ''}${pick(t.words)} ${pick(t.words)} and ${pick(t.words)}`;
      const year = 2021 + (n % 4);
      const date = `${year}-0${1 + (n % 9)}-1${n % 10}T12:00:00.000Z`;
      const author = AUTHORS[n % AUTHORS.length]!;
      const [forenames, keyname] = author.split(' ') as [string, string];
      out.push({
        topic: ti,
        variant,
        input: makePaper({
          arxivId: `${String(year).slice(2)}0${1 + (n % 9)}.${String(10000 + n)}`,
          title,
          abstract: `${words.join(' ')}.`,
          categories: [t.category],
          authors: [{ name: author, keyname, forenames, suffix: '', affiliation: null }],
          submittedAt: date,
          updatedAt: date,
          versions: [{ version: 1, createdAt: date }],
        }),
      });
    });
  }
  return out;
}
