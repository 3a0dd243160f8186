/**
 * Storage of the first run (issue 7): site settings as JSON by key, and the demo corpus's marks.
 * One class per dialect (first-run.sqlite.repo.ts, first-run.pg.repo.ts) over the statements
 * below; each class has its own text where the engines differ: a boolean `papers.demo` (SQLite
 * stores 0/1, PostgreSQL a BOOLEAN), id lists, and SQLite's full-text index, which has no
 * foreign key to cascade from.
 */

export interface FirstRunRepository {
  getSetting<T>(key: string): Promise<T | null>;
  setSetting(key: string, value: unknown, now: string): Promise<void>;
  /**
   * Deletes the setting only if it still holds `expected` (JSON-compared), atomically: two
   * requests racing with the same one-time value cannot both succeed.
   */
  takeSetting(key: string, expected: unknown): Promise<boolean>;
  deleteSetting(key: string): Promise<void>;
  adminCount(): Promise<number>;
  counts(): Promise<Record<CountedTable, number>>;
  /** Ids in the demo range already stored (a previous demo load, or anything else there). */
  idsInDemoRange(): Promise<Set<string>>;
  markDemoPapers(arxivIds: readonly string[]): Promise<void>;
  markDemoUsers(userIds: readonly number[]): Promise<void>;
  demoCounts(): Promise<{ papers: number; users: number }>;
  /**
   * Deletes the demo accounts (their votes, comments and sessions cascade) and the demo papers
   * (featurings, counters, authors, categories, vectors and any real account's votes or comments
   * on them cascade), in one transaction.
   */
  removeDemo(): Promise<{ papers: number; users: number }>;
}

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

/** The statements of both dialects, `$n` placeholders (SQLite prepares them through sqliteText). */
export const FIRST_RUN_SQL = {
  getSetting: 'SELECT value FROM site_settings WHERE key = $1',
  setSetting: `INSERT INTO site_settings (key, value, updated_at) VALUES ($1, $2, $3)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  takeSetting: 'DELETE FROM site_settings WHERE key = $1 AND value = $2',
  deleteSetting: 'DELETE FROM site_settings WHERE key = $1',
  adminCount: "SELECT count(*) AS n FROM users WHERE role = 'admin'",
  // Every counted table in one read, a column each.
  counts: `SELECT ${COUNTED_TABLES.map((t) => `(SELECT count(*) FROM ${t}) AS ${t}`).join(', ')}`,
  idsInDemoRange: `SELECT arxiv_id FROM papers WHERE arxiv_id LIKE '${DEMO_ID_LIKE}'`,
  demoUsers: 'SELECT count(*) AS n FROM demo_users',
  removeDemoUsers: 'DELETE FROM users WHERE id IN (SELECT user_id FROM demo_users)',
};

/** A stored setting's JSON, parsed (null: none). */
export const settingValue = <T>(row: { value: string } | undefined): T | null =>
  row ? (JSON.parse(row.value) as T) : null;

/** FIRST_RUN_SQL.counts' one row, every counter as a number (PostgreSQL hands bigints over as text). */
export function toCounts(row: Record<string, unknown> | undefined): Record<CountedTable, number> {
  const out = {} as Record<CountedTable, number>;
  for (const t of COUNTED_TABLES) out[t] = Number(row?.[t] ?? 0);
  return out;
}

/** A `count(*) AS n` row as a number. */
export const count = (row: { n: number | string } | undefined) => Number(row?.n ?? 0);
