/** CommunityRepository on PostgreSQL; same semantics as community.sqlite.repo.ts. */
import type pg from 'pg';
import { inTransaction } from '../db/postgres.ts';
import { named } from '../db/statements.ts';
import { NotFoundError } from '../errors.ts';
import { trendingScore } from '../ranking/trending.ts';
import { type CommentRow, toComment } from './community.sqlite.repo.ts';
import type {
  Comment,
  CommentWithPaper,
  CommunityRepository,
  SubmissionRecord,
  VotedPaper,
  VoteResult,
} from './types.ts';

const COMMENT_COLUMNS = `c.id, c.paper_id, c.user_id, u.name AS user_name, c.parent_id, c.body, c.created_at,
  c.edited_at, c.deleted_at, c.hidden_at`;
const S = named('community', {
  lockPaper: 'SELECT 1 FROM papers WHERE id = $1 FOR UPDATE',
  ensureStats: `INSERT INTO paper_stats (paper_id, entered_at, trending)
  SELECT id, submitted_at, NULL FROM papers WHERE id = $1 ON CONFLICT (paper_id) DO NOTHING`,
  vote: 'INSERT INTO votes (user_id, paper_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
  unvote: 'DELETE FROM votes WHERE user_id = $1 AND paper_id = $2',
  votes: 'SELECT votes, imported_votes FROM paper_stats WHERE paper_id = $1',
  countVote: `UPDATE paper_stats SET votes = GREATEST(0, votes + $1) WHERE paper_id = $2
        RETURNING votes, imported_votes, entered_at`,
  setTrending: 'UPDATE paper_stats SET trending = $1 WHERE paper_id = $2',
  votedFor: 'SELECT paper_id FROM votes WHERE user_id = $1 AND paper_id = ANY($2::bigint[])',
  userVotes: `SELECT p.arxiv_id, p.title FROM votes v JOIN papers p ON p.id = v.paper_id WHERE v.user_id = $1
      ORDER BY v.created_at DESC LIMIT $2`,
  firstFeatured: 'SELECT day FROM featured WHERE paper_id = $1 ORDER BY day LIMIT 1',
  feature: `INSERT INTO featured (day, paper_id, source, submitted_by, imported_upvotes, created_at)
        VALUES ($1, $2, 'submission', $3, 0, $4)`,
  submit: 'INSERT INTO submissions (user_id, paper_id, day, created_at) VALUES ($1, $2, $3, $4)',
  submissionsSince: 'SELECT count(*) AS n FROM submissions WHERE user_id = $1 AND created_at >= $2',
  userSubmissions: `SELECT p.arxiv_id, p.title, s.day, s.created_at FROM submissions s JOIN papers p ON p.id = s.paper_id
      WHERE s.user_id = $1 ORDER BY s.created_at DESC LIMIT $2`,
  addComment:
    'INSERT INTO comments (paper_id, user_id, parent_id, body, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id',
  countComment: 'UPDATE paper_stats SET comments = comments + 1 WHERE paper_id = $1',
  comment: `SELECT ${COMMENT_COLUMNS} FROM comments c JOIN users u ON u.id = c.user_id WHERE c.id = $1`,
  editComment: 'UPDATE comments SET body = $1, edited_at = $2 WHERE id = $3 AND deleted_at IS NULL',
  deleteComment: `UPDATE comments SET body = '', deleted_at = $1 WHERE id = $2 AND deleted_at IS NULL
        RETURNING paper_id, hidden_at`,
  uncountComment: 'UPDATE paper_stats SET comments = GREATEST(0, comments - 1) WHERE paper_id = $1',
  hide: `UPDATE comments SET hidden_at = $1, hidden_by = $2 WHERE id = $3 AND hidden_at IS NULL
            RETURNING paper_id, deleted_at`,
  unhide: `UPDATE comments SET hidden_at = NULL, hidden_by = NULL WHERE id = $1 AND hidden_at IS NOT NULL
            RETURNING paper_id, deleted_at`,
  addToComments: 'UPDATE paper_stats SET comments = GREATEST(0, comments + $1) WHERE paper_id = $2',
  commentsFor: `SELECT ${COMMENT_COLUMNS} FROM comments c JOIN users u ON u.id = c.user_id WHERE c.paper_id = $1 ORDER BY c.id`,
  recentComments: `SELECT ${COMMENT_COLUMNS}, p.arxiv_id, p.title FROM comments c JOIN users u ON u.id = c.user_id
      JOIN papers p ON p.id = c.paper_id ORDER BY c.id DESC LIMIT $1 OFFSET $2`,
  commentsSince: 'SELECT count(*) AS n FROM comments WHERE user_id = $1 AND created_at >= $2',
});

async function lockPaper(c: pg.PoolClient, paperId: number): Promise<void> {
  // Row lock on the paper: concurrent votes/submissions of one paper queue here, so the counter
  // update and the score written after it belong to the same state.
  const r = await c.query({ ...S.lockPaper, values: [paperId] });
  if (r.rowCount === 0) throw new NotFoundError(`no paper with id ${paperId}`);
}

