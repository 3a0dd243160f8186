/** CommunityRepository on SQLite: votes, submissions and comments, each change in one transaction. */

import type { DatabaseSync } from 'node:sqlite';
import { sqliteTransaction } from '../db/statements.ts';
import { NotFoundError } from '../errors.ts';
import { trendingScore } from '../ranking/trending.ts';
import type {
  Comment,
  CommentWithPaper,
  CommunityRepository,
  SubmissionRecord,
  VotedPaper,
  VoteResult,
} from './types.ts';

export interface CommentRow {
  id: number | string;
  paper_id: number | string;
  user_id: number | string;
  user_name: string;
  parent_id: number | string | null;
  body: string;
  created_at: string;
  edited_at: string | null;
  deleted_at: string | null;
  hidden_at: string | null;
  arxiv_id?: string;
  title?: string;
}

export function toComment(r: CommentRow): Comment {
  return {
    id: Number(r.id),
    paperId: Number(r.paper_id),
    userId: Number(r.user_id),
    userName: r.user_name,
    parentId: r.parent_id === null ? null : Number(r.parent_id),
    body: r.body,
    createdAt: r.created_at,
    editedAt: r.edited_at,
    deletedAt: r.deleted_at,
    hiddenAt: r.hidden_at,
  };
}

const COMMENT_COLUMNS = `c.id, c.paper_id, c.user_id, u.name AS user_name, c.parent_id, c.body, c.created_at,
  c.edited_at, c.deleted_at, c.hidden_at`;

/** The prepared statements, one typed member each: a misspelt name fails to compile. */
function statements(db: DatabaseSync) {
  const p = (sql: string) => db.prepare(sql);
  return {
    paperExists: p('SELECT 1 AS x FROM papers WHERE id = ?'),
    addVote: p('INSERT INTO votes (user_id, paper_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING'),
    removeVote: p('DELETE FROM votes WHERE user_id = ? AND paper_id = ?'),
    // A paper voted on or discussed before any featuring gets its counters row here; its age
    // counts from its arXiv v1 date (see ranking/trending.ts).
    ensureStats: p(`INSERT INTO paper_stats (paper_id, entered_at, trending)
      SELECT id, submitted_at, NULL FROM papers WHERE id = ? ON CONFLICT (paper_id) DO NOTHING`),
    addVotes: p(`UPDATE paper_stats SET votes = max(0, votes + ?) WHERE paper_id = ?
      RETURNING votes, imported_votes, entered_at`),
    setScore: p('UPDATE paper_stats SET trending = ? WHERE paper_id = ?'),
    stats: p('SELECT votes, imported_votes FROM paper_stats WHERE paper_id = ?'),
    addComments: p('UPDATE paper_stats SET comments = max(0, comments + ?) WHERE paper_id = ?'),
    votedFor: p(
      'SELECT paper_id FROM votes WHERE user_id = ? AND paper_id IN (SELECT value FROM json_each(?))',
    ),
    userVotes:
      p(`SELECT p.arxiv_id, p.title FROM votes v JOIN papers p ON p.id = v.paper_id WHERE v.user_id = ?
      ORDER BY v.created_at DESC LIMIT ?`),
    featuredDay: p('SELECT day FROM featured WHERE paper_id = ? ORDER BY day LIMIT 1'),
    feature: p(`INSERT INTO featured (day, paper_id, source, submitted_by, imported_upvotes, created_at)
      VALUES (?, ?, 'submission', ?, 0, ?)`),
    recordSubmission: p('INSERT INTO submissions (user_id, paper_id, day, created_at) VALUES (?, ?, ?, ?)'),
    submissionsSince: p('SELECT count(*) AS n FROM submissions WHERE user_id = ? AND created_at >= ?'),
    userSubmissions:
      p(`SELECT p.arxiv_id, p.title, s.day, s.created_at FROM submissions s JOIN papers p ON p.id = s.paper_id
      WHERE s.user_id = ? ORDER BY s.created_at DESC LIMIT ?`),
    addComment:
      p(`INSERT INTO comments (paper_id, user_id, parent_id, body, created_at) VALUES (?, ?, ?, ?, ?)
      RETURNING id`),
    comment: p(`SELECT ${COMMENT_COLUMNS} FROM comments c JOIN users u ON u.id = c.user_id WHERE c.id = ?`),
    editComment: p('UPDATE comments SET body = ?, edited_at = ? WHERE id = ? AND deleted_at IS NULL'),
    deleteComment: p(`UPDATE comments SET body = '', deleted_at = ? WHERE id = ? AND deleted_at IS NULL
      RETURNING paper_id, hidden_at`),
    hide: p(`UPDATE comments SET hidden_at = ?, hidden_by = ? WHERE id = ? AND hidden_at IS NULL
      RETURNING paper_id, deleted_at`),
    unhide: p(`UPDATE comments SET hidden_at = NULL, hidden_by = NULL WHERE id = ? AND hidden_at IS NOT NULL
      RETURNING paper_id, deleted_at`),
    commentsFor: p(`SELECT ${COMMENT_COLUMNS} FROM comments c JOIN users u ON u.id = c.user_id
      WHERE c.paper_id = ? ORDER BY c.id`),
    recent: p(`SELECT ${COMMENT_COLUMNS}, p.arxiv_id, p.title FROM comments c JOIN users u ON u.id = c.user_id
      JOIN papers p ON p.id = c.paper_id ORDER BY c.id DESC LIMIT ? OFFSET ?`),
    commentsSince: p('SELECT count(*) AS n FROM comments WHERE user_id = ? AND created_at >= ?'),
  };
}

