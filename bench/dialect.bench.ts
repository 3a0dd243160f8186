/**
 * How a repository should talk to its two databases (issue 13 item 2): the per-call cost of each
 * candidate pattern on the same statements, on SQLite and on PostgreSQL, each against the plainest
 * call in the same run. Statements: a subscriber looked up by email (a read that maps a row) and a
 * counter bumped by id (a write), over the real digest schema (the project's migrations).
 *
 *   npm run bench -- dialect [--count N]      (N lookups per contender on SQLite; PostgreSQL N/10)
 *
 * Contenders:
 * - typed: a class holding statements prepared once as typed members (the pattern chosen; see
 *   docs/ARCHITECTURE.md, "Two dialects, one pattern").
 * - runner: one SQL text for both dialects through a string-keyed statement cache, `?` rewritten
 *   to `$n` for PostgreSQL (the portable runner the digest used before issue 13, reproduced here).
 * - kysely: the typed query builder, building and compiling each query per call.
 * - named (PostgreSQL only): a named statement, parsed and planned once per connection.
 * Baselines: SQLite, the prepared statement called directly (no async, no mapping); PostgreSQL,
 * `pool.query(text, values)`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { migratePostgres } from '../src/db/postgres.ts';
import { migrateSqlite, openSqlite } from '../src/db/sqlite.ts';
import { sqliteText } from '../src/db/statements.ts';
import { parseBenchArgs, ROOT } from './common.ts';
import { type Metric, writeReport } from './report.ts';

const COLUMNS = 'id, email, status, frequency, weekday, paper_count, interests, soft_bounces';
const BY_EMAIL = `SELECT ${COLUMNS} FROM subscribers WHERE email = $1`;
const BUMP = 'UPDATE subscribers SET soft_bounces = soft_bounces + 1 WHERE id = $1';
const ROWS = 20_000;

interface Row {
  id: number | string;
  email: string;
  status: string;
  frequency: string;
  weekday: number;
  paper_count: number;
  interests: string;
  soft_bounces: number;
}
const toSubscriber = (r: Row) => ({
  id: Number(r.id),
  email: r.email,
  status: r.status,
  paperCount: Number(r.paper_count),
  interests: JSON.parse(r.interests) as unknown,
  softBounces: Number(r.soft_bounces),
});

/** The operations every contender implements, read and write. */
interface Contender {
  byEmail(email: string): Promise<unknown>;
  bump(id: number): Promise<void>;
}

interface KyselySchema {
  subscribers: Row & { created_at: string; updated_at: string };
}

// ---- SQLite ------------------------------------------------------------------------------

class TypedSqlite implements Contender {
  readonly #byEmail: StatementSync;
  readonly #bump: StatementSync;
  constructor(db: DatabaseSync) {
    this.#byEmail = db.prepare(sqliteText(BY_EMAIL));
    this.#bump = db.prepare(sqliteText(BUMP));
  }
  async byEmail(email: string) {
    const r = this.#byEmail.get(email) as Row | undefined;
    return r ? toSubscriber(r) : null;
  }
  async bump(id: number) {
    this.#bump.run(id);
  }
}

/** The pre-issue-13 runner: SQL text as the cache key, `?` placeholders. */
function runnerSqlite(db: DatabaseSync): Contender {
  const cache = new Map<string, StatementSync>();
  const prep = (sql: string) => {
    let s = cache.get(sql);
    if (!s) {
      s = db.prepare(sql);
      cache.set(sql, s);
    }
    return s;
  };
  const all = async <T>(sql: string, params: SQLInputValue[]) => prep(sql).all(...params) as T[];
  return {
    async byEmail(email) {
      const rows = await all<Row>(`SELECT ${COLUMNS} FROM subscribers WHERE email = ?`, [email]);
      return rows[0] ? toSubscriber(rows[0]) : null;
    },
    async bump(id) {
      prep('UPDATE subscribers SET soft_bounces = soft_bounces + 1 WHERE id = ?').run(id);
    },
  };
}

