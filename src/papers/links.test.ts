import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { extractLinks, isSafeHttpUrl } from './links.ts';
import type { PaperLink } from './paper.ts';

const code = (url: string, host = new URL(url).hostname): PaperLink => ({ kind: 'code', url, host });
const project = (url: string, host = new URL(url).hostname.replace(/^www\./, '')): PaperLink => ({
  kind: 'project',
  url,
  host,
});
const GH = 'https://github.com/Foo/Bar';

test('extractLinks', () => {
  const cases: { abstract: string; comments?: string | null; expected: PaperLink[] }[] = [
    { abstract: 'No links here at all.', expected: [] },
    { abstract: '', comments: null, expected: [] },
    { abstract: 'Code: https://github.com/Foo/Bar', expected: [code(GH)] },
    { abstract: 'Code is at https://github.com/Foo/Bar.', expected: [code(GH)] },
    { abstract: 'Code (https://github.com/Foo/Bar), data', expected: [code(GH)] },
    { abstract: 'see https://github.com/Foo/Bar; and', expected: [code(GH)] },
    { abstract: "'https://github.com/Foo/Bar'", expected: [code(GH)] },
    { abstract: '"https://github.com/Foo/Bar"', expected: [code(GH)] },
    { abstract: '[code](https://github.com/Foo/Bar)]', expected: [code(GH)] },
    { abstract: 'https://github.com/Foo/Bar/tree/main/src', expected: [code(GH)] },
    { abstract: 'https://github.com/Foo/Bar/blob/main/README.md', expected: [code(GH)] },
    { abstract: 'https://github.com/Foo/Bar.git', expected: [code(GH)] },
    { abstract: 'http://www.github.com/Foo/Bar/', expected: [code(GH)] },
    { abstract: 'HTTPS://GitHub.com/Foo/Bar#readme', expected: [code(GH)] },
    { abstract: 'https://github.com/Foo/Bar?tab=readme', expected: [code(GH)] },
    { abstract: 'available at github.com/Foo/Bar.', expected: [code(GH)] },
    { abstract: 'at www.github.com/Foo/Bar', expected: [code(GH)] },
    { abstract: 'code: \\url{https://github.com/Foo/Bar}.', expected: [code(GH)] },
    { abstract: 'code: \\url{github.com/Foo/Bar}', expected: [code(GH)] },
    { abstract: '\\href{https://github.com/Foo/Bar}{here}', expected: [code(GH)] },
    { abstract: 'https://github.com/Foo/my\\_repo', expected: [code('https://github.com/Foo/my_repo')] },
    {
      abstract: 'https://github.com/facebookresearch.',
      expected: [code('https://github.com/facebookresearch')],
    },
    { abstract: 'https://github.com/features/copilot and https://github.com/topics/ml', expected: [] },
    {
      abstract: 'https://github.com/Foo/Bar and https://github.com/foo/bar/tree/x and github.com/FOO/BAR',
      expected: [code(GH)],
    },
    {
      abstract: 'Code: https://github.com/Foo/Bar',
      comments: 'Code at https://github.com/foo/bar, data at https://gitlab.com/Grp/Data',
      expected: [code(GH), code('https://gitlab.com/Grp/Data')],
    },
    {
      abstract: 'https://gitlab.com/grp/sub/Proj/-/tree/main',
      expected: [code('https://gitlab.com/grp/sub/Proj')],
    },
    { abstract: 'https://gitlab.com/grp/proj.git', expected: [code('https://gitlab.com/grp/proj')] },
    {
      abstract: 'https://bitbucket.org/Team/Repo/src/master/',
      expected: [code('https://bitbucket.org/Team/Repo')],
    },
    {
      abstract: 'https://huggingface.co/Org/Model-7B/tree/main',
      expected: [code('https://huggingface.co/Org/Model-7B')],
    },
    {
      abstract: 'https://huggingface.co/datasets/Org/Set.',
      expected: [code('https://huggingface.co/datasets/Org/Set')],
    },
    {
      abstract: 'huggingface.co/spaces/org/demo',
      expected: [code('https://huggingface.co/spaces/org/demo')],
    },
    { abstract: 'https://huggingface.co/papers/2210.11078', expected: [] },
    {
      abstract: 'Our project page: https://foo.github.io/bar/. Code: https://github.com/Foo/Bar',
      expected: [project('https://foo.github.io/bar/'), code(GH)],
    },
    { abstract: 'See https://foo.github.io/bar', expected: [project('https://foo.github.io/bar')] },
    {
      abstract: 'Project website at https://example.com/proj.',
      expected: [project('https://example.com/proj')],
    },
    { abstract: 'Homepage: http://www.Example.org/x#top', expected: [project('http://www.example.org/x')] },
    {
      abstract: 'A demo is available at https://demo.example.ai',
      expected: [project('https://demo.example.ai/')],
    },
    {
      abstract: 'More at https://example.com/x (project page)',
      expected: [project('https://example.com/x')],
    },
    { abstract: 'website: www.example.com/x', expected: [project('https://www.example.com/x')] },
    { abstract: 'We use data from https://example.com/data.', expected: [] },
    {
      abstract: 'Website: https://en.wikipedia.org/wiki/Foo_(bar).',
      expected: [project('https://en.wikipedia.org/wiki/Foo_(bar)')],
    },
    {
      abstract: 'Project page: https://a.example.com. The data is from https://b.example.com/data',
      expected: [project('https://a.example.com/')],
    },
    { abstract: 'Website: https://arxiv.org/abs/2210.11078 and https://doi.org/10.1/x', expected: [] },
    { abstract: 'project page https://dx.doi.org/10.1/x', expected: [] },
    { abstract: 'Contact: foo@github.com or me@example.com (website)', expected: [] },
    { abstract: 'email foo@github.com/bar', expected: [] },
    { abstract: 'https://user:pw@github.com/Foo/Bar', expected: [] },
    { abstract: 'Homepage: ftp://example.com/x', expected: [] },
    { abstract: 'mygithub.com/Foo/Bar', expected: [] },
    { abstract: 'https://github.com/Foo/\nBar', expected: [code('https://github.com/Foo')] },
    { abstract: 'https://github.com/Foo/Bar\nis the code', expected: [code(GH)] },
  ];
  for (const { abstract, comments = null, expected } of cases) {
    assert.deepEqual(extractLinks(abstract, comments), expected, JSON.stringify(abstract));
  }
});

