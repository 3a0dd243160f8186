import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { authorKey, authorsFromParsed, formatAuthorList, latexToUnicode, parseAuthors } from './authors.ts';
import type { Author } from './paper.ts';

test('latexToUnicode', () => {
  const cases: { input: string; expected: string }[] = [
    { input: 'plain name', expected: 'plain name' },
    { input: 'keeps  spacing without latex', expected: 'keeps  spacing without latex' },
    { input: 'J{\\"u}rgen', expected: 'Jürgen' },
    { input: 'J\\"urgen', expected: 'Jürgen' },
    { input: 'J\\"{u}rgen', expected: 'Jürgen' },
    { input: "Ren{\\'e}", expected: 'René' },
    { input: "Ren\\'e", expected: 'René' },
    { input: "\\'E", expected: 'É' },
    { input: 'Vo\\`a', expected: 'Voà' },
    { input: 'C\\^ote', expected: 'Côte' },
    { input: 'Nu\\~nez', expected: 'Nuñez' },
    { input: 'Fran\\c{c}ois', expected: 'François' },
    { input: 'Fran\\c cois', expected: 'François' },
    { input: '\\v{S}koda \\v{s}', expected: 'Škoda š' },
    { input: 'Erd\\H{o}s', expected: 'Erdős' },
    { input: '\\=a', expected: 'ā' },
    { input: '\\.Zukowski \\.z', expected: 'Żukowski ż' },
    { input: 'Do\\u{g}an', expected: 'Doğan' },
    { input: '\\r{a}', expected: 'å' },
    { input: 'Maj\\k{a}', expected: 'Mają' },
    { input: 'J{\\o}rgen Bj\\o rn', expected: 'Jørgen Bjørn' },
    { input: '{\\O}stergaard \\O Berg \\O berg', expected: 'Østergaard Ø Berg Øberg' },
    { input: 'Stra{\\ss}e Stra\\ss{}e', expected: 'Straße Straße' },
    { input: '\\aa{}ke \\AA ngstr\\"om', expected: 'åke Ångström' },
    { input: '\\ae{} {\\AE}', expected: 'æ Æ' },
    { input: '\\L ukasz Pi\\l{}at', expected: 'Łukasz Piłat' },
    { input: 'K\\i{}r', expected: 'Kır' },
    { input: "Mart\\'\\i n Mart\\'{\\i}nez", expected: 'Martín Martínez' },
    { input: '\\v{\\j}', expected: 'ǰ' },
    { input: '\\"{x}', expected: 'ẍ' },
    { input: '{Smith}   and \n {Jones}', expected: 'Smith and Jones' },
    { input: 'J.~M\\"uller', expected: 'J. Müller' },
    { input: '\\ldots \\"1', expected: '\\ldots \\"1' },
  ];
  for (const { input, expected } of cases) assert.equal(latexToUnicode(input), expected, input);
});

const au = (
  name: string,
  keyname: string,
  forenames: string,
  suffix = '',
  affiliation: string | null = null,
): Author => ({
  name,
  keyname,
  forenames,
  suffix,
  affiliation,
});

