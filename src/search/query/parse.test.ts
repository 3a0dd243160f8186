import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { QueryError } from './ast.ts';
import { MAX_INPUT, parseQuery } from './parse.ts';

const terms = (q: string) =>
  parseQuery(q).clauses.map((c) =>
    c.type === 'or'
      ? `(${c.terms.map((t) => t.text).join('|')})`
      : `${c.negated ? '-' : ''}${c.field ? `${c.field}:` : ''}${c.kind === 'phrase' ? `"${c.text}"` : c.kind === 'prefix' ? `${c.text}*` : c.text}`,
  );

describe('parseQuery', () => {
  const cases: [string, string[]][] = [
    ['graph neural networks', ['graph', 'neural', 'networks']],
    ['"exact phrase" word', ['"exact phrase"', 'word']],
    ['transf* -survey', ['transf*', '-survey']],
    ['state-of-the-art', ['"state of the art"']],
    ['diffusion OR score "flow matching" OR ode', ['(diffusion|score)', '(flow matching|ode)']],
    ['vision diffusion OR "flow matching" OR ode', ['vision', '(diffusion|flow matching|ode)']],
    ['author:hinton title:capsule', ['authors:hinton', 'title:capsule']],
    ['author:"Geoffrey Hinton"', ['authors:"geoffrey hinton"']],
    ['-author:smith attention', ['-authors:smith', 'attention']],
    ['arXiv:2401.00001', ['"arxiv 2401 00001"']],
    ['  BERT   ', ['bert']],
    ['- lonely dash', ['lonely', 'dash']],
  ];
  for (const [q, want] of cases) it(`reads ${JSON.stringify(q)}`, () => assert.deepEqual(terms(q), want));

  it('reads filters and sort', () => {
    const q = parseQuery('vision cat:cs.CV OR cat:cs.LG -cat:stat.ML year:2024 after:2024-03 sort:date');
    assert.deepEqual(q.categories, [['cs.cv', 'cs.lg']]);
    assert.deepEqual(q.excludedCategories, ['stat.ml']);
    assert.deepEqual(q.dates, { from: '2024-03-01', to: '2025-01-01' });
    assert.equal(q.sort, 'date');
  });

  it('before: is exclusive, after: inclusive', () => {
    assert.deepEqual(parseQuery('x before:2024-02-29').dates, { to: '2024-02-29' });
    assert.deepEqual(parseQuery('x after:2023').dates, { from: '2023-01-01' });
  });

  it('a query of only filters is valid (browse a category)', () => {
    assert.deepEqual(parseQuery('cat:cs.CV').clauses, []);
  });

  const errors: [string, RegExp, number][] = [
    ['"unclosed phrase', /never closed/, 0],
    ['ok foo:bar', /Unknown filter "foo:"/, 3],
    ['author:', /author: needs a value/, 0],
    ['OR cats', /before it/, 0],
    ['cats OR', /after it/, 5],
    ['-cats', /Only exclusions/, 0],
    ['x year:24', /year: wants a date|year: wants a year/, 2],
    ['x after:2024-02-30', /not one/, 2],
    ['x sort:best', /relevance, date or votes/, 2],
    ['x cat:cs.CV OR year:2024', /OR joins/, 15],
    ['x -a OR b', /excluded/, 2],
    ['x after:2024-05 before:2024-01', /No date/, 0],
    ['x cat:%%', /arXiv category/, 2],
    ['x -sort:date', /cannot be excluded/, 2],
    // Issue 12: limits no honest query meets, each saying which rule and where.
    ['a* OR b*', /at least 3 letters .* before the \*/, 0],
    ['graph ne*', /at least 3 letters/, 6],
    ['author:a* OR author:b* OR author:c* a*', /at least 3 letters/, 0],
    ['x -co*', /at least 3 letters/, 2],
    ['con* pre* dis* tra* mod*', /at most 4 in one search/, 20],
    ['author:smi* OR author:joh* OR author:wan* OR author:che* OR author:lee*', /prefix\* terms/, 60],
    [Array.from({ length: 17 }, (_, i) => `w${i}`).join(' OR '), /OR alternatives: at most 16/, 102],
    [Array.from({ length: 33 }, (_, i) => `w${i}`).join(' '), /Too many terms: at most 32/, 118],
  ];
  for (const [q, re, at] of errors) {
    it(`rejects ${JSON.stringify(q)} at ${at}`, () => {
      assert.throws(
        () => parseQuery(q),
        (e: unknown) => e instanceof QueryError && re.test(e.message) && e.position === at,
      );
    });
  }

  it('allows what honest queries use: 3-letter prefixes, 4 prefixes, 16 alternatives, 32 terms', () => {
    assert.equal(parseQuery('con* pre* dis* tra*').clauses.length, 4);
    assert.equal(parseQuery(Array.from({ length: 16 }, (_, i) => `w${i}`).join(' OR ')).clauses.length, 1);
    assert.equal(parseQuery(Array.from({ length: 32 }, (_, i) => `w${i}`).join(' ')).clauses.length, 32);
  });

  it('any string parses or fails with a QueryError pointing inside the input, quickly', () => {
    const alphabet = fc.constantFrom(
      ...'ab -":*ORcatuhy0124.()\\'.split(''),
      'OR',
      'cat:',
      'author:',
      'year:',
      'sort:',
      '"',
    );
    const inputs = fc.oneof(
      fc.string({ maxLength: 600 }),
      fc.array(alphabet, { maxLength: 120 }).map((a) => a.join('')),
    );
    fc.assert(
      fc.property(inputs, (s) => {
        const t0 = performance.now();
        try {
          const q = parseQuery(s);
          for (const c of q.clauses) assert.ok(c.start >= 0 && c.end <= s.length && c.start < c.end);
        } catch (e) {
          assert.ok(e instanceof QueryError, `unexpected ${String(e)}`);
          assert.ok(e.position >= 0 && e.position <= Math.max(s.length, MAX_INPUT));
          assert.ok(e.message.length > 10);
        }
        // Bounded work: a generous ceiling that only a super-linear blow-up would cross.
        assert.ok(performance.now() - t0 < 2000);
      }),
      { numRuns: 2000 },
    );
  });
});
