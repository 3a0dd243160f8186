/**
 * DigestPlanning on PostgreSQL (see planning.repo.ts): the shared statements as they are, and the
 * list reads with array parameters (`= ANY`, `unnest`), so one statement text serves any length.
 */
import type pg from 'pg';
import { inTransaction } from '../db/postgres.ts';
import type { CandidatePaper } from '../search/match.ts';
import {
  type CandidateRow,
  type DigestPlanning,
  PLANNING_SQL,
  planParams,
  sentBySubscriber,
  toCandidate,
} from './planning.repo.ts';
import type { PlannedDigest } from './types.ts';

const SENT = 'SELECT subscriber_id, arxiv_id FROM digest_items WHERE subscriber_id = ANY($1::bigint[])';
// The pairs as two arrays of one length, zipped by unnest: each pair one lookup in the unique
// (subscriber_id, period) index.
const EXISTING = `SELECT o.subscriber_id FROM unnest($1::bigint[], $2::text[]) AS p (id, period)
  JOIN digest_outbox o ON o.subscriber_id = p.id AND o.period = p.period`;
const INSERT_ITEMS = `INSERT INTO digest_items (subscriber_id, arxiv_id, period)
  SELECT $1::bigint, a, $3::text FROM unnest($2::text[]) AS a ON CONFLICT (subscriber_id, arxiv_id) DO NOTHING`;

export class PgDigestPlanning implements DigestPlanning {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async candidatePapers(from: string, to: string, limit: number): Promise<CandidatePaper[]> {
    return (await this.#pool.query<CandidateRow>(PLANNING_SQL.candidates, [from, to, limit])).rows.map(
      toCandidate,
    );
  }

  async sentPapers(subscriberIds: number[]): Promise<Map<number, Set<string>>> {
    const rows =
      subscriberIds.length === 0
        ? []
        : (await this.#pool.query<{ subscriber_id: string; arxiv_id: string }>(SENT, [subscriberIds])).rows;
    return sentBySubscriber(subscriberIds, rows);
  }

  async existingFor(pairs: { id: number; period: string }[]): Promise<Set<number>> {
    if (pairs.length === 0) return new Set();
    const res = await this.#pool.query<{ subscriber_id: string }>(EXISTING, [
      pairs.map((p) => p.id),
      pairs.map((p) => p.period),
    ]);
    return new Set(res.rows.map((r) => Number(r.subscriber_id)));
  }

  async plan(digests: PlannedDigest[], now: number): Promise<number> {
    if (digests.length === 0) return 0;
    return inTransaction(this.#pool, async (c) => {
      let inserted = 0;
      for (const d of digests) {
        inserted += (await c.query(PLANNING_SQL.insertOutbox, [...planParams.outbox(d, now)])).rowCount ?? 0;
        await c.query(PLANNING_SQL.insertBody, [...planParams.body(d)]);
        if (d.papers.length > 0) await c.query(INSERT_ITEMS, [d.subscriberId, d.papers, d.period]);
        await c.query(PLANNING_SQL.touchSubscriber, [...planParams.subscriber(d)]);
      }
      return inserted;
    });
  }
}
