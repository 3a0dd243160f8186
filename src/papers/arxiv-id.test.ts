import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  arxivAbsUrl,
  arxivPdfUrl,
  canonicalArxivId,
  InvalidArxivIdError,
  parseArxivId,
  parseVersion,
} from './arxiv-id.ts';

const valid: { input: string; expected: { id: string; version: number | null } }[] = [
  { input: '2210.11078', expected: { id: '2210.11078', version: null } },
  { input: '2210.11078v2', expected: { id: '2210.11078', version: 2 } },
  { input: '0704.0001', expected: { id: '0704.0001', version: null } },
  { input: '1412.9999v12', expected: { id: '1412.9999', version: 12 } },
  { input: '1501.00001', expected: { id: '1501.00001', version: null } },
  { input: 'hep-th/9901001', expected: { id: 'hep-th/9901001', version: null } },
  { input: 'math.GT/0309136', expected: { id: 'math.GT/0309136', version: null } },
  { input: 'cond-mat/0001001v2', expected: { id: 'cond-mat/0001001', version: 2 } },
  { input: 'HEP-TH/9108001', expected: { id: 'hep-th/9108001', version: null } },
  { input: 'cs/0703001', expected: { id: 'cs/0703001', version: null } },
  { input: 'arXiv:2210.11078', expected: { id: '2210.11078', version: null } },
  { input: 'ARXIV:2210.11078v3', expected: { id: '2210.11078', version: 3 } },
  { input: 'arxiv:hep-th/9901001v1', expected: { id: 'hep-th/9901001', version: 1 } },
  { input: '  2210.11078 \n', expected: { id: '2210.11078', version: null } },
  { input: 'https://arxiv.org/abs/2210.11078', expected: { id: '2210.11078', version: null } },
  { input: 'http://export.arxiv.org/abs/2210.11078v1', expected: { id: '2210.11078', version: 1 } },
  { input: 'arxiv.org/pdf/2210.11078', expected: { id: '2210.11078', version: null } },
  { input: 'https://arxiv.org/pdf/2210.11078.pdf', expected: { id: '2210.11078', version: null } },
  { input: 'https://arxiv.org/pdf/2210.11078v2', expected: { id: '2210.11078', version: 2 } },
  { input: 'https://arxiv.org/pdf/2210.11078v2.pdf', expected: { id: '2210.11078', version: 2 } },
  { input: 'https://www.arxiv.org/abs/2210.11078', expected: { id: '2210.11078', version: null } },
  { input: 'HTTPS://ArXiv.org/abs/2210.11078', expected: { id: '2210.11078', version: null } },
  { input: 'https://arxiv.org/abs/2210.11078/', expected: { id: '2210.11078', version: null } },
  { input: 'https://arxiv.org/abs/2210.11078?context=cs', expected: { id: '2210.11078', version: null } },
  { input: 'https://arxiv.org/abs/2210.11078v4#S1', expected: { id: '2210.11078', version: 4 } },
  { input: 'https://arxiv.org/abs/math.GT/0309136', expected: { id: 'math.GT/0309136', version: null } },
  { input: 'https://arxiv.org/pdf/hep-th/9901001v2.pdf', expected: { id: 'hep-th/9901001', version: 2 } },
  { input: 'oai:arXiv.org:2210.11078', expected: { id: '2210.11078', version: null } },
  { input: 'oai:arXiv.org:cond-mat/0001001', expected: { id: 'cond-mat/0001001', version: null } },
];

const invalid: { input: string; why: string }[] = [
  { input: '', why: 'empty' },
  { input: '   ', why: 'blank' },
  { input: '2200.11078', why: 'month 00' },
  { input: '2213.11078', why: 'month 13' },
  { input: '2210.1107', why: '4 digits after 1501' },
  { input: '2210.110789', why: '6 digits' },
  { input: '1412.00001', why: '5 digits before 1501' },
  { input: '0703.0001', why: 'new style before 0704' },
  { input: '2210.00000', why: 'number 0' },
  { input: '2210.11078v0', why: 'version 0' },
  { input: '2210.11078v', why: 'empty version' },
  { input: '2210.11078v2v3', why: 'two versions' },
  { input: 'hep-th/9913001', why: 'old style month 13' },
  { input: 'hep-th/990100', why: 'old style 6 digits' },
  { input: 'hep-th/99010011', why: 'old style 8 digits' },
  { input: 'hep-th/0801001', why: 'old style after March 2007' },
  { input: 'hep-th/9001001', why: 'old style before 1991' },
  { input: 'hep-th/9901000', why: 'old style number 000' },
  { input: 'hep_th/9901001', why: 'bad archive' },
  { input: 'math.GT.XY/0309136', why: 'two subject classes' },
  { input: 'hello world', why: 'junk' },
  { input: '2210.11078 extra', why: 'trailing junk' },
  { input: 'https://evil.com/abs/2210.11078', why: 'other host' },
  { input: 'https://arxiv.org.evil.com/abs/2210.11078', why: 'lookalike host' },
  { input: 'https://evilarxiv.org/abs/2210.11078', why: 'suffix host' },
  { input: 'https://arxiv.org/list/2210.11078', why: 'other path' },
  { input: 'ftp://arxiv.org/abs/2210.11078', why: 'other scheme' },
  { input: 'https://arxiv.org/abs/2210.11078.pdf', why: '.pdf on abs' },
  { input: `2210.11078${' '.repeat(200)}`, why: 'longer than 200' },
  { input: 'doi:10.1000/xyz', why: 'doi' },
];

