/**
 * SQL both dialects run unchanged ($n placeholders; SQLite prepares it through db/statements.ts
 * `sqliteText`). Dialect-specific statements stay in their repository.
 */
import type { FeedbackKind, FollowKind, PaperBrief, WindowPaper } from './repository.ts';

export const SQL = {
  follow: `INSERT INTO follows (user_id, kind, key, label, created_at) VALUES ($1, $2, $3, $4, $5)
    ON CONFLICT (user_id, kind, key) DO NOTHING`,
  unfollow: 'DELETE FROM follows WHERE user_id = $1 AND id = $2',
  follows: 'SELECT id, kind, key, label, created_at FROM follows WHERE user_id = $1 ORDER BY id',
  setFeedback: `INSERT INTO paper_feedback (user_id, paper_id, kind, created_at) VALUES ($1, $2, $3, $4)
    ON CONFLICT (user_id, paper_id) DO UPDATE SET kind = excluded.kind, created_at = excluded.created_at
    WHERE paper_feedback.kind = 'hide'`,
  feedback: 'SELECT paper_id, kind FROM paper_feedback WHERE user_id = $1',
  clearFeedback: 'DELETE FROM paper_feedback WHERE user_id = $1',
  addSeed: `INSERT INTO foryou_seeds (user_id, paper_id, created_at) VALUES ($1, $2, $3)
    ON CONFLICT (user_id, paper_id) DO NOTHING`,
  seeds:
    'SELECT paper_id FROM foryou_seeds WHERE user_id = $1 ORDER BY created_at DESC, paper_id DESC LIMIT $2',
  upvoted: 'SELECT paper_id FROM votes WHERE user_id = $1 ORDER BY created_at DESC, paper_id DESC LIMIT $2',
  settings: 'SELECT settings, onboarded_at FROM foryou_settings WHERE user_id = $1',
  saveSettings: `INSERT INTO foryou_settings (user_id, settings, onboarded_at, updated_at) VALUES ($1, $2, NULL, $3)
    ON CONFLICT (user_id) DO UPDATE SET settings = excluded.settings, updated_at = excluded.updated_at`,
  markOnboarded: `INSERT INTO foryou_settings (user_id, settings, onboarded_at, updated_at) VALUES ($1, '{}', $2, $2)
    ON CONFLICT (user_id) DO UPDATE SET onboarded_at = coalesce(foryou_settings.onboarded_at, excluded.onboarded_at)`,
  // One range query over the papers_submitted index, counters joined: the ranking reads nothing
  // else per candidate.
  windowPapers: `SELECT p.id, p.arxiv_id, p.title, p.abstract, p.authors_text, p.categories, p.submitted_at,
      coalesce(s.votes, 0) + coalesce(s.imported_votes, 0) AS votes, coalesce(s.entered_at, p.submitted_at) AS entered_at
    FROM papers p LEFT JOIN paper_stats s ON s.paper_id = p.id
    WHERE p.submitted_at >= $1 AND p.submitted_at < $2 AND p.withdrawn_at IS NULL
    ORDER BY p.submitted_at DESC, p.id DESC LIMIT $3`,
  newestSubmitted: 'SELECT submitted_at FROM papers ORDER BY submitted_at DESC LIMIT 1',
  // The papers_submitted range, each paper probed in the paper_id indexes of saves and votes.
  likedBriefs: `SELECT p.id, p.arxiv_id, p.title, p.abstract, p.categories FROM papers p
    WHERE p.submitted_at >= $1 AND p.submitted_at < $2
      AND (EXISTS (SELECT 1 FROM collection_papers c WHERE c.paper_id = p.id)
        OR EXISTS (SELECT 1 FROM votes v WHERE v.paper_id = p.id))
    ORDER BY p.submitted_at DESC, p.id DESC LIMIT $3`,
} as const;

export interface FollowRow {
  id: number | string;
  kind: string;
  key: string;
  label: string;
  created_at: string;
}

export const toFollow = (r: FollowRow) => ({
  id: Number(r.id),
  kind: r.kind as FollowKind,
  key: r.key,
  label: r.label,
  createdAt: r.created_at,
});

export interface FeedbackRow {
  paper_id: number | string;
  kind: string;
}

export const toFeedback = (r: FeedbackRow) => ({ paperId: Number(r.paper_id), kind: r.kind as FeedbackKind });

export interface WindowRow {
  id: number | string;
  arxiv_id: string;
  title: string;
  abstract: string;
  authors_text: string;
  categories: string;
  submitted_at: string;
  votes: number | string;
  entered_at: string;
}

export const toWindowPaper = (r: WindowRow): WindowPaper => ({
  id: Number(r.id),
  arxivId: r.arxiv_id,
  title: r.title,
  abstract: r.abstract,
  authors: r.authors_text ? r.authors_text.split(', ') : [],
  categories: r.categories.split(' ').filter(Boolean),
  submittedAt: r.submitted_at,
  votes: Number(r.votes),
  enteredAt: r.entered_at,
});

export interface BriefRow {
  id: number | string;
  arxiv_id: string;
  title: string;
  abstract: string;
  categories: string;
}

export const toBrief = (r: BriefRow): PaperBrief => ({
  id: Number(r.id),
  arxivId: r.arxiv_id,
  title: r.title,
  abstract: r.abstract,
  categories: r.categories.split(' ').filter(Boolean),
});
