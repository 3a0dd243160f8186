/**
 * For you's storage (issue 14 items 2-4): follows, "less like this"/"hide" feedback, the papers a
 * reader picked when starting out, the reader's controls, and the two reads the ranking needs (the
 * window's papers in one range query, and short descriptions of example papers). One class per
 * dialect (foryou.sqlite.repo.ts, foryou.pg.repo.ts); the SQL both share is in foryou.sql.ts.
 */
import type { CandidatePaper } from '../search/match.ts';

export type FollowKind = 'author' | 'category' | 'search';

export interface Follow {
  id: number;
  kind: FollowKind;
  /** Author: papers/authors.ts `authorKey`; category: the code; search: the query text. */
  key: string;
  /** What the pages show (the author's name as followed, the code, the query). */
  label: string;
  createdAt: string;
}

export type FeedbackKind = 'less' | 'hide';

export interface Feedback {
  paperId: number;
  kind: FeedbackKind;
}

/** A paper of the window: what the matcher reads (search/match.ts), and what ranking adds. */
export interface WindowPaper extends CandidatePaper {
  id: number;
  /** Local plus imported upvotes (the site's counts, as trending uses them). */
  votes: number;
  /** When it entered the site (first featuring, else its v1 date): the trending age origin. */
  enteredAt: string;
}

/** An example paper (a positive or a negative), described for the model and the reasons. */
export interface PaperBrief {
  id: number;
  arxivId: string;
  title: string;
  abstract: string;
  categories: string[];
}

export interface ForYouRepository {
  /** False when the reader already follows it (the unique key decides). */
  follow(userId: number, f: { kind: FollowKind; key: string; label: string }, now: string): Promise<boolean>;
  /** False when there was no such follow of this reader. */
  unfollow(userId: number, followId: number): Promise<boolean>;
  /** Oldest first. */
  follows(userId: number): Promise<Follow[]>;

  /** Records feedback; a 'less' replaces a 'hide', a 'hide' never replaces a 'less'. */
  setFeedback(userId: number, paperId: number, kind: FeedbackKind, now: string): Promise<void>;
  feedback(userId: number): Promise<Feedback[]>;
  /** Forgets every feedback row of the reader; returns how many. */
  clearFeedback(userId: number): Promise<number>;

  /** Adds start-out papers; returns how many were new. */
  addSeeds(userId: number, paperIds: number[], now: string): Promise<number>;
  /** Newest first, at most `limit`. */
  seeds(userId: number, limit: number): Promise<number[]>;
  /** Paper ids the reader upvoted, newest vote first, at most `limit`. */
  upvoted(userId: number, limit: number): Promise<number[]>;

  /** The saved controls (raw JSON, checked by settings.ts) and whether start-out is done. */
  settings(userId: number): Promise<{ json: string | null; onboardedAt: string | null }>;
  saveSettings(userId: number, json: string, now: string): Promise<void>;
  markOnboarded(userId: number, now: string): Promise<void>;

  /** Papers first submitted in [from, to) (ISO), not withdrawn, newest first, at most `limit`. */
  windowPapers(from: string, to: string, limit: number): Promise<WindowPaper[]>;
  /** The newest v1 date in the library, or null when it is empty. */
  newestSubmitted(): Promise<string | null>;
  /** Briefs of these papers (unknown ids skipped, any order). */
  briefs(paperIds: number[]): Promise<PaperBrief[]>;
  /**
   * Briefs of the papers first submitted in [from, to) that some reader saved or upvoted, newest
   * first, at most `limit`: the examples most readers' models learn from (service.ts `warm`).
   */
  likedBriefs(from: string, to: string, limit: number): Promise<PaperBrief[]>;
}
