/** The sliced pool build (pool.ts) builds the very pool the one-go build does, pausing between slices. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mulberry32 } from '../shared/prng.ts';
import { buildPool, buildPoolInSlices } from './pool.ts';
import type { WindowPaper } from './repository.ts';

const WORDS =
  'graph neural diffusion galaxy robot policy molecule attention quantum lattice sparse kernel'.split(' ');

function papers(n: number): WindowPaper[] {
  const rnd = mulberry32(7);
  const pick = () => WORDS[Math.floor(rnd() * WORDS.length)]!;
  return Array.from({ length: n }, (_, i) => ({
    id: 1000 + i,
    arxivId: `2401.${String(i + 1).padStart(5, '0')}`,
    title: `${pick()} ${pick()} for ${pick()}s`,
    abstract: Array.from({ length: 30 }, pick).join(' '),
    authors: [`Author ${i % 17}`, 'Ada Lovelace'],
    categories: [i % 2 ? 'cs.LG' : 'astro-ph.GA'],
    submittedAt: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
    votes: Math.floor(rnd() * 10),
    enteredAt: new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString(),
  }));
}

test('buildPoolInSlices pauses between slices and builds the same pool as buildPool', async () => {
  const input = papers(260);
  let pauses = 0;
  const sliced = await buildPoolInSlices(input, null, async () => {
    pauses++;
  });
  const whole = buildPool(input, null);
  assert.ok(pauses >= 10, `paused ${pauses} times over 260 papers (twice per 50: terms, then the index)`);
  assert.deepEqual([...sliced.termId], [...whole.termId]);
  assert.deepEqual(sliced.postings, whole.postings);
  assert.deepEqual(sliced.terms, whole.terms);
  assert.deepEqual([...sliced.trend], [...whole.trend]);
  assert.deepEqual([...sliced.byAuthorKey], [...whole.byAuthorKey]);
  assert.deepEqual([...sliced.index.byWord], [...whole.index.byWord]);
  assert.deepEqual([...sliced.index.recency], [...whole.index.recency]);
  assert.deepEqual(sliced.index.fields, whole.index.fields);
});
