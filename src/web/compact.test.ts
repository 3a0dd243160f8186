import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { compactCss, compactJs } from './compact.ts';

const file = (name: string) => readFileSync(path.join(import.meta.dirname, 'static', name), 'utf8');

test('compactCss keeps every rule and declaration of app.css, only drops comments and layout whitespace', () => {
  const css = file('app.css');
  const small = compactCss(css);
  assert.ok(small.length < css.length * 0.8, `${small.length} of ${css.length}`);
  assert.doesNotMatch(small, /\/\*|\n/);
  const count = (s: string, re: RegExp) => s.match(re)?.length ?? 0;
  assert.equal(count(small, /\{/g), count(css, /\{/g));
  assert.equal(
    count(small, /;|\}/g),
    count(css.replace(/\/\*[\s\S]*?\*\//g, ''), /;|\}/g) - count(css, /;\s*\}/g),
  );
  assert.equal(
    compactCss(
      'a:hover,\na:focus {\n  font:\n    16px / 1.5 system-ui,\n    sans-serif;\n}\nh1 .sub > b { color: red; }',
    ),
    'a:hover,a:focus{font:16px / 1.5 system-ui,sans-serif}h1 .sub>b{color:red}',
  );
});

test('compactJs of app.js still parses, without comment lines or indentation', () => {
  const small = compactJs(file('app.js'));
  assert.doesNotThrow(() => new Function(small));
  assert.doesNotMatch(small, /^\s*\/\/|^\s+/m);
});
