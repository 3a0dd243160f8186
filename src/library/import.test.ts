import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { readBibtex, readPaste } from './import.ts';

test('paste: ids, versions, URLs and old-style ids, separated by lines, spaces, commas', () => {
  const r = readPaste('2301.01234v2, https://arxiv.org/pdf/2301.01235.pdf\n\nhep-th/9901001  junk');
  assert.deepEqual(
    r.map((e) => [e.where, e.id]),
    [
      ['line 1, "2301.01234v2"', '2301.01234'],
      ['line 1, "https://arxiv.org/pdf/2301.01235.pdf"', '2301.01235'],
      ['line 3, "hep-th/9901001"', 'hep-th/9901001'],
      ['line 3, "junk"', null],
    ],
  );
  assert.match(r[3]!.reason!, /does not look like an arXiv id/);
});

test('bibtex: each entry once, with its line; broken ones unreadable and the next entry still read', () => {
  const r = readBibtex(`@string{x = "y"}
@article{a, eprint = {2301.01234}}
@misc{b, title = {open {nested}
@misc(c, arxiv = "2301.01235")
@misc{d, url={https://example.org/2301.01236}}
@misc{e, note = {arXiv:2301.01237v3} # " more"}`);
  assert.deepEqual(
    r.map((e) => [e.where, e.id]),
    [
      ['entry 1 (line 2, key a)', '2301.01234'],
      ['entry 2 (line 3)', null],
      ['entry 3 (line 4, key c)', '2301.01235'],
      ['entry 4 (line 5, key d)', null],
      ['entry 5 (line 6, key e)', '2301.01237'],
    ],
  );
  assert.match(r[1]!.reason!, /unbalanced braces/);
  assert.match(r[3]!.reason!, /no arXiv id/);
  assert.match(readBibtex('just text')[0]!.reason!, /no BibTeX entry/);
});

test('RELIABILITY parsers: any text and any mutated .bib reads without throwing, every entry answered', () => {
  const bibish = fc
    .array(
      fc.oneof(
        fc.constantFrom('@', '@misc{', '@article(', '{', '}', '"', ',', '=', '#', '\n', 'eprint', 'url', ' '),
        fc.string({ maxLength: 20 }),
      ),
      { maxLength: 80 },
    )
    .map((parts) => parts.join(''));
  fc.assert(
    fc.property(fc.oneof(bibish, fc.string({ maxLength: 300 })), (text) => {
      for (const e of [...readBibtex(text), ...readPaste(text)]) {
        assert.ok(e.where.length > 0);
        assert.ok(e.id !== null || (e.reason ?? '').length > 0, 'an unreadable entry says why');
      }
    }),
    { numRuns: 3000 },
  );
  // Pathological shapes stay linear: deep nesting, thousands of entry starts, one endless field.
  readBibtex(`@misc{x, title=${'{'.repeat(100_000)}}`);
  readBibtex('@misc{\n'.repeat(50_000));
  readBibtex(`@misc{x, title="${'a'.repeat(1_000_000)}`);
});
