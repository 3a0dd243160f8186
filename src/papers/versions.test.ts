import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { PaperVersion } from './paper.ts';
import { decideUpsert, mergeVersions, parseArxivDate } from './versions.ts';

test('decideUpsert', () => {
  const cases = [
    { existing: null, incoming: { version: 1, contentHash: 'a' }, expected: 'insert' },
    { existing: null, incoming: { version: 5, contentHash: 'a' }, expected: 'insert' },
    {
      existing: { version: 1, contentHash: 'a' },
      incoming: { version: 2, contentHash: 'b' },
      expected: 'update',
    },
    {
      existing: { version: 1, contentHash: 'a' },
      incoming: { version: 2, contentHash: 'a' },
      expected: 'update',
    },
    {
      existing: { version: 2, contentHash: 'a' },
      incoming: { version: 2, contentHash: 'b' },
      expected: 'update',
    },
    {
      existing: { version: 2, contentHash: 'a' },
      incoming: { version: 2, contentHash: 'a' },
      expected: 'unchanged',
    },
    {
      existing: { version: 3, contentHash: 'a' },
      incoming: { version: 2, contentHash: 'b' },
      expected: 'stale',
    },
    {
      existing: { version: 3, contentHash: 'a' },
      incoming: { version: 1, contentHash: 'a' },
      expected: 'stale',
    },
  ] as const;
  for (const { existing, incoming, expected } of cases) {
    assert.equal(decideUpsert(existing, incoming), expected, JSON.stringify({ existing, incoming }));
  }
});

const v = (version: number, createdAt: string, size?: string): PaperVersion =>
  size === undefined ? { version, createdAt } : { version, createdAt, size };

test('mergeVersions: union by number, ascending, incoming wins', () => {
  const cases: { a: PaperVersion[]; b: PaperVersion[]; expected: PaperVersion[] }[] = [
    { a: [], b: [], expected: [] },
    { a: [v(1, 'x')], b: [], expected: [v(1, 'x')] },
    { a: [], b: [v(2, 'y'), v(1, 'x')], expected: [v(1, 'x'), v(2, 'y')] },
    { a: [v(1, 'x'), v(3, 'z')], b: [v(2, 'y')], expected: [v(1, 'x'), v(2, 'y'), v(3, 'z')] },
    { a: [v(1, 'old', '10kb')], b: [v(1, 'new')], expected: [v(1, 'new')] },
    {
      a: [v(2, 'b'), v(1, 'a')],
      b: [v(2, 'B', '5kb'), v(4, 'd')],
      expected: [v(1, 'a'), v(2, 'B', '5kb'), v(4, 'd')],
    },
  ];
  for (const { a, b, expected } of cases) {
    const aCopy = structuredClone(a);
    const bCopy = structuredClone(b);
    assert.deepEqual(mergeVersions(a, b), expected);
    assert.deepEqual(a, aCopy, 'inputs are not mutated');
    assert.deepEqual(b, bCopy, 'inputs are not mutated');
  }
});

const NOW = Date.UTC(2024, 5, 15, 12, 0, 0);

