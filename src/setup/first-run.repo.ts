/**
 * Storage of the first run (issue 7): site settings as JSON by key, and the demo corpus's marks.
 * One SQL for both dialects through the digest's SqlRunner; the only difference is how a boolean
 * `papers.demo` is written (SQLite stores 0/1, PostgreSQL a BOOLEAN).
 */
import type { SqlRunner, Statement } from '../db/sql.ts';

/** Tables whose row counts `paperboy demo --remove` must bring back to what they were. */
const COUNTED_TABLES = [
  'papers',
  'paper_authors',
  'paper_categories',
  'paper_versions',
  'paper_links',
  'featured',
  'paper_stats',
  'users',
  'votes',
  'comments',
  'submissions',
] as const;
export type CountedTable = (typeof COUNTED_TABLES)[number];

/**
 * Demo papers use sequence numbers 90000–99999 of their month: arXiv has never numbered a month
 * that high (about 25,000 a month in 2024), so they cannot collide with real papers.
 */
const DEMO_ID_LIKE = '____.9____';

export class FirstRunRepository {
  readonly #sql: SqlRunner;
  readonly #true: string;

  constructor(sql: SqlRunner) {
    this.#sql = sql;
    this.#true = sql.dialect === 'sqlite' ? '1' : 'TRUE';
  }

  async getSetting<T>(key: string): Promise<T | null> {
    const rows = await this.#sql.all<{ value: string }>('SELECT value FROM site_settings WHERE key = ?', [
      key,
    ]);
    return rows[0] ? (JSON.parse(rows[0].value) as T) : null;
  }

  async setSetting(key: string, value: unknown, now: string): Promise<void> {
    await this.#sql.run(
      `INSERT INTO site_settings (key, value, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      [key, JSON.stringify(value), now],
    );
  }

  /**
   * Deletes the setting only if it still holds `expected` (JSON-compared), atomically: two
   * requests racing with the same one-time value cannot both succeed.
   */
  async takeSetting(key: string, expected: unknown): Promise<boolean> {
    const n = await this.#sql.run('DELETE FROM site_settings WHERE key = ? AND value = ?', [
      key,
      JSON.stringify(expected),
    ]);
    return n === 1;
  }

  async deleteSetting(key: string): Promise<void> {
    await this.#sql.run('DELETE FROM site_settings WHERE key = ?', [key]);
  }

  async adminCount(): Promise<number> {
    const rows = await this.#sql.all<{ n: number | string }>(
      "SELECT count(*) AS n FROM users WHERE role = 'admin'",
    );
    return Number(rows[0]?.n ?? 0);
  }

  async counts(): Promise<Record<CountedTable, number>> {
    const out = {} as Record<CountedTable, number>;
    for (const t of COUNTED_TABLES) {
      const rows = await this.#sql.all<{ n: number | string }>(`SELECT count(*) AS n FROM ${t}`);
      out[t] = Number(rows[0]?.n ?? 0);
    }
    return out;
  }

  /** Ids in the demo range already stored (a previous demo load, or anything else there). */
  async idsInDemoRange(): Promise<Set<string>> {
    const rows = await this.#sql.all<{ arxiv_id: string }>(
      'SELECT arxiv_id FROM papers WHERE arxiv_id LIKE ?',
      [DEMO_ID_LIKE],
    );
    return new Set(rows.map((r) => r.arxiv_id));
  }

  async markDemoPapers(arxivIds: readonly string[]): Promise<void> {
    const stmts: Statement[] = arxivIds.map((id) => [
      `UPDATE papers SET demo = ${this.#true} WHERE arxiv_id = ?`,
      [id],
    ]);
    for (let i = 0; i < stmts.length; i += 1000) await this.#sql.batch(stmts.slice(i, i + 1000));
  }

  async markDemoUsers(userIds: readonly number[]): Promise<void> {
    await this.#sql.batch(
      userIds.map(
        (id) => ['INSERT INTO demo_users (user_id) VALUES (?) ON CONFLICT DO NOTHING', [id]] as const,
      ),
    );
  }

  async demoCounts(): Promise<{ papers: number; users: number }> {
    const p = await this.#sql.all<{ n: number | string }>(
      `SELECT count(*) AS n FROM papers WHERE demo = ${this.#true}`,
    );
    const u = await this.#sql.all<{ n: number | string }>('SELECT count(*) AS n FROM demo_users');
    return { papers: Number(p[0]?.n ?? 0), users: Number(u[0]?.n ?? 0) };
  }

  /**
   * Deletes the demo accounts (their votes, comments and sessions cascade) and the demo papers
   * (featurings, counters, authors, categories, vectors and any real account's votes or comments
   * on them cascade), in one transaction. SQLite's contentless FTS5 index has no foreign key, so
   * its rows go first, by rowid.
   */
  async removeDemo(): Promise<{ papers: number; users: number }> {
    const demo = `demo = ${this.#true}`;
    const stmts: Statement[] = [];
    if (this.#sql.dialect === 'sqlite')
      stmts.push([`DELETE FROM papers_fts WHERE rowid IN (SELECT id FROM papers WHERE ${demo})`, []]);
    stmts.push(['DELETE FROM users WHERE id IN (SELECT user_id FROM demo_users)', []]);
    stmts.push([`DELETE FROM papers WHERE ${demo}`, []]);
    const changed = await this.#sql.batch(stmts);
    const n = changed.length;
    return { users: changed[n - 2] ?? 0, papers: changed[n - 1] ?? 0 };
  }
}
