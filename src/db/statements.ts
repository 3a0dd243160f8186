/**
 * Helpers for the one dialect pattern (docs/ARCHITECTURE.md, "Two dialects, one pattern"): a
 * repository has one class per dialect, and SQL text that is the same in both is written once,
 * with PostgreSQL's `$n` placeholders, and prepared for SQLite through `sqliteText`.
 */

/**
 * `$n` → `?n`: SQLite's numbered parameter takes the same number, so a parameter may repeat or
 * appear out of order (plain `?` would renumber them by position). The shared SQL never holds a
 * `$` followed by a digit inside a string literal.
 */
export function sqliteText(sql: string): string {
  return sql.replace(/\$(\d+)/g, '?$1');
}