test('parseAuthors', () => {
  const cases: { input: string; expected: Author[] }[] = [
    { input: '', expected: [] },
    { input: '  \n ', expected: [] },
    { input: 'Albert Einstein', expected: [au('Albert Einstein', 'Einstein', 'Albert')] },
    { input: 'A. Smith, B. Jones', expected: [au('A. Smith', 'Smith', 'A.'), au('B. Jones', 'Jones', 'B.')] },
    {
      input: 'A. Smith and B. Jones',
      expected: [au('A. Smith', 'Smith', 'A.'), au('B. Jones', 'Jones', 'B.')],
    },
    {
      input: 'A. Smith, B. Jones, and C. Brown',
      expected: [au('A. Smith', 'Smith', 'A.'), au('B. Jones', 'Jones', 'B.'), au('C. Brown', 'Brown', 'C.')],
    },
    {
      input: 'A. Smith (MIT), B. Jones (Stanford and Oxford)',
      expected: [
        au('A. Smith', 'Smith', 'A.', '', 'MIT'),
        au('B. Jones', 'Jones', 'B.', '', 'Stanford and Oxford'),
      ],
    },
    {
      input: 'A. Smith (1), B. Jones (1 and 2) ((1) MIT, (2) CERN)',
      expected: [au('A. Smith', 'Smith', 'A.', '', 'MIT'), au('B. Jones', 'Jones', 'B.', '', 'MIT; CERN')],
    },
    {
      input: 'A. Smith (1,2), B. Jones (2) ((1) Univ. Paris (LPT), (2) CERN and)',
      expected: [
        au('A. Smith', 'Smith', 'A.', '', 'Univ. Paris (LPT); CERN'),
        au('B. Jones', 'Jones', 'B.', '', 'CERN'),
      ],
    },
    {
      input: 'A. Smith (1), B. Jones (3)',
      expected: [au('A. Smith', 'Smith', 'A.', '', '1'), au('B. Jones', 'Jones', 'B.', '', '3')],
    },
    {
      input: 'A. Smith (1), B. Jones (3) ((1) MIT)',
      expected: [au('A. Smith', 'Smith', 'A.', '', 'MIT'), au('B. Jones', 'Jones', 'B.', '', '3')],
    },
    {
      input: 'A. Smith,\n  B. Jones and\n C.\n Brown',
      expected: [au('A. Smith', 'Smith', 'A.'), au('B. Jones', 'Jones', 'B.'), au('C. Brown', 'Brown', 'C.')],
    },
    {
      input: 'A. Smith, B. Jones et al.',
      expected: [au('A. Smith', 'Smith', 'A.'), au('B. Jones', 'Jones', 'B.')],
    },
    { input: 'A. Smith, et al', expected: [au('A. Smith', 'Smith', 'A.')] },
    { input: 'A. Smith and others', expected: [au('A. Smith', 'Smith', 'A.')] },
    { input: 'J. D. van der Waals', expected: [au('J. D. van der Waals', 'van der Waals', 'J. D.')] },
    {
      input: 'Pierre-Gilles de Gennes',
      expected: [au('Pierre-Gilles de Gennes', 'de Gennes', 'Pierre-Gilles')],
    },
    { input: 'Ludwig von Mises', expected: [au('Ludwig von Mises', 'von Mises', 'Ludwig')] },
    {
      input: 'Martin Luther King Jr.',
      expected: [au('Martin Luther King Jr.', 'King', 'Martin Luther', 'Jr.')],
    },
    {
      input: 'John Smith, Jr., A. Brown',
      expected: [au('John Smith Jr.', 'Smith', 'John', 'Jr.'), au('A. Brown', 'Brown', 'A.')],
    },
    { input: 'Henry Ford III', expected: [au('Henry Ford III', 'Ford', 'Henry', 'III')] },
    {
      input: 'J\\"urgen Schmidhuber and Fran{\\c c}ois Chollet',
      expected: [
        au('Jürgen Schmidhuber', 'Schmidhuber', 'Jürgen'),
        au('François Chollet', 'Chollet', 'François'),
      ],
    },
    { input: 'ATLAS Collaboration', expected: [au('ATLAS Collaboration', 'ATLAS Collaboration', '')] },
    { input: 'Plato', expected: [au('Plato', 'Plato', '')] },
    { input: 'A. Smith, (MIT)', expected: [au('A. Smith', 'Smith', 'A.', '', 'MIT')] },
    { input: 'A. Smith (MIT) (Harvard)', expected: [au('A. Smith', 'Smith', 'A.', '', 'MIT; Harvard')] },
    {
      input: 'A. Smith (MIT, B. Jones',
      expected: [au('A. Smith MIT', 'MIT', 'A. Smith'), au('B. Jones', 'Jones', 'B.')],
    },
    {
      input: 'Alexander Anderson, Sandy Andrews',
      expected: [au('Alexander Anderson', 'Anderson', 'Alexander'), au('Sandy Andrews', 'Andrews', 'Sandy')],
    },
  ];
  for (const { input, expected } of cases)
    assert.deepEqual(parseAuthors(input), expected, JSON.stringify(input));
});

