/** ModerationRepository on PostgreSQL; same semantics as moderation.sqlite.repo.ts, named statements. */
import type pg from 'pg';
import { inTransaction } from '../db/postgres.ts';
import { named } from '../db/statements.ts';
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

const S = named('moderation', MODERATION_SQL);

export class PgModerationRepository implements ModerationRepository {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async addReport(r: NewReport, log: LogInput): Promise<number> {
    return inTransaction(this.#pool, async (c) => {
      const res = await c.query<{ id: string }>({
        ...S.addReport,
        values: [r.reporterId, r.paperId, r.commentId, r.reason, log.now],
      });
      await c.query({ ...S.log, values: [...logValues('report', log)] });
      return Number(res.rows[0]!.id);
    });
  }

  async report(id: number): Promise<Report | null> {
    const r = await this.#pool.query<ReportRow>({ ...S.report, values: [id] });
    return r.rows[0] ? toReport(r.rows[0]) : null;
  }

  async openReports(limit: number): Promise<Report[]> {
    return (await this.#pool.query<ReportRow>({ ...S.openReports, values: [limit] })).rows.map(toReport);
  }

  async closeReport(id: number, outcome: Outcome, log: LogInput): Promise<boolean> {
    return inTransaction(this.#pool, async (c) => {
      const r = await c.query({ ...S.closeReport, values: [log.now, log.actorId, outcome, id] });
      if (!r.rowCount) return false;
      await c.query({
        ...S.log,
        values: [...logValues(outcome === 'resolved' ? 'resolve' : 'dismiss', log)],
      });
      return true;
    });
  }

  async log(action: LogAction, log: LogInput): Promise<void> {
    await this.#pool.query({ ...S.log, values: [...logValues(action, log)] });
  }

  async recentLog(limit: number): Promise<LogEntry[]> {
    return (await this.#pool.query<LogRow>({ ...S.recentLog, values: [limit] })).rows.map(toLogEntry);
  }

  async paperRef(paperId: number): Promise<{ arxivId: string; title: string } | null> {
    const r = await this.#pool.query<{ arxiv_id: string; title: string }>({
      ...S.paperRef,
      values: [paperId],
    });
    return r.rows[0] ? { arxivId: r.rows[0].arxiv_id, title: r.rows[0].title } : null;
  }
}
