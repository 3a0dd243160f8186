/**
 * JSON shapes of the public API. The daily-papers item follows the shape public daily-papers
 * sites serve (docs: FORMATS.md, "Daily-papers JSON"): beware the two `publishedAt`s — the
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