export class SqliteCommunityRepository implements CommunityRepository {
  readonly #db: DatabaseSync;
  readonly #s: ReturnType<typeof statements>;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#s = statements(db);
  }

  /** One synchronous transaction (src/db/statements.ts): nothing else runs inside it. */
  #tx<T>(fn: () => T): T {
    return sqliteTransaction(this.#db, fn);
  }

  async setVote(userId: number, paperId: number, up: boolean, now: string): Promise<VoteResult> {
    const s = this.#s;
    return this.#tx(() => {
      if (!s.paperExists.get(paperId)) throw new NotFoundError(`no paper with id ${paperId}`);
      const changed =
        (up ? s.addVote.run(userId, paperId, now) : s.removeVote.run(userId, paperId)).changes > 0;
      s.ensureStats.run(paperId);
      if (!changed) {
        const r = s.stats.get(paperId) as { votes: number; imported_votes: number };
        return { changed, votes: r.votes, importedVotes: r.imported_votes };
      }
      const r = s.addVotes.get(up ? 1 : -1, paperId) as {
        votes: number;
        imported_votes: number;
        entered_at: string;
      };
      s.setScore.run(trendingScore({ votes: r.votes + r.imported_votes, enteredAt: r.entered_at }), paperId);
      return { changed, votes: r.votes, importedVotes: r.imported_votes };
    });
  }

  async votedFor(userId: number, paperIds: number[]): Promise<Set<number>> {
    if (paperIds.length === 0) return new Set();
    const rows = this.#s.votedFor.all(userId, JSON.stringify(paperIds)) as { paper_id: number }[];
    return new Set(rows.map((r) => r.paper_id));
  }

  async userVotes(userId: number, limit: number): Promise<VotedPaper[]> {
    const rows = this.#s.userVotes.all(userId, limit) as { arxiv_id: string; title: string }[];
    return rows.map((r) => ({ arxivId: r.arxiv_id, title: r.title }));
  }

  async submit(x: { userId: number; userName: string; paperId: number; day: string; now: string }) {
    const s = this.#s;
    return this.#tx(() => {
      const existing = s.featuredDay.get(x.paperId) as { day: string } | undefined;
      if (existing) return { status: 'exists' as const, day: existing.day };
      s.feature.run(x.day, x.paperId, x.userName, x.now);
      s.recordSubmission.run(x.userId, x.paperId, x.day, x.now);
      return { status: 'featured' as const };
    });
  }

  async submissionsSince(userId: number, since: string): Promise<number> {
    return (this.#s.submissionsSince.get(userId, since) as { n: number }).n;
  }

  async userSubmissions(userId: number, limit: number): Promise<SubmissionRecord[]> {
    const rows = this.#s.userSubmissions.all(userId, limit) as {
      arxiv_id: string;
      title: string;
      day: string;
      created_at: string;
    }[];
    return rows.map((r) => ({ arxivId: r.arxiv_id, title: r.title, day: r.day, createdAt: r.created_at }));
  }

  async addComment(c: {
    paperId: number;
    userId: number;
    parentId: number | null;
    body: string;
    now: string;
  }) {
    const s = this.#s;
    const id = this.#tx(() => {
      if (!s.paperExists.get(c.paperId)) throw new NotFoundError(`no paper with id ${c.paperId}`);
      const row = s.addComment.get(c.paperId, c.userId, c.parentId, c.body, c.now) as { id: number };
      s.ensureStats.run(c.paperId);
      s.addComments.run(1, c.paperId);
      return row.id;
    });
    return (await this.comment(id))!;
  }

  async comment(id: number): Promise<Comment | null> {
    const r = this.#s.comment.get(id) as unknown as CommentRow | undefined;
    return r ? toComment(r) : null;
  }

  async editComment(id: number, body: string, now: string): Promise<void> {
    this.#s.editComment.run(body, now, id);
  }

  async deleteComment(id: number, now: string): Promise<void> {
    const s = this.#s;
    this.#tx(() => {
      const r = s.deleteComment.get(now, id) as { paper_id: number; hidden_at: string | null } | undefined;
      if (r && r.hidden_at === null) s.addComments.run(-1, r.paper_id);
    });
  }

  async setHidden(id: number, hidden: boolean, now: string, byUserId: number): Promise<void> {
    const s = this.#s;
    this.#tx(() => {
      const r = (hidden ? s.hide.get(now, byUserId, id) : s.unhide.get(id)) as
        | { paper_id: number; deleted_at: string | null }
        | undefined;
      if (r && r.deleted_at === null) s.addComments.run(hidden ? -1 : 1, r.paper_id);
    });
  }

  async commentsFor(paperId: number): Promise<Comment[]> {
    return (this.#s.commentsFor.all(paperId) as unknown as CommentRow[]).map(toComment);
  }

  async recentComments(limit: number, offset: number): Promise<CommentWithPaper[]> {
    return (this.#s.recent.all(limit, offset) as unknown as CommentRow[]).map((r) => ({
      ...toComment(r),
      arxivId: r.arxiv_id!,
      paperTitle: r.title!,
    }));
  }

  async commentsSince(userId: number, since: string): Promise<number> {
    return (this.#s.commentsSince.get(userId, since) as { n: number }).n;
  }
}
