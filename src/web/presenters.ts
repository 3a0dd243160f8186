/**
 * JSON shapes of the public API. The daily-papers item follows the shape public daily-papers
 * sites serve (a sample: test/fixtures/upstream/daily-papers/2024-02-01.json): beware the two `publishedAt`s — the
 * paper's is its arXiv date, the item's is the day it was featured. Upvotes are the sum of local
 * votes and votes imported from a daily-papers list; both parts are given too.
 */
import type { FeedItem } from '../feed/feed.ts';
import { totalVotes } from '../feed/feed.ts';
import { arxivAbsUrl, arxivPdfUrl } from '../papers/arxiv-id.ts';
import type { Paper } from '../papers/paper.ts';

export function presentPaper(p: Paper) {
  return {
    id: p.arxivId,
    version: p.version,
    title: p.title,
    summary: p.abstract,
    authors: p.authors.map((a) => ({ name: a.name, affiliation: a.affiliation })),
    categories: p.categories,
    primaryCategory: p.primaryCategory,
    publishedAt: p.submittedAt,
    updatedAt: p.updatedAt,
    versions: p.versions.map((v) => ({ version: `v${v.version}`, createdAt: v.createdAt })),
    comments: p.comments,
    journalRef: p.journalRef,
    doi: p.doi,
    license: p.license,
    links: p.links,
    absUrl: arxivAbsUrl(p.arxivId),
    pdfUrl: arxivPdfUrl(p.arxivId),
    withdrawnAt: p.withdrawnAt ?? null,
  };
}

export function presentFeedItem(item: FeedItem) {
  const { paper, stats, featured } = item;
  const code = paper.links.find((l) => l.kind === 'code');
  const project = paper.links.find((l) => l.kind === 'project');
  return {
    paper: {
      id: paper.arxivId,
      title: paper.title,
      summary: paper.abstract,
      authors: paper.authors.map((name) => ({ name, hidden: false })),
      authorCount: paper.authorCount,
      categories: paper.categories,
      publishedAt: paper.submittedAt,
      upvotes: totalVotes(stats),
      localUpvotes: stats.votes,
      importedUpvotes: stats.importedVotes,
      discussionId: paper.arxivId,
      githubRepo: code?.url ?? null,
      projectPage: project?.url ?? null,
      submittedOnDailyAt: featured?.featuredAt ?? null,
      withdrawnAt: paper.withdrawnAt,
    },
    publishedAt: featured?.featuredAt ?? null,
    featuredDay: featured?.day ?? null,
    title: paper.title,
    summary: paper.abstract,
    thumbnail: null,
    numComments: stats.comments,
    submittedBy: featured?.submittedBy
      ? { name: featured.submittedBy, fullname: featured.submittedBy, avatarUrl: null }
      : null,
  };
}

/**
 * A feed item's JSON, UTF-8 encoded and memoized on everything it is made of (content hash,
 * counters, featuring): encoding abstracts (twice: the public shape repeats the summary) was most
 * of the CPU of an uncached /api/daily_papers (bench http), and the day's list is asked for all day.
 */
const itemJson = new Map<string, Buffer>();
const ITEM_JSON_ENTRIES = 2000;

function itemKey(item: FeedItem): string {
  const { paper: p, stats: s, featured: f } = item;
  return `${p.id}:${p.contentHash}:${p.withdrawnAt}:${s.votes}:${s.importedVotes}:${s.comments}:${
    f ? `${f.day}:${f.featuredAt}:${f.submittedBy}` : ''
  }`;
}

function feedItemJson(item: FeedItem, key: string): Buffer {
  let json = itemJson.get(key);
  if (json === undefined) {
    json = Buffer.from(JSON.stringify(presentFeedItem(item)));
    if (itemJson.size >= ITEM_JSON_ENTRIES) itemJson.delete(itemJson.keys().next().value!);
    itemJson.set(key, json);
  }
  return json;
}

/**
 * Whole lists by their items' keys. Copying ~180 KB into a fresh Buffer per request measured
 * ~0.3 ms here (new pages from the kernel each time); an unchanged list, which is what a day's
 * list is between two votes, is sent from the same bytes. The key is built from what the
 * database answered for this request, so nothing is ever served stale.
 */
const lists = new Map<string, Buffer>();
const LIST_ENTRIES = 64;
const OPEN = Buffer.from('[');
const COMMA = Buffer.from(',');
const CLOSE = Buffer.from(']');

/** `JSON.stringify(items.map(presentFeedItem))` as a Buffer, from the memoized parts. */
export function feedItemsJson(items: FeedItem[]): Buffer {
  const keys = items.map(itemKey);
  const listKey = keys.join('|');
  const hit = lists.get(listKey);
  if (hit) return hit;
  const parts: Buffer[] = [OPEN];
  items.forEach((item, i) => {
    if (i > 0) parts.push(COMMA);
    parts.push(feedItemJson(item, keys[i]!));
  });
  parts.push(CLOSE);
  const body = Buffer.concat(parts);
  if (lists.size >= LIST_ENTRIES) lists.delete(lists.keys().next().value!);
  lists.set(listKey, body);
  return body;
}
