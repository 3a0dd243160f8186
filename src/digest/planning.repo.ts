/**
 * Planning: the papers a digest may offer, what each subscriber already got, and the outbox rows,
 * bodies and items a run writes in one transaction (see outbox.repo.ts for what happens next).
 */
import { iso, placeholders, type SqlRunner, type Statement } from '../db/sql.ts';
import type { CandidatePaper, PlannedDigest } from './types.ts';

export class DigestPlanning {
  readonly #db: SqlRunner;

  constructor(db: SqlRunner) {
    this.#db = db;
  }

  /**
   * Papers first submitted in [from, to) (ISO), newest first: the composer's candidates. Read here
   * in one query of the columns it needs, rather than one PaperRepository.get() per paper,
   * because a weekly window over a busy archive holds thousands of papers.
   */
  async candidatePapers(from: string, to: string, limit: number): Promise<CandidatePaper[]> {
    const rows = await this.#db.all<{
      arxiv_id: string;
      title: string;
      abstract: string;
      authors_text: string;
      categories: string;
      submitted_at: string;
    }>(
      `SELECT arxiv_id, title, abstract, authors_text, categories, submitted_at FROM papers
       WHERE submitted_at >= ? AND submitted_at < ? AND withdrawn_at IS NULL
       ORDER BY submitted_at DESC, id DESC LIMIT ?`,
      [from, to, limit],
    );
    return rows.map((r) => ({
      arxivId: r.arxiv_id,
      title: r.title,
      abstract: r.abstract,
      authors: r.authors_text ? r.authors_text.split(', ') : [],
      categories: r.categories.split(' ').filter(Boolean),
      submittedAt: r.submitted_at,
    }));
  }

  /** arXiv ids already sent (or planned) to each subscriber. */
  async sentPapers(subscriberIds: number[]): Promise<Map<number, Set<string>>> {
    const out = new Map<number, Set<string>>(subscriberIds.map((id) => [id, new Set<string>()]));
    for (let i = 0; i < subscriberIds.length; i += 500) {
      const ids = subscriberIds.slice(i, i + 500);
      const rows = await this.#db.all<{ subscriber_id: number | string; arxiv_id: string }>(
        `SELECT subscriber_id, arxiv_id FROM digest_items WHERE subscriber_id IN (${placeholders(ids.length)})`,
        ids,
      );
      for (const r of rows) out.get(Number(r.subscriber_id))?.add(r.arxiv_id);
    }
    return out;
  }

  /** Subscribers of `pairs` that already have an outbox row for their period. */
  async existingFor(pairs: { id: number; period: string }[]): Promise<Set<number>> {
    const out = new Set<number>();
    for (let i = 0; i < pairs.length; i += 400) {
      const chunk = pairs.slice(i, i + 400);
      const rows = await this.#db.all<{ subscriber_id: number | string }>(
        `SELECT subscriber_id FROM digest_outbox WHERE ${chunk.map(() => '(subscriber_id = ? AND period = ?)').join(' OR ')}`,
        chunk.flatMap((p) => [p.id, p.period]),
      );
      for (const r of rows) out.add(Number(r.subscriber_id));
    }
    return out;
  }

  /**
   * Records composed digests: a row per (subscriber, period) unless one exists (another run or
   * instance got there first), their papers, and the subscriber's last-digest slot — all in one
   * transaction, so a crash never leaves a digest without its papers. Returns rows inserted.
   */
  async plan(digests: PlannedDigest[], now: number): Promise<number> {
    if (digests.length === 0) return 0;
    const statements: Statement[] = [];
    for (const d of digests) {
      statements.push([
        `INSERT INTO digest_outbox (subscriber_id, period, status, run_id, message_id, papers,
           next_attempt_at, expires_at, created_at)
         VALUES (?, ?, 'pending', ?, ?, ?, ?, ?, ?) ON CONFLICT (subscriber_id, period) DO NOTHING`,
        [
          d.subscriberId,
          d.period,
          d.runId,
          d.messageId,
          JSON.stringify(d.papers),
          now,
          d.expiresAt,
          iso(now),
        ],
      ]);
      // The row of this (subscriber, period), ours or the one another run got in first (whose body
      // it already has: composing is deterministic, and both are written in one transaction).
      statements.push([
        `INSERT INTO digest_bodies (outbox_id, subject, text_body, html_body)
         SELECT id, ?, ?, ? FROM digest_outbox WHERE subscriber_id = ? AND period = ?
         ON CONFLICT (outbox_id) DO NOTHING`,
        [d.subject, d.text, d.html, d.subscriberId, d.period],
      ]);
      if (d.papers.length > 0) {
        statements.push([
          `INSERT INTO digest_items (subscriber_id, arxiv_id, period) VALUES ${d.papers.map(() => '(?, ?, ?)').join(', ')}
           ON CONFLICT (subscriber_id, arxiv_id) DO NOTHING`,
          d.papers.flatMap((p) => [d.subscriberId, p, d.period]),
        ]);
      }
      statements.push([
        'UPDATE subscribers SET last_digest_at = ? WHERE id = ? AND (last_digest_at IS NULL OR last_digest_at < ?)',
        [d.slot, d.subscriberId, d.slot],
      ]);
    }
    const changes = await this.#db.batch(statements);
    let inserted = 0;
    let i = 0;
    for (const d of digests) {
      inserted += changes[i]!;
      i += d.papers.length > 0 ? 4 : 3;
    }
    return inserted;
  }
}
