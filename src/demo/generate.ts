/**
 * The demo corpus: plausible machine-learning papers submitted over the past weeks, a few dozen
 * readers, and their activity (featured days, upvotes, comments). Pure and seeded: the same seed
 * and clock give the same corpus, so tests can count on it. Nothing here touches storage.
 */
import type { Author, PaperInput } from '../papers/paper.ts';
import { mulberry32 } from '../shared/prng.ts';

export interface DemoOptions {
  papers: number;
  /** Days back from `now` the submissions spread over. */
  days: number;
  readers: number;
  seed: number;
  now: Date;
}

export const DEMO_DEFAULTS: Omit<DemoOptions, 'now'> = { papers: 3000, days: 28, readers: 40, seed: 7 };
const DEMO_EMAIL_DOMAIN = 'demo.invalid';

interface DemoReader {
  name: string;
  email: string;
}

interface DemoFeaturing {
  arxivId: string;
  day: string;
  /** When it was featured: the start of its day (never after `now`), so label and datetime agree. */
  at: string;
  /** Index into readers: who submitted it. */
  by: number;
}

interface DemoVote {
  arxivId: string;
  reader: number;
  at: string;
}

interface DemoComment {
  arxivId: string;
  reader: number;
  body: string;
  at: string;
  /** Index into this list of an earlier top-level comment on the same paper. */
  replyTo: number | null;
}

export interface DemoCorpus {
  papers: PaperInput[];
  readers: DemoReader[];
  featured: DemoFeaturing[];
  votes: DemoVote[];
  comments: DemoComment[];
}

const DAY_MS = 86_400_000;
const CATEGORIES = ['cs.LG', 'cs.CV', 'cs.CL', 'cs.AI', 'stat.ML', 'cs.RO', 'cs.IR', 'eess.IV'];
const CATEGORY_WEIGHTS = [30, 22, 20, 12, 6, 4, 3, 3];
const ADJECTIVES = [
  'Scalable',
  'Efficient',
  'Robust',
  'Sparse',
  'Contrastive',
  'Self-Supervised',
  'Multimodal',
  'Causal',
  'Adaptive',
  'Hierarchical',
  'Federated',
  'Diffusion-Based',
  'Retrieval-Augmented',
  'Lightweight',
  'Provable',
];
const METHODS = [
  'Transformers',
  'Mixture-of-Experts',
  'State Space Models',
  'Graph Neural Networks',
  'Vision-Language Models',
  'Policy Optimisation',
  'Token Pruning',
  'Low-Rank Adapters',
  'Score Matching',
  'Neural Fields',
  'Preference Learning',
  'Speculative Decoding',
  'Quantisation',
  'Curriculum Learning',
];
const TASKS = [
  'Long-Context Reasoning',
  'Open-Vocabulary Segmentation',
  'Machine Translation',
  'Video Generation',
  'Protein Design',
  'Code Synthesis',
  'Robot Manipulation',
  'Medical Image Analysis',
  'Dense Retrieval',
  '3D Reconstruction',
  'Time-Series Forecasting',
  'Speech Recognition',
  'Mathematical Reasoning',
  'Tabular Data',
];
const FINDINGS = [
  'reduces compute by {n}% at equal accuracy',
  'improves over strong baselines by {n} points',
  'matches models {n}x larger',
  'transfers to unseen domains without fine-tuning',
  'is stable across {n} random seeds',
];
const FORENAMES = [
  'Ana',
  'Bo',
  'Chiara',
  'Dmitri',
  'Eun-ji',
  'Farid',
  'Greta',
  'Hiro',
  'Ines',
  'Jomo',
  'Kavya',
  'Lars',
  'Mei',
  'Nadia',
  'Omar',
  'Priya',
  'Quentin',
  'Rosa',
  'Sven',
  'Tariq',
  'Uma',
  'Viktor',
  'Wen',
  'Yara',
  'Zoltan',
];
const KEYNAMES = [
  'Abebe',
  'Bianchi',
  'Chen',
  'Dubois',
  'Eriksen',
  'Fischer',
  'Garcia',
  'Haddad',
  'Ito',
  'Jovanovic',
  'Kim',
  'Liu',
  'Moreau',
  'Novak',
  'Okafor',
  'Patel',
  'Rossi',
  'Silva',
  'Tanaka',
  'Ueda',
  'Varga',
  'Wang',
  'Yilmaz',
  'Zhang',
];
const COMMENTS = [
  'The ablation in the appendix answers most of my questions. Nice work.',
  'Does the speed-up hold at batch size 1, or only for large batches?',
  'Code link works; I reproduced the main table on a single GPU.',
  'Interesting, but the baseline numbers look lower than in the original paper.',
  'Would love to see this evaluated on a non-English benchmark.',
  'How sensitive is this to the choice of temperature?',
  'Clear writing and an honest limitations section.',
];
const REPLIES = [
  'Good question; section 5.2 has a partial answer.',
  'Same here: the numbers match within noise.',
  'The authors mention this in the rebuttal on OpenReview.',
];