/** Kysely's SqliteDialect speaks better-sqlite3's statement shape; node:sqlite needs a thin shim. */
function kyselySqlite(db: DatabaseSync): Kysely<KyselySchema> {
  const database = {
    close: () => db.close(),
    prepare(sql: string) {
      const s = db.prepare(sql);
      return {
        reader: s.columns().length > 0,
        all: (p: readonly unknown[]) => s.all(...(p as SQLInputValue[])),
        run: (p: readonly unknown[]) => s.run(...(p as SQLInputValue[])),
        iterate: (p: readonly unknown[]) => s.iterate(...(p as SQLInputValue[])),
      };
    },
  };
  return new Kysely<KyselySchema>({ dialect: new SqliteDialect({ database: database as never }) });
}

function kyselyContender(k: Kysely<KyselySchema>): Contender {
  return {
    async byEmail(email) {
      const r = await k
        .selectFrom('subscribers')
        .select(['id', 'email', 'status', 'frequency', 'weekday', 'paper_count', 'interests', 'soft_bounces'])
        .where('email', '=', email)
        .executeTakeFirst();
      return r ? toSubscriber(r as Row) : null;
    },
    async bump(id) {
      await k
        .updateTable('subscribers')
        .set((eb) => ({ soft_bounces: eb('soft_bounces', '+', 1) }))
        .where('id', '=', id)
        .execute();
    },
  };
}

// ---- PostgreSQL --------------------------------------------------------------------------

function plainPg(pool: pg.Pool, named: boolean): Contender {
  const q = (name: string, text: string, values: unknown[]) =>
    pool.query(named ? { name, text, values } : { text, values });
  return {
    async byEmail(email) {
      const r = (await q('bench.byEmail', BY_EMAIL, [email])).rows[0] as Row | undefined;
      return r ? toSubscriber(r) : null;
    },
    async bump(id) {
      await q('bench.bump', BUMP, [id]);
    },
  };
}

function runnerPg(pool: pg.Pool): Contender {
  const cache = new Map<string, string>();
  const conv = (sql: string) => {
    let s = cache.get(sql);
    if (s === undefined) {
      let i = 0;
      s = sql.replace(/\?/g, () => `$${++i}`);
      cache.set(sql, s);
    }
    return s;
  };
  return {
    async byEmail(email) {
      const rows = (await pool.query(conv(`SELECT ${COLUMNS} FROM subscribers WHERE email = ?`), [email]))
        .rows as Row[];
      return rows[0] ? toSubscriber(rows[0]) : null;
    },
    async bump(id) {
      await pool.query(conv('UPDATE subscribers SET soft_bounces = soft_bounces + 1 WHERE id = ?'), [id]);
    },
  };
}

// ---- timing ------------------------------------------------------------------------------

/** Calls per second of `op` over `n` sequential calls, after a warm-up of n/10. */
async function rate(n: number, op: (i: number) => Promise<unknown>): Promise<number> {
  for (let i = 0; i < n / 10; i++) await op(i);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await op(i);
  return n / (Number(process.hrtime.bigint() - t0) / 1e9);
}

