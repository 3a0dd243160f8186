/**
 * The savers of changed papers are found from the changed papers (collection_papers' paper
 * index), never by probing every version/code alert's reader for each changed paper: that order
 * cost alerts × changed papers index probes, 2.6 s of a 6 s event computation at 1,000 readers
 * (bench/alerts.bench.ts; 38 ms in this order), and ten times more at the issue's 10,000.
 * SQLite's plan is checked (PostgreSQL plans an inner join by its statistics).
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { test } from 'node:test';
import { watchersSql } from '../../src/alerts/alerts.sql.ts';
import { sqliteText } from '../../src/db/statements.ts';
import { sqliteStore } from '../digest/helpers.ts';

test('SQLite finds the watchers of changed papers starting from those papers', async () => {
  const { store, dir } = sqliteStore();
  try {
    const sql = sqliteText(watchersSql((c) => `${c} IN (SELECT value FROM json_each($1))`));
    const plan = (store.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('[1]') as { detail: string }[]).map(
      (r) => r.detail,
    );
    const first = plan.find((d) => /^(SEARCH|SCAN) (a|cp)\b/.test(d));
    assert.match(first ?? '', /^SEARCH cp USING (COVERING )?INDEX collection_papers_paper/, plan.join('\n'));
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