export function generateDemo(o: DemoOptions): DemoCorpus {
  const r = mulberry32(o.seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const totalWeight = CATEGORY_WEIGHTS.reduce((a, b) => a + b, 0);
  const category = () => {
    let x = r() * totalWeight;
    for (let i = 0; i < CATEGORIES.length; i++) {
      x -= CATEGORY_WEIGHTS[i]!;
      if (x < 0) return CATEGORIES[i]!;
    }
    return CATEGORIES[0]!;
  };
  const startMs = Math.floor(o.now.getTime() / DAY_MS) * DAY_MS - o.days * DAY_MS;
  const perMonth = new Map<string, number>();
  const papers: PaperInput[] = [];
  for (let i = 0; i < o.papers; i++) {
    // Spread evenly over the days, at a random time of day, never in the future.
    const at = new Date(
      Math.min(startMs + (i / o.papers) * o.days * DAY_MS + r() * 3_600_000, o.now.getTime() - 60_000),
    );
    const iso = at.toISOString();
    const yymm = iso.slice(2, 4) + iso.slice(5, 7);
    const seq = perMonth.get(yymm) ?? 0;
    perMonth.set(yymm, seq + 1);
    const arxivId = `${yymm}.${String(90_000 + seq).padStart(5, '0')}`;
    const primary = category();
    const cats = [primary, ...(r() < 0.5 ? [category()].filter((c) => c !== primary) : [])];
    const authors: Author[] = Array.from({ length: int(1, 6) }, () => {
      const forenames = pick(FORENAMES);
      const keyname = pick(KEYNAMES);
      return { name: `${forenames} ${keyname}`, keyname, forenames, suffix: '', affiliation: null };
    });
    const method = pick(METHODS);
    const task = pick(TASKS);
    const title = `${pick(ADJECTIVES)} ${method} for ${task}`;
    const finding = pick(FINDINGS).replace('{n}', String(int(2, 40)));
    const abstract = `We study ${task.toLowerCase()} with ${method.toLowerCase()}. Existing approaches trade accuracy for cost; we show that a simple change to training removes most of that trade-off. On standard benchmarks our method ${finding}. We release code and checkpoints. (Demo data generated by paperboy, not a real paper.)`;
    papers.push({
      arxivId,
      version: 1,
      title,
      abstract,
      authors,
      comments: `${int(8, 30)} pages, ${int(2, 12)} figures`,
      journalRef: null,
      doi: null,
      reportNo: null,
      license: 'http://creativecommons.org/licenses/by/4.0/',
      submitter: authors[0]!.name,
      categories: cats,
      versions: [{ version: 1, createdAt: iso }],
      submittedAt: iso,
      updatedAt: iso,
      links: [],
    });
  }

  const readers: DemoReader[] = Array.from({ length: o.readers }, (_, i) => ({
    name: `demo-reader-${String(i + 1).padStart(2, '0')}`,
    email: `reader${i + 1}@${DEMO_EMAIL_DOMAIN}`,
  }));

  // Featured days: every day of the period, a dozen or so papers submitted in the two days before.
  const featured: DemoFeaturing[] = [];
  const votes: DemoVote[] = [];
  const comments: DemoComment[] = [];
  const perDay = Math.max(1, Math.round(o.papers / o.days));
  for (let d = 1; d <= o.days; d++) {
    const dayMs = startMs + d * DAY_MS;
    if (dayMs > o.now.getTime()) break;
    const day = new Date(dayMs).toISOString().slice(0, 10);
    const from = Math.max(0, (d - 2) * perDay);
    const pool = papers.slice(from, Math.min(papers.length, d * perDay));
    const featuredAt = new Date(dayMs).toISOString();
    const chosen = new Set<PaperInput>();
    const want = Math.min(pool.length, int(8, 16));
    while (chosen.size < want) chosen.add(pick(pool));
    for (const p of chosen) {
      featured.push({ arxivId: p.arxivId, day, at: featuredAt, by: int(0, o.readers - 1) });
      // A few papers draw most of the votes (Zipf-like: 1/u heavy tail).
      const n = Math.min(o.readers, Math.floor(1 / (r() + 0.03)));
      const voters = new Set<number>();
      while (voters.size < n) voters.add(int(0, o.readers - 1));
      // Each event on a paper is later than the one before (a reply never predates its parent),
      // a second apart at least, and all before `now` (at most ~45 events a paper, within 60 s).
      let last = 0;
      const at = (k: number) => {
        const t = Math.min(dayMs + k * 600_000 + r() * 8 * 3_600_000, o.now.getTime() - 60_000);
        last = Math.max(t, last + 1000);
        return new Date(last).toISOString();
      };
      let k = 0;
      for (const reader of voters) votes.push({ arxivId: p.arxivId, reader, at: at(k++) });
      if (r() < 0.35) {
        const first = comments.length;
        const top = int(1, 3);
        for (let c = 0; c < top; c++)
          comments.push({
            arxivId: p.arxivId,
            reader: int(0, o.readers - 1),
            body: pick(COMMENTS),
            at: at(k++),
            replyTo: null,
          });
        if (r() < 0.5)
          comments.push({
            arxivId: p.arxivId,
            reader: int(0, o.readers - 1),
            body: pick(REPLIES),
            at: at(k++),
            replyTo: first,
          });
      }
    }
  }
  return { papers, readers, featured, votes, comments };
}
