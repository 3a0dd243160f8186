/**
 * feedItemsJson builds the daily-papers JSON from memoized per-item parts: byte for byte what
 * JSON.stringify of the presented items gives, and never a stale item when a counter, the
 * featuring or the paper's content changes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FeedItem } from '../feed/feed.ts';
import { feedItemsJson, presentFeedItem } from './presenters.ts';

function item(
  n: number,
  over: { votes?: number; comments?: number; hash?: string; title?: string } = {},
): FeedItem {
  return {
    paper: {
      id: n,
      arxivId: `2501.${String(n).padStart(5, '0')}`,
      version: 1,
      title: over.title ?? `Zoë's "quoted" title ${n} — with $x^2$ & <tags>`,
      abstract: `Ab\u2028stract ${'é'.repeat(n)} \\ / \n end`,
      authors: ['Zoë Ångström', 'Ada Lovelace'],
      authorCount: 2,
      categories: ['cs.LG'],
      submittedAt: '2025-01-01T00:00:00.000Z',
      updatedAt: '2025-01-01T00:00:00.000Z',
      links: n % 2 ? [{ kind: 'code', url: 'https://github.com/a/b', host: 'github.com' }] : [],
      withdrawnAt: null,
      contentHash: over.hash ?? `h${n}`,
    },
    stats: { votes: over.votes ?? n, importedVotes: 3, comments: over.comments ?? 0 },
    featured:
      n % 3
        ? { day: '2025-01-02', featuredAt: '2025-01-02T08:00:00.000Z', source: 'import', submittedBy: 'ada' }
        : null,
  };
}

const reference = (items: FeedItem[]) => Buffer.from(JSON.stringify(items.map(presentFeedItem)));

test('the same bytes as JSON.stringify, for lists of every size', () => {
  for (const n of [0, 1, 2, 50]) {
    const items = Array.from({ length: n }, (_, i) => item(i + 1));
    assert.deepEqual(feedItemsJson(items), reference(items));
    assert.deepEqual(JSON.parse(feedItemsJson(items).toString()), items.map(presentFeedItem));
  }
});

test('a changed counter, featuring or content is never served from the memo', () => {
  const before = [item(7)];
  assert.deepEqual(feedItemsJson(before), reference(before));
  for (const changed of [
    [item(7, { votes: 99 })],
    [item(7, { comments: 4 })],
    [item(7, { hash: 'other', title: 'A new title' })],
    [{ ...item(7), featured: null }],
  ])
    assert.deepEqual(feedItemsJson(changed), reference(changed));
});
