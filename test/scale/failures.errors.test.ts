/**
 * Issue 18 item 3, the fast half: which real pg failures become DatabaseUnavailableError
 * (src/db/unavailable.ts, 503 + Retry-After in src/web/app.ts) and which stay bugs. Real
 * connections: a port nothing listens on, the shared test cluster with the pool limits of
 * src/db/postgres.ts. The process-level behaviour (a stopped server, SIGTERM) is in
 * failures.slow.test.ts.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type pg from 'pg';
import { createPool } from '../../src/db/postgres.ts';
import { databaseUnavailable } from '../../src/db/unavailable.ts';
import { DatabaseUnavailableError } from '../../src/errors.ts';
import { statusOf } from '../../src/web/errors.ts';
import { pgStore } from '../digest/helpers.ts';
import { startApp } from '../support/app.ts';
import { freePort } from '../support/serve.ts';

let db: Awaited<ReturnType<typeof pgStore>>;
let url: string;
before(async () => {
  db = await pgStore();
  url = db.url;
});
after(() => db.drop());

async function failure(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (err) {
    return err;
  }
  assert.fail('expected a failure');
}

test('a refused connection is DatabaseUnavailableError: 503 with a Retry-After', async () => {
  const pool = createPool(`postgres://postgres@127.0.0.1:${await freePort()}/none`, {
    connectTimeoutMs: 2000,
  });
  try {
    const err = databaseUnavailable(await failure(() => pool.query('SELECT 1')));
    assert.ok(err instanceof DatabaseUnavailableError);
    assert.match(err.reason, /ECONNREFUSED/);
    assert.equal(statusOf(err), 503);
    assert.ok(err.retryAfterSeconds > 0);
    assert.doesNotMatch(err.message, /127\.0\.0\.1/, "the page's message names no address");
  } finally {
    await pool.end();
  }
});

test('a statement past databaseStatementTimeoutMs (waiting on a lock) is DatabaseUnavailableError', async () => {
  const pool = createPool(url, { statementTimeoutMs: 300 });
  const holder = (db.store.connection as { pool: pg.Pool }).pool;
  const locker = await holder.connect();
  try {
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE papers IN ACCESS EXCLUSIVE MODE');
    const err = databaseUnavailable(await failure(() => pool.query('SELECT count(*) FROM papers')));
    assert.ok(err instanceof DatabaseUnavailableError);
    assert.match(err.reason, /databaseStatementTimeoutMs/);
  } finally {
    await locker.query('ROLLBACK');
    locker.release();
    await pool.end();
  }
});

test('a full pool past databaseConnectTimeoutMs is DatabaseUnavailableError', async () => {
  const pool = createPool(url, { size: 1, connectTimeoutMs: 200 });
  const only = await pool.connect();
  try {
    const err = databaseUnavailable(await failure(() => pool.query('SELECT 1')));
    assert.ok(err instanceof DatabaseUnavailableError);
    assert.match(err.reason, /timeout/);
  } finally {
    only.release();
    await pool.end();
  }
});

test('a wrong query or a broken constraint stays a bug (500), not a 503', async () => {
  const pool = createPool(url);
  try {
    assert.equal(databaseUnavailable(await failure(() => pool.query('SELEC 1'))), null);
    assert.equal(databaseUnavailable(await failure(() => pool.query('SELECT 1/0'))), null);
    assert.equal(databaseUnavailable(new Error('something else')), null);
  } finally {
    await pool.end();
  }
});

for (const dialect of ['sqlite', 'postgres'] as const) {
  test(`${dialect}: /ready says ready with no migration pending and names semantic search's state; /health ok`, async () => {
    const app = await startApp(dialect === 'postgres' ? { store: db.store } : {});
    try {
      const ready = await fetch(`${app.url}/ready`);
      assert.equal(ready.status, 200);
      const body = (await ready.json()) as {
        status: string;
        migrations: { pending: number[] };
        semantic: string;
        forYou: string;
      };
      assert.equal(body.status, 'ready');
      assert.deepEqual(body.migrations.pending, []);
      assert.match(body.semantic, /^(loading|ready|untrained|failed)$/);
      assert.equal(body.forYou, 'cold', 'an app not started by serve reads For you as pages ask');
      const health = await fetch(`${app.url}/health`);
      assert.equal(health.status, 200);
      assert.equal(((await health.json()) as { status: string }).status, 'ok');
    } finally {
      await app.close();
    }
  });
}

test('postgres: /health with a table lock held answers 503 "down" instead of waiting for the lock', async () => {
  const app = await startApp({ store: db.store });
  const locker = await (db.store.connection as { pool: pg.Pool }).pool.connect();
  try {
    await fetch(`${app.url}/health`); // the once-a-minute count is done, the lookup is what waits
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE papers IN ACCESS EXCLUSIVE MODE');
    const health = await fetch(`${app.url}/health`);
    assert.equal(health.status, 503);
    assert.ok(Number(health.headers.get('retry-after')) > 0);
    const body = (await health.json()) as { status: string; database: string; error: string };
    assert.deepEqual([body.status, body.database], ['down', 'postgres']);
    assert.match(body.error, /no answer within/);
    assert.equal((await fetch(`${app.url}/ready`)).status, 503);
  } finally {
    await locker.query('ROLLBACK');
    locker.release();
    await app.close();
  }
});