test('parseArxivId accepts every documented spelling', () => {
  for (const { input, expected } of valid) {
    assert.deepEqual(parseArxivId(input), expected, JSON.stringify(input));
  }
});

test('parseArxivId rejects invalid input with null', () => {
  for (const { input, why } of invalid) {
    assert.equal(parseArxivId(input), null, `${why}: ${JSON.stringify(input)}`);
  }
});

test('canonicalArxivId returns the id without version or throws InvalidArxivIdError saying why', () => {
  for (const { input, expected } of valid) assert.equal(canonicalArxivId(input), expected.id);
  const cases = [
    { input: '2213.11078', message: /"2213\.11078".*month 13/ },
    { input: '1412.00001', message: /4-digit/ },
    { input: 'https://evil.com/abs/2210.11078', message: /not an arxiv\.org/ },
    { input: 'x'.repeat(300), message: /longer than 200/ },
  ];
  for (const { input, message } of cases) {
    assert.throws(
      () => canonicalArxivId(input),
      (e: unknown) => {
        assert.ok(e instanceof InvalidArxivIdError);
        assert.ok(e instanceof Error);
        assert.match(e.message, message);
        return true;
      },
    );
  }
});

test('arxivAbsUrl / arxivPdfUrl', () => {
  const cases = [
    { fn: arxivAbsUrl, id: '2210.11078', version: undefined, expected: 'https://arxiv.org/abs/2210.11078' },
    { fn: arxivAbsUrl, id: '2210.11078', version: 3, expected: 'https://arxiv.org/abs/2210.11078v3' },
    {
      fn: arxivAbsUrl,
      id: '2210.11078v2',
      version: undefined,
      expected: 'https://arxiv.org/abs/2210.11078v2',
    },
    { fn: arxivAbsUrl, id: '2210.11078v2', version: null, expected: 'https://arxiv.org/abs/2210.11078v2' },
    { fn: arxivAbsUrl, id: 'hep-th/9901001', version: 1, expected: 'https://arxiv.org/abs/hep-th/9901001v1' },
    { fn: arxivPdfUrl, id: '2210.11078', version: undefined, expected: 'https://arxiv.org/pdf/2210.11078' },
    {
      fn: arxivPdfUrl,
      id: 'math.GT/0309136',
      version: 2,
      expected: 'https://arxiv.org/pdf/math.GT/0309136v2',
    },
    {
      fn: arxivPdfUrl,
      id: 'arXiv:2210.11078',
      version: undefined,
      expected: 'https://arxiv.org/pdf/2210.11078',
    },
  ];
  for (const { fn, id, version, expected } of cases) assert.equal(fn(id, version), expected);
  assert.throws(() => arxivAbsUrl('javascript:alert(1)'), InvalidArxivIdError);
  assert.throws(() => arxivPdfUrl('2210.11078', 0), InvalidArxivIdError);
});

test('parseVersion', () => {
  const cases: { input: string | number; expected: number | null }[] = [
    { input: 'v3', expected: 3 },
    { input: 'V12', expected: 12 },
    { input: ' v1 ', expected: 1 },
    { input: '7', expected: 7 },
    { input: 3, expected: 3 },
    { input: 'v0', expected: null },
    { input: 0, expected: null },
    { input: -1, expected: null },
    { input: 2.5, expected: null },
    { input: Number.NaN, expected: null },
    { input: 'v', expected: null },
    { input: 'v01', expected: null },
    { input: 'v3a', expected: null },
    { input: '', expected: null },
  ];
  for (const { input, expected } of cases) assert.equal(parseVersion(input), expected, String(input));
});

test('property: never throws, results re-parse to themselves, bounded time', () => {
  const pieces = [
    '2210',
    '.',
    '11078',
    'v',
    '2',
    'hep-th',
    '/',
    'math.GT',
    '9901001',
    'arXiv:',
    'https://',
    'arxiv.org/abs/',
    '?',
    '#',
    ' ',
  ];
  const arb = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.array(fc.constantFrom(...pieces)).map((a) => a.join('')),
  );
  fc.assert(
    fc.property(arb, (s) => {
      const p = parseArxivId(s);
      if (p) assert.deepEqual(parseArxivId(p.id), { id: p.id, version: null });
      parseVersion(s);
    }),
    { numRuns: 4000 },
  );
  const adversarial = [
    'arxiv.org/abs/'.repeat(14),
    `https://arxiv.org/abs/${'/'.repeat(170)}`,
    '1'.repeat(200),
    'a-'.repeat(100),
  ];
  const start = performance.now();
  for (let i = 0; i < 1000; i++) for (const s of adversarial) parseArxivId(s);
  assert.ok(performance.now() - start < 1000, 'adversarial inputs parse quickly');
});
