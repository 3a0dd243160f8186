import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withMath } from './math.ts';

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
