/**
 * Reports and the moderation log (issue 16 item 16, migration 014): readers report a paper or a
 * comment with a reason, moderators resolve or dismiss each report, and every report, decision
 * and ban is written to the log in the same transaction as the change it records. One class per
 * dialect (moderation.sqlite.repo.ts, moderation.pg.repo.ts) over the statements below.
 */

export type Outcome = 'resolved' | 'dismissed';
export type LogAction = 'report' | 'resolve' | 'dismiss' | 'ban' | 'unban';

/** Who did it and why: what goes in the log beside the action. */
export interface LogInput {
  actorId: number;
  actorName: string;
  /** What it concerns, readable on its own ("comment 12 on 2401.00001", "account ada"). */
  target: string;
  reason: string;
  now: string;
}

export interface LogEntry {
  id: number;
  at: string;
  actorName: string;
  action: LogAction;
  target: string;
  reason: string;
}

export interface Report {
  id: number;
  reporterName: string;
  arxivId: string;
  paperTitle: string;
  commentId: number | null;
  /** The comment's text and author when a comment is reported. */
  commentBody: string | null;
  commentAuthor: string | null;
  reason: string;
  createdAt: string;
  closedAt: string | null;
  outcome: Outcome | null;
}

export interface NewReport {
  reporterId: number;
  paperId: number;
  commentId: number | null;
  reason: string;
}

export interface ModerationRepository {
  /** Stores the report and logs it; returns its id. */
  addReport(r: NewReport, log: LogInput): Promise<number>;
  report(id: number): Promise<Report | null>;
  /** Open reports, oldest first (a queue). */
  openReports(limit: number): Promise<Report[]>;
  /** Closes an open report and logs the decision; false when it was not open. */
  closeReport(id: number, outcome: Outcome, log: LogInput): Promise<boolean>;
  /** A log line for a change made elsewhere (a ban); the caller makes the change first. */
  log(action: LogAction, log: LogInput): Promise<void>;
  /** Newest first. */
  recentLog(limit: number): Promise<LogEntry[]>;
  /** A paper's id and title by row id (a reported comment names only its paper's row). */
  paperRef(paperId: number): Promise<{ arxivId: string; title: string } | null>;
}

const selectReport = `SELECT r.id, u.name AS reporter_name, p.arxiv_id, p.title, r.comment_id,
    c.body AS comment_body, cu.name AS comment_author, r.reason, r.created_at, r.closed_at, r.outcome
  FROM reports r JOIN papers p ON p.id = r.paper_id JOIN users u ON u.id = r.reporter_id
  LEFT JOIN comments c ON c.id = r.comment_id LEFT JOIN users cu ON cu.id = c.user_id`;

/** `$n` placeholders; SQLite prepares them through db/statements.ts `sqliteText`. */
export const MODERATION_SQL = {
  addReport: `INSERT INTO reports (reporter_id, paper_id, comment_id, reason, created_at)
    VALUES ($1, $2, $3, $4, $5) RETURNING id`,
  report: `${selectReport} WHERE r.id = $1`,
  openReports: `${selectReport} WHERE r.closed_at IS NULL ORDER BY r.created_at, r.id LIMIT $1`,
  closeReport: `UPDATE reports SET closed_at = $1, closed_by = $2, outcome = $3
    WHERE id = $4 AND closed_at IS NULL`,
  log: `INSERT INTO moderation_log (at, actor_id, actor_name, action, target, reason)
    VALUES ($1, $2, $3, $4, $5, $6)`,
  recentLog: `SELECT id, at, actor_name, action, target, reason FROM moderation_log
    ORDER BY at DESC, id DESC LIMIT $1`,
  paperRef: 'SELECT arxiv_id, title FROM papers WHERE id = $1',
} as const;

export interface ReportRow {
  id: number | string;
  reporter_name: string;
  arxiv_id: string;
  title: string;
  comment_id: number | string | null;
  comment_body: string | null;
  comment_author: string | null;
  reason: string;
  created_at: string;
  closed_at: string | null;
  outcome: Outcome | null;
}

export interface LogRow {
  id: number | string;
  at: string;
  actor_name: string;
  action: LogAction;
  target: string;
  reason: string;
}

export const toReport = (r: ReportRow): Report => ({
  id: Number(r.id),
  reporterName: r.reporter_name,
  arxivId: r.arxiv_id,
  paperTitle: r.title,
  commentId: r.comment_id === null ? null : Number(r.comment_id),
  commentBody: r.comment_body,
  commentAuthor: r.comment_author,
  reason: r.reason,
  createdAt: r.created_at,
  closedAt: r.closed_at,
  outcome: r.outcome,
});

export const toLogEntry = (r: LogRow): LogEntry => ({
  id: Number(r.id),
  at: r.at,
  actorName: r.actor_name,
  action: r.action,
  target: r.target,
  reason: r.reason,
});

/** The values of MODERATION_SQL.log, in order. */
export const logValues = (action: LogAction, l: LogInput) =>
  [l.now, l.actorId, l.actorName, action, l.target, l.reason] as const;
