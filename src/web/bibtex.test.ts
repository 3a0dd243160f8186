import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makePaper } from '../../test/support/papers.ts';
import type { Paper } from '../papers/paper.ts';
import { bibtex, bibtexField, bibtexKey } from './bibtex.ts';

const paper = (over: Partial<Paper>): Paper => ({
  ...makePaper({ arxivId: '1706.03762' }),
  id: 1,
  primaryCategory: 'cs.CL',
  ingestedAt: '2024-01-01T00:00:00.000Z',
  demo: false,
  ...over,
});

test('entry in arXiv export shape', () => {
  const p = paper({
    title: 'Attention Is All You Need',
    submittedAt: '2017-06-12T17:57:34.000Z',
    authors: [
      { name: 'Ashish Vaswani', keyname: 'Vaswani', forenames: 'Ashish', suffix: '', affiliation: null },
      { name: 'Noam Shazeer', keyname: 'Shazeer', forenames: 'Noam', suffix: '', affiliation: null },
    ],
  });
  assert.equal(
    bibtex(p),
    `@misc{vaswani2017attention,
  title={Attention Is All You Need},
  author={Ashish Vaswani and Noam Shazeer},
  year={2017},
  eprint={1706.03762},
  archivePrefix={arXiv},
  primaryClass={cs.CL},
  url={https://arxiv.org/abs/1706.03762}
}`,
  );
});

test('hostile text cannot close a field or add an entry (table)', () => {
  for (const [input, want] of [
    ['A} @misc{evil, title={x', 'A @misc evil, title= x'],
    ['\\input{/etc/passwd}', 'input{/etc/passwd}'],
    ['\\immediate\\write18{rm -rf ~}', 'immediatewrite18{rm -rf ~}'],
    ['$\\alpha$-{GAN}s for \\emph{fast} $O(n^{2})$ \\', '$\\alpha$-{GAN}s for \\emph{fast} $O(n^{2})$'],
    ['x} {y', 'x y'],
    ['  two\nlines  ', 'two lines'],
  ] as const)
    assert.equal(bibtexField(input), want);
  const p = paper({ title: 'x} @misc{evil,', authors: [] });
  const entry = bibtex(p);
  assert.equal(entry.match(/@misc/g)?.length, 2, 'the text stays inside the title field');
  assert.equal((entry.match(/\{/g) ?? []).length, (entry.match(/\}/g) ?? []).length);
  assert.match(bibtexKey(p), /^anon2024/);
});