test('authorsFromParsed', () => {
  const cases: { input: string[][]; expected: Author[] }[] = [
    { input: [], expected: [] },
    { input: [['Einstein', 'Albert', '']], expected: [au('Albert Einstein', 'Einstein', 'Albert')] },
    { input: [['M\\"uller', 'J\\"org', '']], expected: [au('Jörg Müller', 'Müller', 'Jörg')] },
    {
      input: [['King', 'Martin Luther', 'Jr']],
      expected: [au('Martin Luther King Jr', 'King', 'Martin Luther', 'Jr')],
    },
    { input: [['Smith', 'A.', '', 'MIT']], expected: [au('A. Smith', 'Smith', 'A.', '', 'MIT')] },
    {
      input: [['Smith', 'A.', '', 'MIT', 'CERN']],
      expected: [au('A. Smith', 'Smith', 'A.', '', 'MIT; CERN')],
    },
    { input: [['Collaboration', 'ATLAS']], expected: [au('ATLAS Collaboration', 'Collaboration', 'ATLAS')] },
    {
      input: [
        ['', '', ''],
        ['Plato', '', ''],
      ],
      expected: [au('Plato', 'Plato', '')],
    },
    {
      input: [['van  der\nWaals', 'J. D.', '']],
      expected: [au('J. D. van der Waals', 'van der Waals', 'J. D.')],
    },
  ];
  for (const { input, expected } of cases)
    assert.deepEqual(authorsFromParsed(input), expected, JSON.stringify(input));
});

test('authorKey', () => {
  const cases = [
    { input: 'Jürgen Schmidhuber', expected: 'jurgen schmidhuber' },
    { input: '  Jürgen   Schmidhuber\n', expected: 'jurgen schmidhuber' },
    { input: 'J\\"urgen Schmidhuber', expected: 'jurgen schmidhuber' },
    { input: 'Łukasz Søren Straße', expected: 'lukasz soren strasse' },
    { input: 'FRANÇOIS Chollet', expected: 'francois chollet' },
    { input: 'Zoë Ångström', expected: 'zoe angstrom' },
    { input: '', expected: '' },
  ];
  for (const { input, expected } of cases) assert.equal(authorKey(input), expected, input);
});

test('formatAuthorList', () => {
  const list = ['A', 'B', 'C', 'D'].map((n) => au(n, n, ''));
  const cases = [
    { authors: list, max: 3, expected: 'A, B, C et al.' },
    { authors: list, max: 4, expected: 'A, B, C, D' },
    { authors: list, max: 10, expected: 'A, B, C, D' },
    { authors: list, max: 1, expected: 'A et al.' },
    { authors: list, max: 0, expected: 'A et al.' },
    { authors: list.slice(0, 1), max: 1, expected: 'A' },
    { authors: [], max: 3, expected: '' },
  ];
  for (const { authors, max, expected } of cases) assert.equal(formatAuthorList(authors, max), expected);
});

test('property: no throw, well-formed authors, bounded time on random and adversarial input', () => {
  const pieces = [
    'A. Smith',
    ', ',
    ' and ',
    '(',
    ')',
    '(1)',
    '((1) MIT, (2) CERN)',
    '\\"',
    '{',
    '}',
    '\\o',
    ' ',
    '\n',
    'et al.',
    'Jr.',
    'van',
    '\\c',
    '~',
    '\\i',
  ];
  const arb = fc.oneof(
    fc.string(),
    fc.string({ unit: 'grapheme' }),
    fc.array(fc.constantFrom(...pieces)).map((a) => a.join('')),
  );
  fc.assert(
    fc.property(arb, (s) => {
      latexToUnicode(s);
      authorKey(s);
      for (const a of parseAuthors(s)) {
        assert.ok(a.name.length > 0 && a.name === a.name.trim() && !/\s\s/.test(a.name), JSON.stringify(a));
        assert.ok(a.keyname.length > 0);
      }
    }),
    { numRuns: 4000 },
  );
  const n = 50_000;
  const adversarial = [
    '('.repeat(n),
    '('.repeat(n) + ')'.repeat(n),
    'A and '.repeat(n / 5),
    '\\"'.repeat(n),
    `\\"{${' '.repeat(n)}`,
    '\\c '.repeat(n / 2),
    '{\\o}'.repeat(n / 4),
    'A. Smith (1), '.repeat(n / 10) + '((1) MIT, (2) CERN)'.repeat(100),
    ',',
  ];
  for (const s of adversarial) {
    const start = performance.now();
    parseAuthors(s);
    authorKey(s);
    assert.ok(performance.now() - start < 2000, `slow on ${JSON.stringify(s.slice(0, 30))}`);
  }
});
