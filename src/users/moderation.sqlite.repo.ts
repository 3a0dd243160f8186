/** ModerationRepository on SQLite: statements prepared once; a change and its log line in one BEGIN IMMEDIATE block. */
import type { DatabaseSync } from 'node:sqlite';
import { sqliteText, sqliteTransaction } from '../db/statements.ts';
import {
  type LogAction,
  type LogEntry,
  type LogInput,
  type LogRow,
  logValues,
  MODERATION_SQL,
  type ModerationRepository,
  type NewReport,
  type Outcome,
  type Report,
  type ReportRow,
  toLogEntry,
  toReport,
} from './moderation.repo.ts';

function statements(db: DatabaseSync) {
  const p = (sql: string) => db.prepare(sqliteText(sql));
  return {
    addReport: p(MODERATION_SQL.addReport),
    report: p(MODERATION_SQL.report),
    openReports: p(MODERATION_SQL.openReports),
    closeReport: p(MODERATION_SQL.closeReport),
    log: p(MODERATION_SQL.log),
    recentLog: p(MODERATION_SQL.recentLog),
    paperRef: p(MODERATION_SQL.paperRef),
  };
}

export class SqliteModerationRepository implements ModerationRepository {
  readonly #db: DatabaseSync;
  readonly #s: ReturnType<typeof statements>;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#s = statements(db);
  }

  async addReport(r: NewReport, log: LogInput): Promise<number> {
    return sqliteTransaction(this.#db, () => {
      const row = this.#s.addReport.get(r.reporterId, r.paperId, r.commentId, r.reason, log.now) as {
        id: number;
      };
      this.#s.log.run(...logValues('report', log));
      return Number(row.id);
    });
  }

  async report(id: number): Promise<Report | null> {
    const r = this.#s.report.get(id) as ReportRow | undefined;
    return r ? toReport(r) : null;
  }

  async openReports(limit: number): Promise<Report[]> {
    return (this.#s.openReports.all(limit) as unknown as ReportRow[]).map(toReport);
  }

  async closeReport(id: number, outcome: Outcome, log: LogInput): Promise<boolean> {
    return sqliteTransaction(this.#db, () => {
      const r = this.#s.closeReport.run(log.now, log.actorId, outcome, id);
      if (Number(r.changes) === 0) return false;
      this.#s.log.run(...logValues(outcome === 'resolved' ? 'resolve' : 'dismiss', log));
      return true;
    });
  }

  async log(action: LogAction, log: LogInput): Promise<void> {
    this.#s.log.run(...logValues(action, log));
  }

  async recentLog(limit: number): Promise<LogEntry[]> {
    return (this.#s.recentLog.all(limit) as unknown as LogRow[]).map(toLogEntry);
  }

  async paperRef(paperId: number): Promise<{ arxivId: string; title: string } | null> {
    const r = this.#s.paperRef.get(paperId) as { arxiv_id: string; title: string } | undefined;
    return r ? { arxivId: r.arxiv_id, title: r.title } : null;
  }
}