test('isSafeHttpUrl', () => {
  const cases = [
    { input: 'https://example.com/x?y=1#z', expected: true },
    { input: 'http://example.com', expected: true },
    { input: 'javascript:alert(1)', expected: false },
    { input: 'data:text/html,hi', expected: false },
    { input: 'ftp://example.com', expected: false },
    { input: 'https://user:pw@example.com', expected: false },
    { input: 'https://user@example.com', expected: false },
    { input: 'https://exa mple.com', expected: false },
    { input: 'java\nscript:alert(1)', expected: false },
    { input: ' https://example.com', expected: false },
    { input: '//example.com', expected: false },
    { input: 'not a url', expected: false },
    { input: '', expected: false },
    { input: `https://example.com/${'a'.repeat(3000)}`, expected: false },
  ];
  for (const { input, expected } of cases) assert.equal(isSafeHttpUrl(input), expected, input);
});

test('property: no throw, only safe normalized links, bounded time', () => {
  const pieces = [
    'https://',
    'http://',
    'github.com/',
    'www.',
    'Foo',
    '/',
    'Bar',
    '.git',
    '.',
    ')',
    '(',
    ' ',
    '\n',
    '\\url{',
    '}',
    'project page',
    '.github.io',
    '@',
    'huggingface.co/datasets/',
  ];
  const arb = fc.oneof(
    fc.string(),
    fc.webUrl(),
    fc.array(fc.constantFrom(...pieces)).map((a) => a.join('')),
  );
  fc.assert(
    fc.property(arb, arb, (abstract, comments) => {
      const links = extractLinks(abstract, comments);
      assert.ok(links.length <= 20);
      const urls = links.map((l) => l.url.toLowerCase());
      assert.equal(new Set(urls).size, urls.length, 'deduplicated');
      for (const l of links) {
        assert.ok(isSafeHttpUrl(l.url), l.url);
        assert.ok(!l.host.startsWith('www.') && l.host === l.host.toLowerCase(), l.host);
      }
    }),
    { numRuns: 3000 },
  );
  const n = 100_000;
  const adversarial = [
    'http'.repeat(n / 4),
    'https://'.repeat(n / 8),
    'github.com/'.repeat(n / 11),
    `https://github.com/${')'.repeat(n)}`,
    `https://example.com/${'('.repeat(n / 2)}${')'.repeat(n / 2)}`,
    'www.'.repeat(n / 4),
    '\\url{'.repeat(n / 5),
    `project page ${'https://a.github.io/x '.repeat(n / 22)}`,
  ];
  for (const s of adversarial) {
    const start = performance.now();
    extractLinks(s, s);
    assert.ok(performance.now() - start < 1000, `slow on ${JSON.stringify(s.slice(0, 30))}`);
  }
});
