/**
 * The one migration runner (src/db/migrate.ts) behaves the same on both dialects: pending files
 * apply in order, a failing file is rolled back whole and named, and a fixed file applies on the
 * next start.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { Migration } from '../../src/db/migrate.ts';
import { createPool, migratePostgres } from '../../src/db/postgres.ts';
import { migrateSqlite, openSqlite } from '../../src/db/sqlite.ts';

const first: Migration = { version: 1, name: 'first', sql: 'CREATE TABLE one (id INTEGER PRIMARY KEY);' };
const broken: Migration = {
  version: 2,
  name: 'second',
  sql: 'CREATE TABLE two (id INTEGER PRIMARY KEY); INSERT INTO no_such_table VALUES (1);',
};
const fixed: Migration = { ...broken, sql: 'CREATE TABLE two (id INTEGER PRIMARY KEY);' };

interface Db {
  migrate(list: Migration[]): Promise<number[]>;
  tables(): Promise<string[]>;
}

async function runnerContract(db: Db): Promise<void> {
  await assert.rejects(db.migrate([first, broken]), /migration 2_second failed: .*no_such_table/);
  assert.deepEqual(await db.tables(), ['one'], 'the failed file left nothing behind');
  assert.deepEqual(await db.migrate([first]), [1], 'the ledger holds only what applied');
  assert.deepEqual(await db.migrate([first, fixed]), [1, 2]);
  assert.deepEqual(await db.tables(), ['one', 'two']);
  assert.deepEqual(await db.migrate([first, fixed]), [1, 2], 'applying again changes nothing');
}

test('migration runner on SQLite', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'paperboy-migrate-'));
  const db = openSqlite(path.join(dir, 'm.db'));
  try {
    await runnerContract({
      migrate: async (list) => migrateSqlite(db, list),
      tables: async () =>
        (
          db
            .prepare(
              "SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('one', 'two') ORDER BY name",
            )
            .all() as { name: string }[]
        ).map((r) => r.name),
    });
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('migration runner on PostgreSQL', async () => {
  const url = process.env.PAPERBOY_TEST_PG_URL;
  assert.ok(url, 'PAPERBOY_TEST_PG_URL is set (scripts/test.sh starts the cluster)');
  const schema = `migrate_${process.pid}_${Date.now().toString(36)}`;
  const admin = createPool(url);
  await admin.query(`CREATE SCHEMA ${schema}`);
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  const pool = createPool(u.toString());
  try {
    await runnerContract({
      migrate: (list) => migratePostgres(pool, list),
      tables: async () =>
        (
          await pool.query<{ name: string }>(
            `SELECT table_name AS name FROM information_schema.tables
             WHERE table_schema = $1 AND table_name IN ('one', 'two') ORDER BY table_name`,
            [schema],
          )
        ).rows.map((r) => r.name),
    });
  } finally {
    await pool.end();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
});
