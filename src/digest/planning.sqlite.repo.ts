/**
 * DigestPlanning on SQLite (see planning.repo.ts): the shared statements, prepared once, and the
 * list reads, which take their ids (or subscriber–period pairs, or a digest's papers) as one JSON
 * array through json_each, so one prepared statement serves any length.
 */
import type { DatabaseSync } from 'node:sqlite';
import { changes, sqliteText, sqliteTransaction } from '../db/statements.ts';
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

/** The prepared statements, one typed member each: a misspelt name fails to compile. */
function statements(db: DatabaseSync) {
  const p = (sql: string) => db.prepare(sqliteText(sql));
  return {
    candidates: p(PLANNING_SQL.candidates),
    sent: p(
      'SELECT subscriber_id, arxiv_id FROM digest_items WHERE subscriber_id IN (SELECT value FROM json_each(?))',
    ),
    // [[subscriber id, period], …]: each pair one lookup in the unique (subscriber_id, period) index.
    existing: p(`SELECT o.subscriber_id FROM json_each(?) j
      JOIN digest_outbox o ON o.subscriber_id = j.value ->> 0 AND o.period = j.value ->> 1`),
    insertOutbox: p(PLANNING_SQL.insertOutbox),
    insertBody: p(PLANNING_SQL.insertBody),
    // WHERE true: SQLite's parser needs it between INSERT … SELECT and ON CONFLICT.
    insertItems: p(`INSERT INTO digest_items (subscriber_id, arxiv_id, period)
      SELECT ?1, value, ?3 FROM json_each(?2) WHERE true ON CONFLICT (subscriber_id, arxiv_id) DO NOTHING`),
    touchSubscriber: p(PLANNING_SQL.touchSubscriber),
  };
}

export class SqliteDigestPlanning implements DigestPlanning {
  readonly #db: DatabaseSync;
  readonly #s: ReturnType<typeof statements>;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#s = statements(db);
  }

  async candidatePapers(from: string, to: string, limit: number): Promise<CandidatePaper[]> {
    return (this.#s.candidates.all(from, to, limit) as unknown as CandidateRow[]).map(toCandidate);
  }

  async sentPapers(subscriberIds: number[]): Promise<Map<number, Set<string>>> {
    const rows =
      subscriberIds.length === 0
        ? []
        : (this.#s.sent.all(JSON.stringify(subscriberIds)) as { subscriber_id: number; arxiv_id: string }[]);
    return sentBySubscriber(subscriberIds, rows);
  }

  async existingFor(pairs: { id: number; period: string }[]): Promise<Set<number>> {
    if (pairs.length === 0) return new Set();
    const rows = this.#s.existing.all(JSON.stringify(pairs.map((p) => [p.id, p.period]))) as {
      subscriber_id: number;
    }[];
    return new Set(rows.map((r) => r.subscriber_id));
  }

  async plan(digests: PlannedDigest[], now: number): Promise<number> {
    if (digests.length === 0) return 0;
    const s = this.#s;
    return sqliteTransaction(this.#db, () => {
      let inserted = 0;
      for (const d of digests) {
        inserted += changes(s.insertOutbox.run(...planParams.outbox(d, now)));
        s.insertBody.run(...planParams.body(d));
        if (d.papers.length > 0) s.insertItems.run(d.subscriberId, JSON.stringify(d.papers), d.period);
        s.touchSubscriber.run(...planParams.subscriber(d));
      }
      return inserted;
    });
  }
}
