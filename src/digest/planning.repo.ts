/**
 * Planning: the papers a digest may offer, what each subscriber already got, and the outbox rows,
 * bodies and items a run writes in one transaction (see outbox.repo.ts for what happens next).
 * One class per dialect (planning.sqlite.repo.ts, planning.pg.repo.ts); the statements here are
 * shared, the ones that take a list (a JSON array on SQLite, an array parameter on PostgreSQL)
 * are each class's own.
 */
import { iso } from '../db/statements.ts';
import type { CandidatePaper } from '../search/match.ts';
import type { PlannedDigest } from './types.ts';

export interface DigestPlanning {
  /**
   * Papers first submitted in [from, to) (ISO), newest first: the composer's candidates. Read here
   * in one query of the columns it needs, rather than one PaperRepository.get() per paper,
   * because a weekly window over a busy archive holds thousands of papers.
   */
  candidatePapers(from: string, to: string, limit: number): Promise<CandidatePaper[]>;
  /** arXiv ids already sent (or planned) to each subscriber. */
  sentPapers(subscriberIds: number[]): Promise<Map<number, Set<string>>>;
  /** Subscribers of `pairs` that already have an outbox row for their period. */
  existingFor(pairs: { id: number; period: string }[]): Promise<Set<number>>;
  /**
   * Records composed digests: a row per (subscriber, period) unless one exists (another run or
   * instance got there first), their papers, and the subscriber's last-digest slot — all in one
   * transaction, so a crash never leaves a digest without its papers. Returns rows inserted.
   */
  plan(digests: PlannedDigest[], now: number): Promise<number>;
}

/** The statements of both dialects, `$n` placeholders (SQLite prepares them through sqliteText). */
export const PLANNING_SQL = {
  candidates: `SELECT arxiv_id, title, abstract, authors_text, categories, submitted_at FROM papers
    WHERE submitted_at >= $1 AND submitted_at < $2 AND withdrawn_at IS NULL
    ORDER BY submitted_at DESC, id DESC LIMIT $3`,
  // plan(), per digest and in this order: the outbox row, its body, its items, the subscriber.
  insertOutbox: `INSERT INTO digest_outbox (subscriber_id, period, status, run_id, message_id, papers,
      next_attempt_at, expires_at, created_at)
    VALUES ($1, $2, 'pending', $3, $4, $5, $6, $7, $8) ON CONFLICT (subscriber_id, period) DO NOTHING`,
  // The row of this (subscriber, period), ours or the one another run got in first (whose body
  // it already has: composing is deterministic, and both are written in one transaction).
  insertBody: `INSERT INTO digest_bodies (outbox_id, subject, text_body, html_body)
    SELECT id, $1, $2, $3 FROM digest_outbox WHERE subscriber_id = $4 AND period = $5
    ON CONFLICT (outbox_id) DO NOTHING`,
  touchSubscriber:
    'UPDATE subscribers SET last_digest_at = $1 WHERE id = $2 AND (last_digest_at IS NULL OR last_digest_at < $1)',
};

/** Each plan() statement's parameters, in PLANNING_SQL's order. */
export const planParams = {
  outbox: (d: PlannedDigest, now: number) =>
    [
      d.subscriberId,
      d.period,
      d.runId,
      d.messageId,
      JSON.stringify(d.papers),
      now,
      d.expiresAt,
      iso(now),
    ] as const,
  body: (d: PlannedDigest) => [d.subject, d.text, d.html, d.subscriberId, d.period] as const,
  subscriber: (d: PlannedDigest) => [d.slot, d.subscriberId] as const,
};

export interface CandidateRow {
  arxiv_id: string;
  title: string;
  abstract: string;
  authors_text: string;
  categories: string;
  submitted_at: string;
}

export const toCandidate = (r: CandidateRow): CandidatePaper => ({
  arxivId: r.arxiv_id,
  title: r.title,
  abstract: r.abstract,
  authors: r.authors_text ? r.authors_text.split(', ') : [],
  categories: r.categories.split(' ').filter(Boolean),
  submittedAt: r.submitted_at,
});

/** sentPapers' answer: every asked subscriber, with an empty set when nothing was sent yet. */
export function sentBySubscriber(
  subscriberIds: readonly number[],
  rows: readonly { subscriber_id: number | string; arxiv_id: string }[],
): Map<number, Set<string>> {
  const out = new Map<number, Set<string>>(subscriberIds.map((id) => [id, new Set<string>()]));
  for (const r of rows) out.get(Number(r.subscriber_id))?.add(r.arxiv_id);
  return out;
}
