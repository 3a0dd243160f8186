/**
 * FirstRunRepository on PostgreSQL (see first-run.repo.ts): `papers.demo` is a BOOLEAN, id lists
 * are one array parameter, and the full-text index is a column of papers, so it goes with them.
 */
import type pg from 'pg';
import { inTransaction } from '../db/postgres.ts';
import {
  type CountedTable,
  count,
  type FirstRunRepository,
  FIRST_RUN_SQL as Q,
  settingValue,
  toCounts,
} from './first-run.repo.ts';

const MARK_PAPERS = 'UPDATE papers SET demo = TRUE WHERE arxiv_id = ANY($1::text[])';
const MARK_USERS = 'INSERT INTO demo_users (user_id) SELECT unnest($1::bigint[]) ON CONFLICT DO NOTHING';
const DEMO_PAPERS = 'SELECT count(*) AS n FROM papers WHERE demo = TRUE';
const REMOVE_DEMO_PAPERS = 'DELETE FROM papers WHERE demo = TRUE';

export class PgFirstRunRepository implements FirstRunRepository {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async getSetting<T>(key: string): Promise<T | null> {
    return settingValue<T>((await this.#pool.query<{ value: string }>(Q.getSetting, [key])).rows[0]);
  }

  async setSetting(key: string, value: unknown, now: string): Promise<void> {
    await this.#pool.query(Q.setSetting, [key, JSON.stringify(value), now]);
  }

  async takeSetting(key: string, expected: unknown): Promise<boolean> {
    return (await this.#pool.query(Q.takeSetting, [key, JSON.stringify(expected)])).rowCount === 1;
  }

  async deleteSetting(key: string): Promise<void> {
    await this.#pool.query(Q.deleteSetting, [key]);
  }

  async adminCount(): Promise<number> {
    return count((await this.#pool.query<{ n: string }>(Q.adminCount)).rows[0]);
  }

  async counts(): Promise<Record<CountedTable, number>> {
    return toCounts((await this.#pool.query<Record<string, string>>(Q.counts)).rows[0]);
  }

  async idsInDemoRange(): Promise<Set<string>> {
    const res = await this.#pool.query<{ arxiv_id: string }>(Q.idsInDemoRange);
    return new Set(res.rows.map((r) => r.arxiv_id));
  }

  async markDemoPapers(arxivIds: readonly string[]): Promise<void> {
    if (arxivIds.length > 0) await this.#pool.query(MARK_PAPERS, [arxivIds]);
  }

  async markDemoUsers(userIds: readonly number[]): Promise<void> {
    if (userIds.length > 0) await this.#pool.query(MARK_USERS, [userIds]);
  }

  async demoCounts(): Promise<{ papers: number; users: number }> {
    const papers = count((await this.#pool.query<{ n: string }>(DEMO_PAPERS)).rows[0]);
    return { papers, users: count((await this.#pool.query<{ n: string }>(Q.demoUsers)).rows[0]) };
  }

  async removeDemo(): Promise<{ papers: number; users: number }> {
    return inTransaction(this.#pool, async (c) => {
      const users = (await c.query(Q.removeDemoUsers)).rowCount ?? 0;
      return { users, papers: (await c.query(REMOVE_DEMO_PAPERS)).rowCount ?? 0 };
    });
  }
}
