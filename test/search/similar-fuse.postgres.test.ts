/**
 * The fused similar-papers contract on PostgreSQL (PAPERBOY_TEST_PG_URL, or the throwaway cluster
 * from scripts/pg-test-cluster.sh). Never skips; the run's own schema is dropped at the end.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { after } from 'node:test';
import pg from 'pg';
import { openPostgresStore } from '../../src/app/postgres.store.ts';
import { runSimilarFuseContract } from './similar-fuse.contract.ts';

const schema = `similar_fuse_${process.pid}_${Date.now().toString(36)}`;
let baseUrl: string | undefined;

function serverUrl(): string {
  if (process.env.PAPERBOY_TEST_PG_URL) return process.env.PAPERBOY_TEST_PG_URL;
  const script = path.join(import.meta.dirname, '../../scripts/pg-test-cluster.sh');
  const out = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const url = out.trim().split('\n').pop();
  if (!url?.startsWith('postgres://')) throw new Error(`pg-test-cluster.sh printed no URL: ${out}`);
  return url;
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

after(async () => {
  if (baseUrl) await admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
});

runSimilarFuseContract('postgres', async () => {
  baseUrl = serverUrl();
  await admin(`CREATE SCHEMA ${schema}`);
  const u = new URL(baseUrl);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return openPostgresStore(u.toString());
});