export class PgCommunityRepository implements CommunityRepository {
  readonly #pool: pg.Pool;
  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async setVote(userId: number, paperId: number, up: boolean, now: string): Promise<VoteResult> {
    return inTransaction(this.#pool, async (c) => {
      await lockPaper(c, paperId);
      const res = up
        ? await c.query({ ...S.vote, values: [userId, paperId, now] })
        : await c.query({ ...S.unvote, values: [userId, paperId] });
      const changed = (res.rowCount ?? 0) > 0;
      await c.query({ ...S.ensureStats, values: [paperId] });
      if (!changed) {
        const r = await c.query<{ votes: number; imported_votes: number }>({ ...S.votes, values: [paperId] });
        return { changed, votes: r.rows[0]!.votes, importedVotes: r.rows[0]!.imported_votes };
      }
      const r = await c.query<{ votes: number; imported_votes: number; entered_at: string }>({
        ...S.countVote,
        values: [up ? 1 : -1, paperId],
      });
      const row = r.rows[0]!;
      await c.query({
        ...S.setTrending,
        values: [
          trendingScore({ votes: row.votes + row.imported_votes, enteredAt: row.entered_at }),
          paperId,
        ],
      });
      return { changed, votes: row.votes, importedVotes: row.imported_votes };
    });
  }

  async votedFor(userId: number, paperIds: number[]): Promise<Set<number>> {
    if (paperIds.length === 0) return new Set();
    const res = await this.#pool.query<{ paper_id: string }>({ ...S.votedFor, values: [userId, paperIds] });
    return new Set(res.rows.map((r) => Number(r.paper_id)));
  }

  async userVotes(userId: number, limit: number): Promise<VotedPaper[]> {
    const res = await this.#pool.query<{ arxiv_id: string; title: string }>({
      ...S.userVotes,
      values: [userId, limit],
    });
    return res.rows.map((r) => ({ arxivId: r.arxiv_id, title: r.title }));
  }

  async submit(x: { userId: number; userName: string; paperId: number; day: string; now: string }) {
    return inTransaction(this.#pool, async (c) => {
      await lockPaper(c, x.paperId);
      const existing = await c.query<{ day: string }>({ ...S.firstFeatured, values: [x.paperId] });
      if (existing.rows[0]) return { status: 'exists' as const, day: existing.rows[0].day };
      await c.query({ ...S.feature, values: [x.day, x.paperId, x.userName, x.now] });
      await c.query({ ...S.submit, values: [x.userId, x.paperId, x.day, x.now] });
      return { status: 'featured' as const };
    });
  }

  async submissionsSince(userId: number, since: string): Promise<number> {
    const r = await this.#pool.query<{ n: string }>({ ...S.submissionsSince, values: [userId, since] });
    return Number(r.rows[0]?.n ?? 0);
  }

  async userSubmissions(userId: number, limit: number): Promise<SubmissionRecord[]> {
    const res = await this.#pool.query<{ arxiv_id: string; title: string; day: string; created_at: string }>({
      ...S.userSubmissions,
      values: [userId, limit],
    });
    return res.rows.map((r) => ({
      arxivId: r.arxiv_id,
      title: r.title,
      day: r.day,
      createdAt: r.created_at,
    }));
  }

  async addComment(x: {
    paperId: number;
    userId: number;
    parentId: number | null;
    body: string;
    now: string;
  }) {
    const id = await inTransaction(this.#pool, async (c) => {
      await lockPaper(c, x.paperId);
      const r = await c.query<{ id: string }>({
        ...S.addComment,
        values: [x.paperId, x.userId, x.parentId, x.body, x.now],
      });
      await c.query({ ...S.ensureStats, values: [x.paperId] });
      await c.query({ ...S.countComment, values: [x.paperId] });
      return Number(r.rows[0]!.id);
    });
    return (await this.comment(id))!;
  }

  async comment(id: number): Promise<Comment | null> {
    const res = await this.#pool.query<CommentRow>({ ...S.comment, values: [id] });
    return res.rows[0] ? toComment(res.rows[0]) : null;
  }

  async editComment(id: number, body: string, now: string): Promise<void> {
    await this.#pool.query({ ...S.editComment, values: [body, now, id] });
  }

  async deleteComment(id: number, now: string): Promise<void> {
    await inTransaction(this.#pool, async (c) => {
      const r = await c.query<{ paper_id: string; hidden_at: string | null }>({
        ...S.deleteComment,
        values: [now, id],
      });
      const row = r.rows[0];
      if (row && row.hidden_at === null) await c.query({ ...S.uncountComment, values: [row.paper_id] });
    });
  }

  async setHidden(id: number, hidden: boolean, now: string, byUserId: number): Promise<void> {
    await inTransaction(this.#pool, async (c) => {
      const r = hidden
        ? await c.query<{ paper_id: string; deleted_at: string | null }>({
            ...S.hide,
            values: [now, byUserId, id],
          })
        : await c.query<{ paper_id: string; deleted_at: string | null }>({ ...S.unhide, values: [id] });
      const row = r.rows[0];
      if (row && row.deleted_at === null)
        await c.query({ ...S.addToComments, values: [hidden ? -1 : 1, row.paper_id] });
    });
  }

  async commentsFor(paperId: number): Promise<Comment[]> {
    const res = await this.#pool.query<CommentRow>({ ...S.commentsFor, values: [paperId] });
    return res.rows.map(toComment);
  }

  async recentComments(limit: number, offset: number): Promise<CommentWithPaper[]> {
    const res = await this.#pool.query<CommentRow>({ ...S.recentComments, values: [limit, offset] });
    return res.rows.map((r) => ({ ...toComment(r), arxivId: r.arxiv_id!, paperTitle: r.title! }));
  }

  async commentsSince(userId: number, since: string): Promise<number> {
    const r = await this.#pool.query<{ n: string }>({ ...S.commentsSince, values: [userId, since] });
    return Number(r.rows[0]?.n ?? 0);
  }
}
