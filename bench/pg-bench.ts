/**
 * PostgreSQL side of the import and keyword benches (issue 18): with DATABASE_URL set, each bench
 * also runs paperboy on that server, in a schema of its own per corpus (`bench_<count>_s<seed>`),
 * and reports it beside SQLite. Use a durable server (fsync and synchronous_commit on, as an
 * operator runs it), not the test cluster of scripts/pg-test-cluster.sh.
 */
import pg from 'pg';

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
