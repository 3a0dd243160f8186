/**
 * Lists of papers as the site shows them (daily/weekly/monthly feed, trending, a category, an
 * author) and the repository interface each database implements (feed.sqlite.repo.ts,
 * feed.pg.repo.ts). Lists carry "cards": the fields a list shows, not whole papers, so a page of
 * fifty costs a handful of queries however many authors a collaboration paper has.
 */
import type { PaperLink } from '../papers/paper.ts';
import type { Featured } from '../papers/repository.ts';

/** Authors a card carries; the full list is on the paper page and in /api/papers/<id>. */
export const CARD_AUTHORS = 50;

export interface PaperCard {
  id: number;
  arxivId: string;
  version: number;
  title: string;
  abstract: string;
  /** The first CARD_AUTHORS display names, in order. */
  authors: string[];
  authorCount: number;
  /** Primary first. */
  categories: string[];
  /** arXiv v1 date (ISO). */
  submittedAt: string;
  updatedAt: string;
  links: PaperLink[];
  withdrawnAt: string | null;
  /** Changes whenever any stored field of the paper does: a key for rendered fragments. */
  contentHash: string;
}

export interface PaperStats {
  /** Votes by accounts on this site. */
  votes: number;
  /** The upvote count an imported daily-papers list carried; shown apart from local votes. */
  importedVotes: number;
  /** Visible comments. */
  comments: number;
}

export interface Featuring {
  day: string;
  /** ISO instant it entered the feed. */
  featuredAt: string;
  source: Featured['source'];
  /** Display name of the submitter (a local account name, or an imported list's user). */
  submittedBy: string | null;
}

export interface FeedItem {
  paper: PaperCard;
  stats: PaperStats;
  /** The featuring that put it in this list (daily feed) or its first one; null if never featured. */
  featured: Featuring | null;
}

type FeedSort = 'votes' | 'publishedAt' | 'trending';

export interface FeaturedQuery {
  /** Inclusive YYYY-MM-DD range of featured days. */
  from: string;
  to: string;
  sort: FeedSort;
  limit: number;
  offset: number;
  /** Only featurings submitted by this display name. */
  submitter?: string;
}

export interface FeedRepository {
  /** Papers featured in a range, each once (its first featuring in the range), with the total. */
  featured(q: FeaturedQuery): Promise<{ items: FeedItem[]; total: number }>;
  /** The latest featured day on or before `day`, or null. */
  latestFeaturedDay(onOrBefore: string): Promise<string | null>;
  /** Nearest featured days strictly before and after `day` (for prev/next that skip empty days). */
  neighbourDays(day: string): Promise<{ prev: string | null; next: string | null }>;
  /**
   * Best trending score first; papers of `category` only when given, and only papers that entered
   * the feed at or after `since` (an ISO instant) when given. Refreshes stale scores first.
   */
  trending(limit: number, offset: number, category?: string, since?: string): Promise<FeedItem[]>;
  /** Every category some paper has, sorted (one index probe per category, not a scan). */
  categories(): Promise<string[]>;
  /** Newest (arXiv v1 date) first. */
  byCategory(category: string, limit: number, offset: number): Promise<FeedItem[]>;
  /** Papers with an author of exactly this display name, newest first. */
  byAuthor(name: string, limit: number, offset: number): Promise<FeedItem[]>;
  /** Cards for these row ids, in the given order (unknown ids skipped). */
  items(paperIds: number[]): Promise<FeedItem[]>;
  /** Every featuring of a paper, oldest first. */
  featuringsOf(paperId: number): Promise<Featuring[]>;
  stats(paperId: number): Promise<PaperStats>;
  /** Recomputes scores marked stale (NULL) by featurings; returns how many. */
  refreshTrending(): Promise<number>;
}

/** Shared by both repositories: assemble items in `ids` order from the hydrated parts. */
export function assembleItems(
  ids: number[],
  cards: Map<number, PaperCard>,
  stats: Map<number, PaperStats>,
  featurings: Map<number, Featuring>,
): FeedItem[] {
  const out: FeedItem[] = [];
  for (const id of ids) {
    const paper = cards.get(id);
    if (!paper) continue;
    out.push({
      paper,
      stats: stats.get(id) ?? { votes: 0, importedVotes: 0, comments: 0 },
      featured: featurings.get(id) ?? null,
    });
  }
  return out;
}

export const totalVotes = (s: PaperStats) => s.votes + s.importedVotes;
