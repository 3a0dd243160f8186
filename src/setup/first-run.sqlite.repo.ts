/**
 * FirstRunRepository on SQLite (see first-run.repo.ts): `papers.demo` is 0/1 (matching the partial
 * index `papers_demo … WHERE demo = 1`), id lists go in as one JSON array through json_each, and
 * the contentless FTS5 index, which has no foreign key, loses the demo papers' rows first, by rowid.
 */
import type { DatabaseSync } from 'node:sqlite';
import { changes, sqliteText, sqliteTransaction } from '../db/statements.ts';
import {
  type CountedTable,
  count,
  FIRST_RUN_SQL,
  type FirstRunRepository,
  settingValue,
  toCounts,
} from './first-run.repo.ts';

/** The prepared statements, one typed member each: a misspelt name fails to compile. */
function statements(db: DatabaseSync) {
  const p = (sql: string) => db.prepare(sqliteText(sql));
  const q = FIRST_RUN_SQL;
  return {
    getSetting: p(q.getSetting),
    setSetting: p(q.setSetting),
    takeSetting: p(q.takeSetting),
    deleteSetting: p(q.deleteSetting),
    adminCount: p(q.adminCount),
    counts: p(q.counts),
    idsInDemoRange: p(q.idsInDemoRange),
    markPapers: p('UPDATE papers SET demo = 1 WHERE arxiv_id IN (SELECT value FROM json_each(?))'),
    // WHERE true: SQLite's parser needs it between INSERT … SELECT and ON CONFLICT.
    markUsers: p(
      'INSERT INTO demo_users (user_id) SELECT value FROM json_each(?) WHERE true ON CONFLICT DO NOTHING',
    ),
    demoPapers: p('SELECT count(*) AS n FROM papers WHERE demo = 1'),
    demoUsers: p(q.demoUsers),
    removeDemoFts: p('DELETE FROM papers_fts WHERE rowid IN (SELECT id FROM papers WHERE demo = 1)'),
    removeDemoUsers: p(q.removeDemoUsers),
    removeDemoPapers: p('DELETE FROM papers WHERE demo = 1'),
  };
}

export class SqliteFirstRunRepository implements FirstRunRepository {
  readonly #db: DatabaseSync;
  readonly #s: ReturnType<typeof statements>;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#s = statements(db);
  }

  async getSetting<T>(key: string): Promise<T | null> {
    return settingValue<T>(this.#s.getSetting.get(key) as { value: string } | undefined);
  }

  async setSetting(key: string, value: unknown, now: string): Promise<void> {
    this.#s.setSetting.run(key, JSON.stringify(value), now);
  }

  async takeSetting(key: string, expected: unknown): Promise<boolean> {
    return changes(this.#s.takeSetting.run(key, JSON.stringify(expected))) === 1;
  }

  async deleteSetting(key: string): Promise<void> {
    this.#s.deleteSetting.run(key);
  }

  async adminCount(): Promise<number> {
    return count(this.#s.adminCount.get() as { n: number } | undefined);
  }

  async counts(): Promise<Record<CountedTable, number>> {
    return toCounts(this.#s.counts.get());
  }

  async idsInDemoRange(): Promise<Set<string>> {
    return new Set((this.#s.idsInDemoRange.all() as { arxiv_id: string }[]).map((r) => r.arxiv_id));
  }

  async markDemoPapers(arxivIds: readonly string[]): Promise<void> {
    if (arxivIds.length > 0) this.#s.markPapers.run(JSON.stringify(arxivIds));
  }

  async markDemoUsers(userIds: readonly number[]): Promise<void> {
    if (userIds.length > 0) this.#s.markUsers.run(JSON.stringify(userIds));
  }

  async demoCounts(): Promise<{ papers: number; users: number }> {
    const papers = count(this.#s.demoPapers.get() as { n: number } | undefined);
    return { papers, users: count(this.#s.demoUsers.get() as { n: number } | undefined) };
  }

  async removeDemo(): Promise<{ papers: number; users: number }> {
    const s = this.#s;
    return sqliteTransaction(this.#db, () => {
      s.removeDemoFts.run();
      const users = changes(s.removeDemoUsers.run());
      return { users, papers: changes(s.removeDemoPapers.run()) };
    });
  }
}
