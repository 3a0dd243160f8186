/** AccountDataRepository on PostgreSQL; same semantics as account-data.sqlite.repo.ts. */
import type pg from 'pg';
import { inTransaction } from '../db/postgres.ts';
import { named } from '../db/statements.ts';
import { trendingScore } from '../ranking/trending.ts';
import {
  ACCOUNT_DATA_SQL,
  type AccountActivity,
  type AccountDataRepository,
  type CommentExportRow,
  DELETED_ACCOUNT,
  toCommentExport,
} from './account-data.repo.ts';

const S = named('accountData', {
  ...ACCOUNT_DATA_SQL,
  // Row lock on each paper whose vote is taken back: concurrent votes on it queue here, as in
  // community.pg.repo.ts, so the counter and the score written after it agree.
  lockPaper: 'SELECT 1 FROM papers WHERE id = $1 FOR UPDATE',
  uncountVote: `UPDATE paper_stats SET votes = GREATEST(0, votes - 1) WHERE paper_id = $1
    RETURNING votes, imported_votes, entered_at`,
  uncountComment: 'UPDATE paper_stats SET comments = GREATEST(0, comments - 1) WHERE paper_id = $1',
});

export class PgAccountDataRepository implements AccountDataRepository {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async activity(userId: number): Promise<AccountActivity> {
    const [sessions, votes, comments] = await Promise.all([
      this.#pool.query<{ n: string }>({ ...S.sessions, values: [userId] }),
      this.#pool.query<{ arxiv_id: string; created_at: string }>({ ...S.votes, values: [userId] }),
      this.#pool.query<CommentExportRow>({ ...S.comments, values: [userId] }),
    ]);
    return {
      sessions: Number(sessions.rows[0]!.n),
      votes: votes.rows.map((r) => ({ arxivId: r.arxiv_id, at: r.created_at })),
      comments: comments.rows.map(toCommentExport),
    };
  }

  async deleteAccount(userId: number, now: string): Promise<boolean> {
    return inTransaction(this.#pool, async (c) => {
      const user = (await c.query<{ name: string }>({ ...S.name, values: [userId] })).rows[0];
      if (!user) return false;
      const voted = await c.query<{ paper_id: string }>({ ...S.votedPapers, values: [userId] });
      // In paper id order, so two deletions (or a deletion and a vote) never lock in opposite orders.
      for (const { paper_id } of voted.rows) {
        await c.query({ ...S.lockPaper, values: [paper_id] });
        await c.query({ ...S.unvote, values: [userId, paper_id] });
        const r = (
          await c.query<{ votes: number; imported_votes: number; entered_at: string }>({
            ...S.uncountVote,
            values: [paper_id],
          })
        ).rows[0];
        if (r)
          await c.query({
            ...S.setTrending,
            values: [trendingScore({ votes: r.votes + r.imported_votes, enteredAt: r.entered_at }), paper_id],
          });
      }
      const comments = await c.query<{ n: string }>({ ...S.commentCount, values: [userId] });
      if (Number(comments.rows[0]!.n) > 0) {
        await c.query({ ...S.tombstone, values: [DELETED_ACCOUNT, now] });
        const tomb = (await c.query<{ id: string }>({ ...S.tombstoneId, values: [DELETED_ACCOUNT] })).rows[0]!
          .id;
        const cleared = await c.query<{ paper_id: string; hidden_at: string | null }>({
          ...S.clearComments,
          values: [userId, now, tomb],
        });
        for (const row of cleared.rows)
          if (row.hidden_at === null) await c.query({ ...S.uncountComment, values: [row.paper_id] });
        await c.query({ ...S.moveComments, values: [userId, tomb] });
      }
      await c.query({ ...S.unnameSubmissions, values: [userId, user.name, DELETED_ACCOUNT] });
      await c.query({ ...S.deleteUser, values: [userId] });
      return true;
    });
  }
}
