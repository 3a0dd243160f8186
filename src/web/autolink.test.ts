import assert from 'node:assert/strict';
import { test } from 'node:test';
import { autolink } from './autolink.ts';

test('links http(s) URLs, escapes everything else (table)', () => {
  const rows: [string, string][] = [
    [
      'see https://github.com/a/b.',
      'see <a href="https://github.com/a/b" rel="nofollow ugc noopener">https://github.com/a/b</a>.',
    ],
    [
      '(https://x.org/wiki/A_(b))',
      '(<a href="https://x.org/wiki/A_(b)" rel="nofollow ugc noopener">https://x.org/wiki/A_(b)</a>)',
    ],
    ['javascript:alert(1)', 'javascript:alert(1)'],
    ['<script>alert(1)</script> & co', '&lt;script&gt;alert(1)&lt;/script&gt; &amp; co'],
    [
      'https://x.org/"onmouseover="alert(1)',
      '<a href="https://x.org/" rel="nofollow ugc noopener">https://x.org/</a>&quot;onmouseover=&quot;alert(1)',
    ],
    ['http://user:pw@evil.test/', 'http://user:pw@evil.test/'],
    ['plain text', 'plain text'],
  ];
  for (const [input, want] of rows) assert.equal(autolink(input).value, want, input);
});
