/** Feed SQL that is the same in both dialects ($n placeholders; SQLite prepares it through sqliteText). */

/**
 * The distinct categories by skipping through the (category, submitted_at, paper_id) primary key
 * of paper_categories: one min() probe per category (~150 on arXiv) instead of a scan of every
 * paper's rows, which `SELECT DISTINCT` would be on both engines.
 */
export const CATEGORIES = `WITH RECURSIVE c (category) AS (
    SELECT min(category) FROM paper_categories
    UNION ALL
    SELECT (SELECT min(category) FROM paper_categories WHERE category > c.category) FROM c
    WHERE c.category IS NOT NULL)
  SELECT category FROM c WHERE category IS NOT NULL`;
