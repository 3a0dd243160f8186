/**
 * Issue 16 item 3 in the digest: the subject and the text part carry TeX's plain-text form
 * (`ℓ₁-regularized`, `O(n log n)`), the HTML part MathML as on the site, and a snippet cut short
 * never ends inside a formula.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ComposedDigest } from '../../src/digest/compose.ts';
import { renderDigest } from '../../src/digest/template.ts';

const links = {
  site: 'https://paperboy.test/',
  web: 'https://paperboy.test/digest/web.1.0.d20260107.SIG',
  unsubscribe: 'https://paperboy.test/digest/unsubscribe/x',
  preferences: 'https://paperboy.test/digest/preferences/x',
  paper: (id: string) => `https://paperboy.test/papers/${id}`,
};

const digest: ComposedDigest = {
  subscriberId: 1,
  period: { key: 'd20260107', frequency: 'daily', label: 'Wed 7 January 2026' },
  items: [
    {
      section: 'highlights',
      reasons: [],
      upvotes: 3,
      paper: {
        arxivId: '2601.00009',
        title: 'On $\\ell_1$-regularized \\emph{sparse} trees in $O(n \\log n)$ time',
        abstract: `We bound $\\mathbb{E}[X]$ tightly. ${'Then we go on. '.repeat(16)}Finally $\\sum_{i=1}^n x_i \\le \\epsilon$ holds.`,
        authors: ['Ada Lovelace'],
        categories: ['cs.LG'],
        submittedAt: '2026-01-06T10:00:00.000Z',
      },
    },
  ],
};

test('digest: plain-text TeX in subject and text part, MathML in the HTML part', () => {
  const mail = renderDigest(digest, links, 'Reading Club');
  assert.equal(
    mail.subject,
    'Reading Club daily · Wed 7 January 2026: On ℓ₁-regularized sparse trees in O(n log n) time',
  );
  assert.ok(mail.text.includes('1. On ℓ₁-regularized sparse trees in O(n log n) time'), mail.text);
  assert.ok(mail.text.includes('We bound 𝔼[X] tightly.'), mail.text);
  assert.doesNotMatch(mail.text, /\$|\\ell|\\emph/);
  assert.match(mail.html, /<math aria-label="\\ell_1">/);
  assert.match(mail.html, /<em>sparse<\/em>/);
  assert.match(mail.html, /<mi>𝔼<\/mi>/);
  // The snippet is cut inside the last formula: it ends before it, not in raw TeX.
  assert.doesNotMatch(mail.html, /\$\\sum/);
});
