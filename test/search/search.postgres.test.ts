/**
 * The search contract on PostgreSQL (PAPERBOY_TEST_PG_URL, or the throwaway cluster from
 * scripts/pg-test-cluster.sh). Never skips; each run uses its own schema, dropped at the end.
 */

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { openPostgresStore } from '../../src/app/postgres.store.ts';
import { searchPapers } from '../../src/search/service.ts';
import { makePaper } from '../support/papers.ts';
import { pgAdmin } from '../support/pg-admin.ts';
import { runSearchContract } from './search.contract.ts';

const schema = `search_${process.pid}_${Date.now().toString(36)}`;
let baseUrl: string | undefined;

function serverUrl(): string {
  if (process.env.PAPERBOY_TEST_PG_URL) return process.env.PAPERBOY_TEST_PG_URL;
  const script = path.join(import.meta.dirname, '../../scripts/pg-test-cluster.sh');
  const out = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const url = out.trim().split('\n').pop();
  if (!url?.startsWith('postgres://')) throw new Error(`pg-test-cluster.sh printed no URL: ${out}`);
  return url;
}

const admin = (sql: string) => pgAdmin(baseUrl, sql);

after(async () => {
  if (baseUrl) await admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
});

runSearchContract('postgres', async () => {
  baseUrl = serverUrl();
  await admin(`CREATE SCHEMA ${schema}`);
  const u = new URL(baseUrl);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return openPostgresStore(u.toString());
});

describe('search budget (postgres)', () => {
  it('cancels a keyword statement at the budget (statement_timeout) and says the search was stopped', async () => {
    baseUrl ??= serverUrl();
    const own = `${schema}_budget`;
    await admin(`CREATE SCHEMA ${own}`);
    const u = new URL(baseUrl);
    u.searchParams.set('options', `-c search_path=${own}`);
    const store = await openPostgresStore(u.toString());
    const locker = new pg.Client({ connectionString: u.toString() });
    await locker.connect();
    try {
      await store.papers.upsertMany([makePaper({ arxivId: '2401.00001', title: 'Galaxy rotation curves' })]);
      const deps = {
        store,
        config: { data: '/nonexistent', embedder: 'builtin' as const, searchBudgetMs: 200 },
      };
      // A statement that cannot finish: it waits for a lock held by another session.
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE papers IN ACCESS EXCLUSIVE MODE');
      const stopped = await searchPapers(deps, { q: 'galaxy', mode: 'keyword' });
      assert.match(stopped.stopped ?? '', /longer than 0\.2 s and was stopped/);
      await locker.query('ROLLBACK');
      const ok = await searchPapers(deps, { q: 'galaxy', mode: 'keyword' });
      assert.equal(ok.stopped, undefined);
      assert.deepEqual(
        ok.hits.map((h) => h.arxivId),
        ['2401.00001'],
      );
    } finally {
      await locker.end();
      await store.close();
      await admin(`DROP SCHEMA IF EXISTS ${own} CASCADE`);
    }
  });
});
