/**
 * abstractLead normalizes only the head of long abstracts (a measured per-card cost on list
 * pages); it must answer exactly what normalizing the whole text would.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { cutOutsideMath } from '../../papers/tex-text.ts';
import { abstractLead } from './cards.view.ts';

function reference(text: string, max = 240): string {
  const t = text.replace(/\s+/g, ' ').trim();
  if (t.length <= max) return t;
  const cut = t.lastIndexOf(' ', max);
  return `${cutOutsideMath(t.slice(0, cut > 0 ? cut : max))}…`;
}

test('abstractLead equals normalizing the whole text', () => {
  const pieces = fc.oneof(
    fc.constantFrom(' ', '\n', '\t ', '   \n  ', 'a', 'word', 'longerword', '$x^2$', 'é'),
    fc.string({ maxLength: 12 }),
  );
  fc.assert(
    fc.property(fc.array(pieces, { maxLength: 700 }), fc.integer({ min: 5, max: 300 }), (parts, max) => {
      const text = parts.join('');
      assert.equal(abstractLead(text, max), reference(text, max));
    }),
    { numRuns: 2000 },
  );
  // Mostly whitespace past the head: the long way gives the same answer.
  const sparse = `start ${' '.repeat(2000)}end`;
  assert.equal(abstractLead(sparse), reference(sparse));
  const long = 'word '.repeat(500);
  assert.equal(abstractLead(long), reference(long));
});

test('a lead never ends inside a formula (issue 16 item 3)', () => {
  const text = `We bound ${'the loss '.repeat(24)}by $\\mathbb{E}[\\ell_1(x)] \\le \\epsilon$ always.`;
  const lead = abstractLead(text);
  assert.ok(!lead.includes('$'), lead);
  assert.ok(lead.endsWith('by…'), lead);
});
