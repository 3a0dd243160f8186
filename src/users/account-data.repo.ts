/**
 * An account's own data as a whole (issue 14 item 8): what the data export reads beyond the other
 * repositories, and deleting the account with everything personal in one transaction. One class
 * per dialect (account-data.sqlite.repo.ts, account-data.pg.repo.ts) over the statements below.
 *
 * Deletion: the account's votes are taken back with their counters and trending scores
 * recomputed (as an unvote does, community.*.repo.ts); its comments keep their place in threads
 * (others' replies hang off them) but lose their text, as a deleted comment does, and move to the
 * one shared "[deleted account]" author; featurings it submitted show "[deleted account]" as
 * submitter; then the `users` row goes, and with it (ON DELETE CASCADE) sessions, one-time links,
 * API tokens, submissions records, the library, follows, feedback, start-out picks, For-you
 * controls and the feed key.
 */

/** The author shown for comments and submissions of deleted accounts (not a valid name or email). */
export const DELETED_ACCOUNT = '[deleted account]';

export interface AccountActivity {
  /** Login sessions on record (their tokens are never exported). */
  sessions: number;
  votes: { arxivId: string; at: string }[];
  comments: {
    id: number;
    arxivId: string;
    parentId: number | null;
    body: string;
    createdAt: string;
    editedAt: string | null;
    deletedAt: string | null;
    hiddenAt: string | null;
  }[];
}

export interface AccountDataRepository {
  activity(userId: number): Promise<AccountActivity>;
  /** Deletes the account as described above, in one transaction; false when it does not exist. */
  deleteAccount(userId: number, now: string): Promise<boolean>;
}

/** Statements both dialects run unchanged (`$n`; SQLite prepares them through `sqliteText`). */
export const ACCOUNT_DATA_SQL = {
  sessions: 'SELECT count(*) AS n FROM sessions WHERE user_id = $1',
  votes: `SELECT p.arxiv_id, v.created_at FROM votes v JOIN papers p ON p.id = v.paper_id
    WHERE v.user_id = $1 ORDER BY v.created_at, p.arxiv_id`,
  comments: `SELECT c.id, p.arxiv_id, c.parent_id, c.body, c.created_at, c.edited_at, c.deleted_at, c.hidden_at
    FROM comments c JOIN papers p ON p.id = c.paper_id WHERE c.user_id = $1 ORDER BY c.id`,
  name: 'SELECT name FROM users WHERE id = $1',
  votedPapers: 'SELECT paper_id FROM votes WHERE user_id = $1 ORDER BY paper_id',
  unvote: 'DELETE FROM votes WHERE user_id = $1 AND paper_id = $2',
  setTrending: 'UPDATE paper_stats SET trending = $1 WHERE paper_id = $2',
  commentCount: 'SELECT count(*) AS n FROM comments WHERE user_id = $1',
  // The shared author of deleted accounts' comments: made once, never able to log in (its email
  // and name fail the sign-up rules, and '!' is no password hash).
  tombstone: `INSERT INTO users (email, name, password_hash, role, created_at) VALUES ($1, $1, '!', 'user', $2)
    ON CONFLICT DO NOTHING`,
  tombstoneId: 'SELECT id FROM users WHERE name = $1',
  // Live comments: text dropped as deleteComment does (their counters follow, below).
  clearComments: `UPDATE comments SET body = '', deleted_at = $2, user_id = $3
    WHERE user_id = $1 AND deleted_at IS NULL RETURNING paper_id, hidden_at`,
  moveComments: 'UPDATE comments SET user_id = $2 WHERE user_id = $1',
  unnameSubmissions: `UPDATE featured SET submitted_by = $3 WHERE source = 'submission' AND submitted_by = $2
    AND paper_id IN (SELECT paper_id FROM submissions WHERE user_id = $1)`,
  deleteUser: 'DELETE FROM users WHERE id = $1',
} as const;

export interface CommentExportRow {
  id: number | string;
  arxiv_id: string;
  parent_id: number | string | null;
  body: string;
  created_at: string;
  edited_at: string | null;
  deleted_at: string | null;
  hidden_at: string | null;
}

export const toCommentExport = (r: CommentExportRow): AccountActivity['comments'][number] => ({
  id: Number(r.id),
  arxivId: r.arxiv_id,
  parentId: r.parent_id === null ? null : Number(r.parent_id),
  body: r.body,
  createdAt: r.created_at,
  editedAt: r.edited_at,
  deletedAt: r.deleted_at,
  hiddenAt: r.hidden_at,
});
