/**
 * abstractLead normalizes only the head of long abstracts (a measured per-card cost on list
 * pages); it must answer exactly what normalizing the whole text would.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { FeedItem } from '../../feed/feed.ts';
import { cutOutsideMath } from '../../papers/tex-text.ts';
import { abstractLead, cardList, type ListContext } from './cards.view.ts';

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

test('issue 16 item 12: a list showing the "new" mark says once what it means; a list without it does not', () => {
  const now = Date.parse('2024-03-04T12:00:00.000Z');
  const item = (arxivId: string, featuredAt: string): FeedItem => ({
    paper: {
      id: Number(arxivId.slice(-1)),
      arxivId,
      version: 1,
      title: `Paper ${arxivId}`,
      abstract: 'An abstract.',
      authors: ['Ada Lovelace'],
      authorCount: 1,
      categories: ['cs.LG'],
      submittedAt: '2024-03-01T00:00:00.000Z',
      updatedAt: '2024-03-01T00:00:00.000Z',
      links: [],
      withdrawnAt: null,
      contentHash: arxivId,
    },
    stats: { votes: 0, importedVotes: 0, comments: 0 },
    featured: { day: featuredAt.slice(0, 10), featuredAt, source: 'rule', submittedBy: null },
  });
  const ctx: ListContext = { viewer: null, voted: new Set(), saved: new Set(), now, returnTo: '/' };
  const fresh = cardList(
    [item('2403.00001', '2024-03-04T08:00:00.000Z'), item('2403.00002', '2024-03-04T09:00:00.000Z')],
    ctx,
    '',
  ).value;
  assert.equal((fresh.match(/<span class="new">new<\/span>/g) ?? []).length, 3, 'two marks and the legend');
  assert.equal((fresh.match(/class="legend/g) ?? []).length, 1);
  assert.match(fresh, /<span class="new">new<\/span> featured in the last 24 hours/);
  const old = cardList([item('2403.00003', '2024-02-01T08:00:00.000Z')], ctx, '').value;
  assert.doesNotMatch(old, /class="new"|legend/);
});

test('a lead never ends inside a formula (issue 16 item 3)', () => {
  const text = `We bound ${'the loss '.repeat(24)}by $\\mathbb{E}[\\ell_1(x)] \\le \\epsilon$ always.`;
  const lead = abstractLead(text);
  assert.ok(!lead.includes('$'), lead);
  assert.ok(lead.endsWith('by…'), lead);
});
