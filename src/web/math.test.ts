import assert from 'node:assert/strict';
import { test } from 'node:test';
import { abstractHtml, markedWithMath, titleHtml, withMath } from './math.ts';

test('renders inline math to MathML and escapes the rest (table)', () => {
  const rows: [string, RegExp[], RegExp[]][] = [
    ['We get $O(n^2)$ time & space.', [/<math/, /<msup>/, /&amp; space/], []],
    ['Price is \\$5 and $x$', [/\\\$5/, /<mi>x<\/mi>/], []],
    ['<script>alert(1)</script> $<script>$', [/&lt;script&gt;alert/], [/<script/]],
    ['$\\href{javascript:alert(1)}{x}$', [], [/href=/, /<a /]],
    ['$\\url{javascript:alert(1)}$ $\\includegraphics{http://x.test/a.png}$', [], [/<img/, /src=/, /href=/]],
    ['$\\def\\a{\\a\\a}\\a$', [/class="tex"/], [/style=/]],
    ['unclosed $x and text', [/unclosed \$x and text/], [/<math/]],
    ['$x_{i}^{2} & <b>$', [/class="tex">\$x_\{i\}\^\{2\} &amp; &lt;b&gt;\$/], [/<b>/]],
    [`$${'x'.repeat(500)}$`, [/^\$x+\$$/], [/<math/]],
  ];
  for (const [input, yes, no] of rows) {
    const out = withMath(input).value;
    for (const r of yes) assert.match(out, r, input);
    for (const r of no) assert.doesNotMatch(out, r, input);
  }
});

test('bounded: thousands of segments render only the first few', () => {
  const out = withMath('$x$ '.repeat(5000)).value;
  assert.equal(out.match(/<math/g)?.length, 40);
});

test('\\mathbb{E} is drawn double-struck: Chromium ignores mathvariant, so the letter is 𝔼', () => {
  const out = withMath('$\\mathbb{E}[X] + \\mathbb{R}^n + \\mathcal{L}$').value;
  assert.match(out, /<mi>𝔼<\/mi>/);
  assert.match(out, /<mi>ℝ<\/mi>/);
  assert.match(out, /<mi>ℒ<\/mi>/);
  assert.doesNotMatch(out, /mathvariant="(double-struck|script)"/);
});

test('$$…$$ and \\[…\\] are display maths; titles keep them inline', () => {
  assert.match(withMath('We show $$x^2$$ holds').value, /<math aria-label="x\^2" display="block">/);
  assert.match(withMath('and \\[y\\]').value, /display="block"/);
  assert.match(withMath('and \\(y\\)').value, /<math aria-label="y"><mrow><mi>y/);
  assert.doesNotMatch(titleHtml('A $$x$$ title').value, /display="block"/);
});

test('\\emph, \\textit and \\textbf become <em> and <strong>; their text is escaped', () => {
  assert.equal(
    withMath('An \\emph{exact} and \\textbf{fast} \\textit{<b>} sort').value,
    'An <em>exact</em> and <strong>fast</strong> <em>&lt;b&gt;</em> sort',
  );
});

test('abstracts link URLs as user content; maths and highlights around them', () => {
  assert.equal(
    abstractHtml('Code: https://github.com/a/b. See $x$').value,
    'Code: <a href="https://github.com/a/b" rel="nofollow ugc noopener">https://github.com/a/b</a>. See <math aria-label="x"><mrow><mi>x</mi></mrow></math>',
  );
  assert.doesNotMatch(withMath('https://x.org').value, /<a /, 'titles are not linked');
  const marked = markedWithMath([
    { text: 'On ', hit: false },
    { text: 'sparse', hit: true },
    { text: ' $\\ell_1$ ', hit: false },
    { text: '\\emph{trees}', hit: false },
  ]).value;
  assert.match(marked, /^On <mark>sparse<\/mark> <math aria-label="\\ell_1">.*<\/math> <em>trees<\/em>$/);
});
