import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  expandPlan,
  filterPlan,
  hasRestrictions,
  keywordPlan,
  semanticText,
  usefulExpansion,
  withoutStopWords,
} from './plan.ts';
import { parseQuery } from './query/parse.ts';

describe('keywordPlan', () => {
  it('turns clauses and filters into groups, exclusions and dates', () => {
    const p = keywordPlan(
      parseQuery(
        'graph "neural net" a OR b author:hinton cat:cs.LG -cat:stat.ML -survey year:2024 sort:date',
      ),
    );
    assert.deepEqual(p.groups, [
      [{ text: 'graph', kind: 'word' }],
      [{ text: 'neural net', kind: 'phrase', quoted: true }],
      [
        { text: 'a', kind: 'word' },
        { text: 'b', kind: 'word' },
      ],
      [{ text: 'hinton', kind: 'word', field: 'authors' }],
      [{ text: 'cs.lg', kind: 'word', field: 'categories' }],
    ]);
    assert.deepEqual(p.not, [
      { text: 'survey', kind: 'word' },
      { text: 'stat.ml', kind: 'word', field: 'categories' },
    ]);
    assert.deepEqual(p.dates, { from: '2024-01-01', to: '2025-01-01' });
    assert.equal(p.sort, 'date');
  });

  it('keeps only restrictions in the filter plan', () => {
    const p = keywordPlan(parseQuery('graph author:hinton -survey'));
    assert.deepEqual(filterPlan(p).groups, [[{ text: 'hinton', kind: 'word', field: 'authors' }]]);
    assert.equal(hasRestrictions(keywordPlan(parseQuery('graph title:x'))), false);
    assert.equal(hasRestrictions(p), true);
  });

  it('embeds text and title terms, not author names or exclusions', () => {
    assert.equal(semanticText(parseQuery('diffusion title:image author:ho -survey')), 'diffusion image');
  });

  it('adds learned synonyms to plain words only', () => {
    const syn = (t: string) => (t === 'car' ? ['automobile'] : []);
    const { plan, added } = expandPlan(keywordPlan(parseQuery('car author:car cat:cs.RO')), syn);
    assert.deepEqual(added, [{ word: 'automobile', from: 'car' }]);
    assert.deepEqual(plan.groups[0], [
      { text: 'car', kind: 'word' },
      { text: 'automobile', kind: 'word' },
    ]);
    assert.equal(plan.groups[1]!.length, 1);
    assert.equal(plan.groups[2]!.length, 1);
  });

  it('never adds a -word of the query (issue 16: "pruning -token" looked for token)', () => {
    const syn = (t: string) => (t === 'pruning' ? ['token', 'sparsity'] : []);
    const { plan, added } = expandPlan(keywordPlan(parseQuery('pruning -token')), syn);
    assert.deepEqual(added, [{ word: 'sparsity', from: 'pruning' }]);
    assert.deepEqual(
      plan.groups[0]!.map((t) => t.text),
      ['pruning', 'sparsity'],
    );
  });

  it('widens a one-concept query only: several AND-ed words stay as typed', () => {
    const syn = (t: string) => (t === 'car' ? ['automobile'] : []);
    for (const q of ['car engine', 'car title:car', '"self driving" car']) {
      const { plan, added } = expandPlan(keywordPlan(parseQuery(q)), syn);
      assert.deepEqual(added, [], q);
      assert.ok(
        plan.groups.every((g) => g.length === 1),
        q,
      );
    }
  });

  it('never expands to URL parts, stop words, numbers or fragments (issue 17)', () => {
    const noise = ['com', 'https', 'github', 'www', 'up', 'the', 'sub', '2019', 'v2', 'x', 'token', 'car'];
    const { added } = expandPlan(keywordPlan(parseQuery('automobile -token')), (t) =>
      t === 'automobile' ? noise : [],
    );
    assert.deepEqual(added, [{ word: 'car', from: 'automobile' }]);
    assert.equal(usefulExpansion('average', new Set()), true);
    assert.equal(usefulExpansion('average', new Set(['average'])), false);
  });

  it('does not require stop words, but keeps them inside phrases and when nothing else is left', () => {
    const texts = (q: string) => withoutStopWords(keywordPlan(parseQuery(q))).groups.map((g) => g[0]!.text);
    assert.deepEqual(texts('which paper is about the protein folding'), ['protein', 'folding']);
    assert.deepEqual(texts('"state of the art" of denoising'), ['state of the art', 'denoising']);
    assert.deepEqual(texts('the who'), ['the', 'who']);
  });
});