/** Each contender's read and write rates; rounds alternate the order so drift hits all alike. */
async function measure(
  n: number,
  contenders: Record<string, Contender>,
  baseline: Contender,
): Promise<Record<string, { read: number; write: number }>> {
  const email = (i: number) => `reader${(i * 7919) % ROWS}@example.org`;
  const id = (i: number) => 1 + ((i * 7919) % ROWS);
  const all: Record<string, Contender> = { baseline, ...contenders };
  const out: Record<string, { read: number[]; write: number[] }> = {};
  const names = Object.keys(all);
  for (let round = 0; round < 3; round++) {
    const order = round % 2 ? [...names].reverse() : names;
    for (const name of order) {
      const c = all[name]!;
      out[name] ??= { read: [], write: [] };
      const o = out[name];
      o.read.push(await rate(n, (i) => c.byEmail(email(i))));
      o.write.push(await rate(Math.max(1, n / 5), (i) => c.bump(id(i))));
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
  return Object.fromEntries(
    Object.entries(out).map(([k, v]) => [k, { read: median(v.read), write: median(v.write) }]),
  );
}

function seedSql(): string {
  const now = new Date(0).toISOString();
  const values = Array.from(
    { length: ROWS },
    (_, i) => `('reader${i}@example.org', 'confirmed', '${now}', '${now}')`,
  );
  return `INSERT INTO subscribers (email, status, created_at, updated_at) VALUES ${values.join(',')}`;
}

function metrics(
  engine: string,
  r: Record<string, { read: number; write: number }>,
  baselineName: string,
): Metric[] {
  const base = r.baseline!;
  const out: Metric[] = [];
  for (const [name, v] of Object.entries(r)) {
    if (name === 'baseline') continue;
    out.push(
      {
        metric: `${engine} read, ${name} (vs ${baselineName})`,
        unit: 'calls/s',
        paperboy: v.read,
        baseline: base.read,
        target: '',
        pass: null,
      },
      {
        metric: `${engine} write, ${name} (vs ${baselineName})`,
        unit: 'calls/s',
        paperboy: v.write,
        baseline: base.write,
        target: '',
        pass: null,
      },
    );
  }
  return out;
}

async function sqliteRun(n: number): Promise<Metric[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'paperboy-dialect-'));
  try {
    const db = openSqlite(path.join(dir, 'bench.db'));
    migrateSqlite(db);
    db.exec(seedSql());
    const raw = { byEmail: db.prepare(sqliteText(BY_EMAIL)), bump: db.prepare(sqliteText(BUMP)) };
    const baseline: Contender = {
      byEmail: (e) => Promise.resolve(raw.byEmail.get(e)),
      bump: (id) => Promise.resolve(void raw.bump.run(id)),
    };
    const k = kyselySqlite(db);
    const r = await measure(
      n,
      { typed: new TypedSqlite(db), runner: runnerSqlite(db), kysely: kyselyContender(k) },
      baseline,
    );
    db.close();
    return metrics('SQLite', r, 'the prepared statement called bare');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function pgUrl(): string {
  if (process.env.PAPERBOY_TEST_PG_URL) return process.env.PAPERBOY_TEST_PG_URL;
  // The test suite's throwaway cluster (started, or installed first, by the script when missing).
  const out = execFileSync('bash', [path.join(ROOT, 'scripts/pg-test-cluster.sh')], { encoding: 'utf8' });
  return out.trim().split('\n').at(-1)!;
}

async function pgRun(n: number): Promise<Metric[]> {
  const schema = `bench_dialect_${process.pid}`;
  const url = pgUrl();
  const admin = new pg.Pool({ connectionString: url, max: 1 });
  await admin.query(`CREATE SCHEMA ${schema}`);
  const pool = new pg.Pool({ connectionString: url, max: 4, options: `-c search_path=${schema}` });
  try {
    await migratePostgres(pool);
    await pool.query(seedSql());
    const k = new Kysely<KyselySchema>({ dialect: new PostgresDialect({ pool }) });
    const r = await measure(
      n,
      {
        typed: plainPg(pool, false),
        named: plainPg(pool, true),
        runner: runnerPg(pool),
        kysely: kyselyContender(k),
      },
      plainPg(pool, false),
    );
    return metrics('PostgreSQL', r, 'pool.query(text, values)');
  } finally {
    await pool.end();
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
  }
}

export async function run(argv: string[]): Promise<Metric[]> {
  const { count } = parseBenchArgs(argv, { count: 50_000 });
  const m = [...(await sqliteRun(count)), ...(await pgRun(Math.max(100, Math.round(count / 10))))];
  for (const x of m)
    process.stderr.write(
      `${x.metric}: ${Math.round(x.paperboy!)} vs ${Math.round(x.baseline!)} (ratio ${(x.paperboy! / x.baseline!).toFixed(2)})\n`,
    );
  await writeReport({ name: 'dialect', params: { count, rows: ROWS }, metrics: m });
  return m;
}
