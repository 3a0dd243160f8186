/** The ranker (rank.ts) on small hand-made pools: reasons, weights, negatives, hidden papers, both models. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildPool } from './pool.ts';
import { type Example, rankForYou, reasonText, weightsFor } from './rank.ts';
import type { Follow, WindowPaper } from './repository.ts';
import { DEFAULT_TUNING } from './settings.ts';
import { paperTerms } from './terms.ts';

const paper = (id: number, title: string, extra: Partial<WindowPaper> = {}): WindowPaper => ({
  id,
  arxivId: `2401.${String(id).padStart(5, '0')}`,
  title,
  abstract: '',
  authors: ['Ada Lovelace'],
  categories: ['cs.LG'],
  submittedAt: '2024-01-10T00:00:00.000Z',
  votes: 0,
  enteredAt: '2024-01-10T00:00:00.000Z',
  ...extra,
});
const example = (id: number, title: string, vector: number[] | null = null, verb = 'upvoted'): Example => ({
  id,
  arxivId: `2312.${String(id).padStart(5, '0')}`,
  title,
  verb,
  terms: paperTerms({ title, abstract: '', categories: [] }),
  vector: vector ? Float32Array.from(vector, (x) => x / Math.hypot(...vector)) : null,
});
const follow = (kind: Follow['kind'], key: string, label = key): Follow => ({
  id: 1,
  kind,
  key,
  label,
  createdAt: '',
});
const none = { positives: [], negatives: [], follows: [], exclude: new Set<number>() };

const papers = [
  paper(1, 'Graph neural networks for molecules'),
  paper(2, 'Diffusion models for image generation'),
  paper(3, 'Galaxy clusters and dark matter', { votes: 30, categories: ['astro-ph.GA'] }),
  paper(4, 'Reinforcement learning for robots', { authors: ['Jürgen Schmidhuber'], categories: ['cs.RO'] }),
  paper(5, 'Diffusion policies survey', { categories: ['cs.RO'] }),
];
const vectors: Record<number, number[]> = {
  1: [1, 0, 0],
  2: [0, 1, 0],
  3: [0, 0, 1],
  4: [0.7, 0.7, 0],
  5: [0, 0.9, 0.1],
};

test('weights: the library ↔ trending step moves weight from the model to trending; follows stay', () => {
  assert.deepEqual(weightsFor({ trending: 0 }), { model: 1, follow: 0.7, trend: 0 });
  assert.deepEqual(weightsFor(DEFAULT_TUNING), { model: 0.75, follow: 0.7, trend: 0.25 });
  assert.deepEqual(weightsFor({ trending: 4 }), { model: 0, follow: 0.7, trend: 1 });
});

test('nothing known: the trending order, each item saying why', () => {
  const r = rankForYou(buildPool(papers, null), none, DEFAULT_TUNING, 10);
  assert.equal(r.model, 'none');
  assert.equal(r.items[0]!.paperId, 3);
  assert.deepEqual(r.items[0]!.reasons, [{ kind: 'votes', votes: 30 }]);
  assert.equal(reasonText(r.items[0]!.reasons[0]!), '30 upvotes');
  assert.deepEqual(r.items[1]!.reasons, [{ kind: 'trending' }]);
});

test('follows: author by normalized key, category, search in the query language; each named as the reason', () => {
  const profile = {
    ...none,
    follows: [
      follow('author', 'jurgen schmidhuber', 'Jurgen Schmidhuber'),
      follow('search', 'diffusion -survey'),
      follow('category', 'astro-ph.GA'),
    ],
  };
  const r = rankForYou(buildPool(papers, null), profile, DEFAULT_TUNING, 10);
  const why = new Map(r.items.map((i) => [i.paperId, i.reasons.map(reasonText)]));
  assert.deepEqual(why.get(4), ['by Jurgen Schmidhuber, whom you follow']);
  assert.deepEqual(why.get(2), ['matches your followed search `diffusion -survey`']);
  assert.deepEqual(why.get(3), ['in astro-ph.GA, which you follow', '30 upvotes']);
  assert.deepEqual(why.get(5), ['trending on this site'], '-survey excludes it');
  assert.equal(r.items[0]!.paperId, 4, 'an author follow is the strongest');
  const only = rankForYou(
    buildPool(papers, null),
    profile,
    { ...DEFAULT_TUNING, onlyFollowedCategories: true },
    10,
  );
  assert.deepEqual(
    only.items.map((i) => i.paperId),
    [3],
  );
  assert.equal(only.categoryFilter, true);
});

test('vector model: similar papers rank first with their evidence; a negative pushes its neighbours down', () => {
  const pool = buildPool(papers, (id) => vectors[id] ?? null);
  const positives = [
    example(101, 'Score-based generative models', [0, 1, 0.05]),
    example(102, 'Image synthesis', [0.1, 1, 0], 'saved'),
  ];
  const r = rankForYou(pool, { ...none, positives }, { ...DEFAULT_TUNING, trending: 0 }, 10);
  assert.equal(r.model, 'vector');
  assert.deepEqual(
    r.items.slice(0, 2).map((i) => i.paperId),
    [2, 5],
  );
  assert.equal(
    reasonText(r.items[0]!.reasons[0]!),
    'similar to “Score-based generative models” and “Image synthesis”, which you upvoted and saved',
  );
  const less = example(103, 'Policies', [0, 0.9, 0.1]);
  const after = rankForYou(
    pool,
    { ...none, positives, negatives: [less] },
    { ...DEFAULT_TUNING, trending: 0 },
    10,
  );
  const pos = (res: typeof r, id: number) => res.items.findIndex((i) => i.paperId === id);
  const s5 = (res: typeof r) => res.items.find((i) => i.paperId === 5)!.parts.model;
  assert.ok(s5(after) < s5(r), 'the negative lowers the model part of its neighbour');
  assert.ok(pos(after, 5) >= pos(r, 5));
});

test('keyword model without vectors: shared words rank and are the evidence; negatives push down', () => {
  const pool = buildPool(papers, null);
  const positives = [example(101, 'Diffusion models for video generation')];
  const r = rankForYou(pool, { ...none, positives }, { ...DEFAULT_TUNING, trending: 0 }, 10);
  assert.equal(r.model, 'keyword');
  assert.equal(r.items[0]!.paperId, 2);
  assert.match(
    reasonText(r.items[0]!.reasons[0]!),
    /similar to “Diffusion models for video generation”, which you upvoted/,
  );
  const negatives = [example(102, 'Image generation benchmarks')];
  const after = rankForYou(pool, { ...none, positives, negatives }, { ...DEFAULT_TUNING, trending: 0 }, 10);
  const m = (res: typeof r) => res.items.find((i) => i.paperId === 2)!.parts.model;
  const m5 = (res: typeof r) => res.items.find((i) => i.paperId === 5)!.parts.model;
  assert.ok(
    m(after) / Math.max(m5(after), 1e-9) < m(r) / Math.max(m5(r), 1e-9),
    'paper 2 loses ground to paper 5',
  );
});

test('hidden, less-liked and own positives are excluded', () => {
  const r = rankForYou(buildPool(papers, null), { ...none, exclude: new Set([2, 3]) }, DEFAULT_TUNING, 10);
  assert.deepEqual(r.items.map((i) => i.paperId).sort(), [1, 4, 5]);
});

test('keyword evidence: the two positives sharing most content words (categories not counted), ties to the newer', () => {
  const pool = buildPool(papers, null);
  const withCategory = (e: Example): Example => ({ ...e, terms: [...e.terms, 'cat:cs.lg'] });
  const positives = [
    example(201, 'Diffusion models image'), // diffusion, model, image: 3
    example(202, 'Image generation'), // 2
    example(203, 'Diffusion generation'), // 2, newer than 202
    withCategory(example(204, 'Image')), // 1 word (+ the category, which does not count)
  ];
  const r = rankForYou(pool, { ...none, positives }, { ...DEFAULT_TUNING, trending: 0 }, 10);
  const two = r.items.find((i) => i.paperId === 2)!;
  assert.deepEqual(two.reasons[0], {
    kind: 'similar',
    examples: [
      { arxivId: '2312.00201', title: 'Diffusion models image', verb: 'upvoted' },
      { arxivId: '2312.00203', title: 'Diffusion generation', verb: 'upvoted' },
    ],
  });
  const one = r.items.find((i) => i.paperId === 1);
  assert.ok(
    !one?.reasons.some((x) => x.kind === 'similar'),
    'paper 1 shares no content word with them: no evidence',
  );
});

test('keyword evidence counts only words that pull towards the examples: a word the negatives cancel does not', () => {
  const pool = buildPool(papers, null);
  // "image" is in one of two positives (+0.5) and in the one negative (−0.5): weight 0.
  const positives = [example(301, 'Diffusion image'), example(302, 'Diffusion policies')];
  const negatives = [example(303, 'Image benchmarks')];
  const r = rankForYou(pool, { ...none, positives, negatives }, { ...DEFAULT_TUNING, trending: 0 }, 10);
  const two = r.items.find((i) => i.paperId === 2)!;
  assert.ok(
    !two.reasons.some((x) => x.kind === 'similar' && x.examples.some((e) => e.arxivId === '2312.00301')),
    'paper 2 shares "diffusion" and "image" with 301, but "image" is cancelled: one word is not evidence',
  );
});

test('ranking twice with one pool gives the same list (its scratch space is left clean), and a short limit keeps the order', () => {
  const pool = buildPool(papers, null);
  const a = { ...none, positives: [example(101, 'Diffusion models for video generation')] };
  const b = {
    ...none,
    positives: [example(102, 'Galaxy clusters survey')],
    negatives: [example(103, 'Robots')],
  };
  const first = rankForYou(pool, a, DEFAULT_TUNING, 10);
  rankForYou(pool, b, DEFAULT_TUNING, 10);
  assert.deepEqual(rankForYou(pool, a, DEFAULT_TUNING, 10), first);
  assert.ok(pool.holderHead.every((x) => x === 0) && pool.termWeight.every((x) => x === 0));
  assert.ok(pool.termSeen.every((x) => x === 0));
  assert.deepEqual(
    rankForYou(pool, a, DEFAULT_TUNING, 2).items,
    first.items.slice(0, 2),
    'the first two of a limit of 2 are the first two of the full order',
  );
  const cold = rankForYou(
    buildPool(
      papers.map((p) => ({ ...p, votes: 0 })),
      null,
    ),
    none,
    DEFAULT_TUNING,
    3,
  );
  assert.deepEqual(
    cold.items.map((i) => i.paperId),
    [1, 2, 3],
    'equal scores: the window order (newest first), also when cut',
  );
});
