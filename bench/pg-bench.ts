/**
 * PostgreSQL side of the import and keyword benches (issue 18): with DATABASE_URL set, each bench
 * also runs paperboy on that server, in a schema of its own per corpus (`bench_<count>_s<seed>`),
 * and reports it beside SQLite. Use a durable server (fsync and synchronous_commit on, as an
 * operator runs it), not the test cluster of scripts/pg-test-cluster.sh.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { paperboyEnv, runChild } from './common.ts';

export const benchPgUrl = (): string | undefined => process.env.DATABASE_URL || undefined;

export const benchSchema = (count: number, seed: number) => `bench_${count}_s${seed}`;

/** The URL with the bench schema first on the search path. */
export function schemaUrl(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Drops and creates the schema; returns the URL that uses it. */
export async function freshSchema(url: string, schema: string): Promise<string> {
  await withClient(url, async (c) => {
    await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await c.query(`CREATE SCHEMA ${schema}`);
  });
  return schemaUrl(url, schema);
}

/** Bytes of the schema's tables with their indexes and TOAST. */
export async function schemaBytes(url: string, schema: string): Promise<number> {
  return withClient(url, async (c) => {
    const r = await c.query<{ n: string | null }>(
      `SELECT sum(pg_total_relation_size(oid)) AS n FROM pg_class WHERE relnamespace = $1::regnamespace AND relkind = 'r'`,
      [schema],
    );
    return Number(r.rows[0]?.n ?? 0);
  });
}

/** The server's durability settings, for the report. */
export async function durability(url: string): Promise<Record<string, string>> {
  return withClient(url, async (c) => {
    const out: Record<string, string> = {};
    for (const k of ['fsync', 'synchronous_commit', 'full_page_writes', 'shared_buffers', 'server_version']) {
      out[k] = (await c.query<Record<string, string>>(`SHOW ${k}`)).rows[0]![k]!;
    }
    return out;
  });
}

/** Papers in the schema's `papers` table; 0 when the schema or table does not exist. */
async function schemaPapers(url: string, schema: string): Promise<number> {
  return withClient(url, async (c) => {
    const t = await c.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [`${schema}.papers`]);
    if (!t.rows[0]?.t) return 0;
    return Number((await c.query<{ n: string }>(`SELECT count(*) AS n FROM ${schema}.papers`)).rows[0]!.n);
  });
}

/**
 * A bench's "prepared" mark kept in the schema itself (`bench_marks`), so it goes with the data: a
 * marker file would outlive a cluster that was recreated.
 */
export async function readMark(url: string, schema: string, key: string): Promise<string | null> {
  return withClient(url, async (c) => {
    const t = await c.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [
      `${schema}.bench_marks`,
    ]);
    if (!t.rows[0]?.t) return null;
    const r = await c.query<{ value: string }>(`SELECT value FROM ${schema}.bench_marks WHERE key = $1`, [
      key,
    ]);
    return r.rows[0]?.value ?? null;
  });
}

export async function writeMark(url: string, schema: string, key: string, value: string): Promise<void> {
  await withClient(url, async (c) => {
    await c.query(
      `CREATE TABLE IF NOT EXISTS ${schema}.bench_marks (key text PRIMARY KEY, value text NOT NULL)`,
    );
    await c.query(
      `INSERT INTO ${schema}.bench_marks (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = $2`,
      [key, value],
    );
  });
}

/** ANALYZE the schema's tables after a bench filled them, as an operator's autovacuum soon would. */
export async function analyze(schemaed: string): Promise<void> {
  await withClient(schemaed, async (c) => {
    await c.query('ANALYZE');
  });
}

/**
 * The corpus imported into `schema` through the real CLI (a child with DATABASE_URL), unless the
 * schema already holds `count` papers; returns the URL that uses the schema.
 */
export async function importedSchema(opts: {
  url: string;
  schema: string;
  count: number;
  file: string;
  dataDir: string;
}): Promise<string> {
  if ((await schemaPapers(opts.url, opts.schema)) === opts.count) return schemaUrl(opts.url, opts.schema);
  const schemaed = await freshSchema(opts.url, opts.schema);
  await mkdir(opts.dataDir, { recursive: true });
  process.stderr.write(
    `paperboy on PostgreSQL: importing ${opts.count} papers into schema ${opts.schema} …\n`,
  );
  const r = await runChild(
    process.execPath,
    [path.join('src', 'cli', 'main.ts'), 'import', opts.file, '--json'],
    paperboyEnv(opts.dataDir, { PAPERBOY_LOG_LEVEL: 'silent' }, schemaed),
  );
  if (!r.json || r.json.inserted === undefined)
    throw new Error(`paperboy import into PostgreSQL failed (exit ${r.code}):\n${r.stderrTail}`);
  process.stderr.write(`imported into PostgreSQL in ${r.wallSeconds.toFixed(0)} s\n`);
  return schemaed;
}

/** The report's one-line description of the PostgreSQL side: schema and durability settings. */
export async function describePg(url: string, schema: string): Promise<string> {
  const s = await durability(url);
  return `${schema} (${Object.entries(s)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ')})`;
}
