/**
 * Paper writers on one PostgreSQL database do not queue behind each other (issue 18 item 2): a
 * harvest on another instance finishes while a 10,000-paper import transaction is still open,
 * and two writers of the same new papers both finish with every paper stored once.
 *
 * The import is held open deterministically: another session locks the cursors table, so the
 * import's last statement (its cursor) waits there with all its papers written.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { openPostgresStore } from '../../src/app/postgres.store.ts';
import type { Store } from '../../src/app/store.ts';
import type { PaperInput } from '../../src/papers/paper.ts';
import { makePaper } from '../support/papers.ts';

const baseUrl = process.env.PAPERBOY_TEST_PG_URL;
const schema = `writers_${process.pid}_${Date.now().toString(36)}`;

const papers = (prefix: string, n: number): PaperInput[] =>
  Array.from({ length: n }, (_, i) =>
    makePaper({ arxivId: `${prefix}.${String(i).padStart(5, '0')}`, title: `Paper ${prefix} ${i}` }),
  );

function url(app: string): string {
  const u = new URL(baseUrl!);
  u.searchParams.set('options', `-c search_path=${schema}`);
  u.searchParams.set('application_name', app);
  return u.toString();
}

describe('concurrent paper writers (postgres)', { skip: !baseUrl && 'PAPERBOY_TEST_PG_URL unset' }, () => {
  let importer: Store;
  let harvester: Store;
  let admin: pg.Client;

  /** Resolves when a backend of `app` waits for a heavyweight lock (a row, a table, an advisory lock). */
  async function waitingOnLock(app: string): Promise<void> {
    for (;;) {
      const r = await admin.query(
        `SELECT 1 FROM pg_stat_activity WHERE application_name = $1 AND wait_event_type = 'Lock'`,
        [app],
      );
      if (r.rowCount) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  /** Holds the cursors table until the returned function runs: a cursor write waits meanwhile. */
  async function holdCursors(): Promise<() => Promise<void>> {
    const locker = new pg.Client({ connectionString: url('locker') });
    await locker.connect();
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE cursors IN EXCLUSIVE MODE');
    return async () => {
      await locker.query('ROLLBACK');
      await locker.end();
    };
  }

  before(async () => {
    admin = new pg.Client({ connectionString: baseUrl });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    importer = await openPostgresStore(url('import'));
    harvester = await openPostgresStore(url('harvest'));
  });
  after(async () => {
    await importer?.close();
    await harvester?.close();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  });

  it('a harvest finishes while a 10,000-paper import transaction is open', async () => {
    const release = await holdCursors();
    const cursor = { key: 'import:test', value: '10000' };
    const importing = importer.papers.upsertMany(papers('2301', 10_000), cursor);
    await waitingOnLock('import'); // every paper written, the transaction open at its cursor
    // The old global write lock made this wait for the import's commit: report that, not hang.
    const harvest = harvester.papers.upsertMany(papers('2302', 20));
    const first = await Promise.race([
      harvest.then(() => 'harvest finished' as const),
      waitingOnLock('harvest').then(() => 'harvest waits for the import' as const),
    ]);
    await release();
    const outcomes = await importing;
    await harvest;
    assert.equal(first, 'harvest finished');
    assert.equal(outcomes.filter((o) => o === 'inserted').length, 10_000);
    const r = await admin.query(
      `SELECT count(*)::int AS n, count(DISTINCT arxiv_id)::int AS d FROM ${schema}.papers`,
    );
    assert.deepEqual(r.rows[0], { n: 10_020, d: 10_020 });
    // Ids are claimed before each transaction and settled when it commits (no open claim left).
    const claims = await admin.query(`SELECT count(*)::int AS n FROM ${schema}.paper_id_claims`);
    assert.equal(claims.rows[0].n, 0);
  });

  it('two writers of the same new papers both finish; each paper is stored once', async () => {
    const shared = papers('2303', 300);
    const release = await holdCursors();
    const a = importer.papers.upsertMany([...shared, ...papers('2304', 100)], {
      key: 'import:a',
      value: '1',
    });
    await waitingOnLock('import');
    // The harvest inserts the same papers, uncommitted in the import: it waits for that commit,
    // then finds them stored and decides again against them.
    const b = harvester.papers.upsertMany([...papers('2305', 50), ...shared]);
    await waitingOnLock('harvest');
    await release();
    const [ra, rb] = await Promise.all([a, b]);
    assert.ok(ra.every((o) => o === 'inserted'));
    assert.deepEqual(rb.slice(0, 50), Array(50).fill('inserted'));
    assert.deepEqual(rb.slice(50), Array(300).fill('unchanged'));
    const r = await admin.query(
      `SELECT count(*)::int AS n, count(DISTINCT arxiv_id)::int AS d FROM ${schema}.papers WHERE arxiv_id LIKE '230_.%' AND arxiv_id >= '2303'`,
    );
    assert.deepEqual(r.rows[0], { n: 450, d: 450 });
  });
});
