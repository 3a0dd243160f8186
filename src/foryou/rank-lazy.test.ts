/**
 * The ranker's two fast paths (rank.ts) agree with the plain ones on generated pools: the bounded
 * heap picks the same top `limit`, in the same order, as ordering the whole window; and reasons
 * explained a range at a time, in any order, are the ones explaining everything at once gives.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mulberry32 } from '../shared/prng.ts';
import { buildPool } from './pool.ts';
import {
  type Example,
  explainRanking,
  type Ranking,
  rankedPaperId,
  rankedPosition,
  rankedScore,
  rankForYou,
  scoreForYou,
} from './rank.ts';
import type { Follow, WindowPaper } from './repository.ts';
import { DEFAULT_TUNING } from './settings.ts';
import { paperTerms } from './terms.ts';

const WORDS =
  'graph neural diffusion galaxy robot policy sparse kernel quantum protein lattice spectral'.split(' ');
const AUTHORS = ['Ada Lovelace', 'Emmy Noether', 'Alan Turing', 'Grace Hopper'];
const CATEGORIES = ['cs.LG', 'cs.CV', 'cs.RO', 'astro-ph.GA'];

function world(seed: number) {
  const r = mulberry32(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  const text = (n: number) => Array.from({ length: n }, () => pick(WORDS)).join(' ');
  const papers: WindowPaper[] = Array.from({ length: 300 }, (_, k) => ({
    id: k + 1,
    arxivId: `2401.${String(k + 1).padStart(5, '0')}`,
    title: text(3),
    abstract: text(8),
    authors: [pick(AUTHORS)],
    categories: [pick(CATEGORIES)],
    submittedAt: '2024-01-10T00:00:00.000Z',
    // Mostly no votes, so many scores tie and the tie-break decides.
    votes: r() < 0.8 ? 0 : Math.floor(r() * 20),
    enteredAt: '2024-01-10T00:00:00.000Z',
  }));
  const example = (id: number): Example => {
    const title = text(3);
    return {
      id: 10_000 + id,
      arxivId: `2312.${id}`,
      title,
      verb: 'saved',
      terms: paperTerms({ title, abstract: text(8), categories: [] }),
      vector: null,
    };
  };
  const follows: Follow[] = [
    { id: 1, kind: 'author', key: pick(AUTHORS), label: 'a', createdAt: '' },
    { id: 2, kind: 'search', key: pick(WORDS), label: 's', createdAt: '' },
    { id: 3, kind: 'category', key: pick(CATEGORIES), label: 'c', createdAt: '' },
  ];
  const profile = {
    positives: Array.from({ length: 1 + Math.floor(r() * 5) }, (_, k) => example(k)),
    negatives: r() < 0.5 ? [example(99)] : [],
    follows: follows.slice(0, Math.floor(r() * 4)),
    exclude: new Set([1 + Math.floor(r() * 300)]),
  };
  return { pool: buildPool(papers, null), profile };
}

test('the top list by heap is the head of the whole window in order, ties newest first', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const { pool, profile } = world(seed);
    const all = scoreForYou(pool, profile, DEFAULT_TUNING, pool.papers.length);
    assert.equal(all.length, pool.papers.length - 1, `seed ${seed}: every paper but the excluded one`);
    for (let k = 1; k < all.length; k++) {
      const [a, b] = [rankedScore(all, k - 1), rankedScore(all, k)];
      assert.ok(
        a > b || (a === b && rankedPosition(all, k - 1) < rankedPosition(all, k)),
        `seed ${seed} at ${k}`,
      );
    }
    const ids = (r: Ranking) => Array.from({ length: r.length }, (_, k) => rankedPaperId(r, k));
    for (const limit of [1, 7, 20, 100]) {
      const top = ids(scoreForYou(pool, profile, DEFAULT_TUNING, limit));
      assert.deepEqual(top, ids(all).slice(0, limit), `seed ${seed}, limit ${limit}`);
    }
  }
});

test('reasons explained a range at a time equal explaining all at once', () => {
  for (let seed = 1; seed <= 40; seed++) {
    const { pool, profile } = world(seed);
    const whole = rankForYou(pool, profile, DEFAULT_TUNING, 60);
    const ranking = scoreForYou(pool, profile, DEFAULT_TUNING, 60);
    const parts = [
      explainRanking(pool, profile, ranking, 20, 45),
      explainRanking(pool, profile, ranking, 0, 20),
      explainRanking(pool, profile, ranking, 40, 60),
    ];
    const byId = new Map(parts.flatMap((p) => p.items).map((i) => [i.paperId, i.reasons]));
    assert.equal(byId.size, 60);
    for (const item of whole.items) assert.deepEqual(byId.get(item.paperId), item.reasons, `seed ${seed}`);
    assert.ok(
      whole.items.some((i) => i.reasons.some((r) => r.kind !== 'trending')),
      `seed ${seed}: some reasons`,
    );
  }
});