test('parseArxivDate', () => {
  const cases: { input: string; expected: string | null }[] = [
    { input: 'Mon, 2 Apr 2007 19:18:42 GMT', expected: '2007-04-02T19:18:42.000Z' },
    { input: 'Tue, 10 Apr 2007 02:33:20 GMT', expected: '2007-04-10T02:33:20.000Z' },
    { input: '2 Apr 2007 19:18:42 GMT', expected: '2007-04-02T19:18:42.000Z' },
    { input: 'mon, 02 APR 2007 19:18:42 UTC', expected: '2007-04-02T19:18:42.000Z' },
    { input: 'Mon, 2 Apr 2007 21:18:42 +0200', expected: '2007-04-02T19:18:42.000Z' },
    { input: 'Mon, 2 Apr 2007 14:18 -0500', expected: '2007-04-02T19:18:00.000Z' },
    { input: 'Mon, 2 Apr 2007', expected: '2007-04-02T00:00:00.000Z' },
    { input: '  2007-04-02  ', expected: '2007-04-02T00:00:00.000Z' },
    { input: '2007-04-02T19:18:42Z', expected: '2007-04-02T19:18:42.000Z' },
    { input: '2007-04-02T19:18:42.5Z', expected: '2007-04-02T19:18:42.500Z' },
    { input: '2007-04-02T21:18:42+02:00', expected: '2007-04-02T19:18:42.000Z' },
    { input: '2007-04-02 19:18:42', expected: '2007-04-02T19:18:42.000Z' },
    { input: '2024-02-29', expected: '2024-02-29T00:00:00.000Z' },
    { input: '2024-06-17', expected: '2024-06-17T00:00:00.000Z' },
    { input: '1986-01-01', expected: '1986-01-01T00:00:00.000Z' },
    { input: '2023-02-29', expected: null },
    { input: '2007-02-30', expected: null },
    { input: 'Fri, 30 Feb 2007 10:00:00 GMT', expected: null },
    { input: '2007-13-01', expected: null },
    { input: '2007-00-10', expected: null },
    { input: '2007-04-00', expected: null },
    { input: '2007-04-31', expected: null },
    { input: '2007-04-02T24:00:00Z', expected: null },
    { input: '2007-04-02T23:60:00Z', expected: null },
    { input: '2007-04-02T23:00:00+25:00', expected: null },
    { input: 'Mon, 2 Foo 2007 19:18:42 GMT', expected: null },
    { input: '1985-12-31', expected: null },
    { input: '0001-01-01', expected: null },
    { input: '2024-06-18', expected: null },
    { input: '2099-01-01', expected: null },
    { input: 'yesterday', expected: null },
    { input: '', expected: null },
    { input: '2007-4-2', expected: null },
  ];
  for (const { input, expected } of cases) assert.equal(parseArxivDate(input, NOW), expected, input);
});

test('parseArxivDate: now defaults to the current time', () => {
  const tomorrow = new Date(Date.now() + 24 * 3600 * 1000).toISOString().slice(0, 10);
  const nextWeek = new Date(Date.now() + 7 * 24 * 3600 * 1000).toISOString().slice(0, 10);
  assert.equal(parseArxivDate(tomorrow), `${tomorrow}T00:00:00.000Z`);
  assert.equal(parseArxivDate(nextWeek), null);
});

test('property: parseArxivDate never throws, output is ISO, bounded time', () => {
  const pieces = [
    'Mon, ',
    '2',
    ' ',
    'Apr',
    '2007',
    '19:18:42',
    ' GMT',
    '-',
    'T',
    '+',
    '02:00',
    '.',
    '9',
    'Z',
  ];
  const arb = fc.oneof(
    fc.string(),
    fc.array(fc.constantFrom(...pieces)).map((a) => a.join('')),
    fc
      .date({ min: new Date('1986-01-01'), max: new Date(NOW), noInvalidDate: true })
      .map((d) => d.toUTCString()),
  );
  fc.assert(
    fc.property(arb, (s) => {
      const out = parseArxivDate(s, NOW);
      if (out !== null) assert.equal(new Date(out).toISOString(), out);
    }),
    { numRuns: 4000 },
  );
  fc.assert(
    fc.property(fc.date({ min: new Date('1986-01-01'), max: new Date(NOW), noInvalidDate: true }), (d) => {
      const second = new Date(Math.floor(d.getTime() / 1000) * 1000);
      assert.equal(parseArxivDate(second.toUTCString(), NOW), second.toISOString());
    }),
    { numRuns: 2000 },
  );
  const start = performance.now();
  for (let i = 0; i < 2000; i++) parseArxivDate(`${' '.repeat(30)}1 Apr 2007${' '.repeat(30)}x`, NOW);
  assert.ok(performance.now() - start < 1000);
});
