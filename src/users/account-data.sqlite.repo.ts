/** AccountDataRepository on SQLite: deletion is one synchronous BEGIN IMMEDIATE … COMMIT block. */
import type { DatabaseSync } from 'node:sqlite';
import { sqliteText, sqliteTransaction } from '../db/statements.ts';
import { trendingScore } from '../ranking/trending.ts';
import {
  type AccountActivity,
  type AccountDataRepository,
  type CommentExportRow,
  DELETED_ACCOUNT,
  ACCOUNT_DATA_SQL as Q,
  toCommentExport,
} from './account-data.repo.ts';

function statements(db: DatabaseSync) {
  const p = (sql: string) => db.prepare(sqliteText(sql));
  return {
    sessions: p(Q.sessions),
    votes: p(Q.votes),
    comments: p(Q.comments),
    name: p(Q.name),
    votedPapers: p(Q.votedPapers),
    unvote: p(Q.unvote),
    uncountVote: db.prepare(`UPDATE paper_stats SET votes = max(0, votes - 1) WHERE paper_id = ?
      RETURNING votes, imported_votes, entered_at`),
    setTrending: p(Q.setTrending),
    commentCount: p(Q.commentCount),
    tombstone: p(Q.tombstone),
    tombstoneId: p(Q.tombstoneId),
    clearComments: p(Q.clearComments),
    uncountComment: db.prepare('UPDATE paper_stats SET comments = max(0, comments - 1) WHERE paper_id = ?'),
    moveComments: p(Q.moveComments),
    unnameSubmissions: p(Q.unnameSubmissions),
    deleteUser: p(Q.deleteUser),
  };
}

export class SqliteAccountDataRepository implements AccountDataRepository {
  readonly #db: DatabaseSync;
  readonly #s: ReturnType<typeof statements>;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#s = statements(db);
  }

  async activity(userId: number): Promise<AccountActivity> {
    const s = this.#s;
    return {
      sessions: Number((s.sessions.get(userId) as { n: number }).n),
      votes: (s.votes.all(userId) as { arxiv_id: string; created_at: string }[]).map((r) => ({
        arxivId: r.arxiv_id,
        at: r.created_at,
      })),
      comments: (s.comments.all(userId) as unknown as CommentExportRow[]).map(toCommentExport),
    };
  }

  async deleteAccount(userId: number, now: string): Promise<boolean> {
    const s = this.#s;
    return sqliteTransaction(this.#db, () => {
      const user = s.name.get(userId) as { name: string } | undefined;
      if (!user) return false;
      for (const { paper_id } of s.votedPapers.all(userId) as { paper_id: number }[]) {
        s.unvote.run(userId, paper_id);
        const r = s.uncountVote.get(paper_id) as
          | { votes: number; imported_votes: number; entered_at: string }
          | undefined;
        if (r)
          s.setTrending.run(
            trendingScore({ votes: r.votes + r.imported_votes, enteredAt: r.entered_at }),
            paper_id,
          );
      }
      if (Number((s.commentCount.get(userId) as { n: number }).n) > 0) {
        s.tombstone.run(DELETED_ACCOUNT, now);
        const tomb = (s.tombstoneId.get(DELETED_ACCOUNT) as { id: number }).id;
        for (const c of s.clearComments.all(userId, now, tomb) as {
          paper_id: number;
          hidden_at: string | null;
        }[])
          if (c.hidden_at === null) s.uncountComment.run(c.paper_id);
        s.moveComments.run(userId, tomb);
      }
      s.unnameSubmissions.run(userId, user.name, DELETED_ACCOUNT);
      s.deleteUser.run(userId);
      return true;
    });
  }
}
