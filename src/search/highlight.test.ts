import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { highlight, snippet } from './highlight.ts';

const show = (segs: { text: string; hit: boolean }[]) =>
  segs.map((s) => (s.hit ? `[${s.text}]` : s.text)).join('');
const w = (...words: string[]) => ({ words, prefix: false });

describe('highlight', () => {
  const cases: [string, string, Parameters<typeof highlight>[1], string][] = [
    ['a word, any case', 'Graph Neural Networks', [w('neural')], 'Graph [Neural] Networks'],
    ['short inflections', 'networks of a network', [w('network')], '[networks] of a [network]'],
    ['not a different word', 'nettle net', [w('network')], 'nettle net'],
    [
      'a phrase as one mark',
      'deep neural nets, neural deep',
      [w('deep', 'neural')],
      '[deep neural] nets, neural deep',
    ],
    [
      'a prefix (neighbouring marks join)',
      'transformer transfer trans',
      [{ words: ['transf'], prefix: true }],
      '[transformer transfer] trans',
    ],
    ['nothing to mark', 'plain text', [], 'plain text'],
  ];
  for (const [name, text, terms, want] of cases)
    it(name, () => assert.equal(show(highlight(text, terms)), want));
});

describe('snippet', () => {
  const long = `${'lorem ipsum '.repeat(60)}the diffusion model ${'dolor sit '.repeat(60)}`;
  it('centres on the first match and marks cuts', () => {
    const s = show(snippet(long, [w('diffusion')], 120));
    assert.match(s, /^….*\[diffusion\].*…$/);
    assert.ok(s.length < 140);
  });
  it('starts at the beginning without a match', () => {
    assert.match(show(snippet(long, [w('absent')], 50)), /^lorem ipsum.*…$/);
  });
});
