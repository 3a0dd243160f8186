/**
 * The storage contract on PostgreSQL. Uses PAPERBOY_TEST_PG_URL, or starts the throwaway cluster
 * (scripts/pg-test-cluster.sh) when it is unset. Never skips: a missing PostgreSQL is a failure,
 * so CI cannot go green without having run these tests. Each run gets its own schema (through
 * the connection's search_path), dropped at the end, so runs never see each other's rows.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { after } from 'node:test';
import pg from 'pg';
import { openPostgresStore } from '../../src/app/postgres.store.ts';
import { runStoreContract } from './store.contract.ts';

const schema = `contract_${process.pid}_${Date.now().toString(36)}`;
let baseUrl: string | undefined;

function serverUrl(): string {
  const fromEnv = process.env.PAPERBOY_TEST_PG_URL;
  if (fromEnv) return fromEnv;
  const script = path.join(import.meta.dirname, '../../scripts/pg-test-cluster.sh');
  try {
    const out = execFileSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const url = out.trim().split('\n').pop();
    if (!url?.startsWith('postgres://')) throw new Error(`unexpected output: ${out}`);
    return url;
  } catch (err) {
    const e = err as Error & { stderr?: string };
    throw new Error(
      `PostgreSQL contract tests need a server: set PAPERBOY_TEST_PG_URL or make ${script} work.\n` +
        `${e.message}\n${e.stderr ?? ''}`,
    );
  }
}

function withSearchPath(url: string, schemaName: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schemaName}`);
  return u.toString();
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

after(async () => {
  if (baseUrl) await admin((c) => c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`));
});

runStoreContract('postgres', async () => {
  baseUrl = serverUrl();
  await admin((c) => c.query(`CREATE SCHEMA ${schema}`));
  return openPostgresStore(withSearchPath(baseUrl, schema));
});
