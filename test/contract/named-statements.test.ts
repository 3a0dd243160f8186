/**
 * PostgreSQL's hot statements are named (src/db/statements.ts, docs/ARCHITECTURE.md "Two
 * dialects, one pattern"): parsed once per connection, then only bound and executed. Checked on
 * the server itself, through pg_prepared_statements of the one pooled connection (pool max 1).
 */
import assert from 'node:assert/strict';
import { globSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import pg from 'pg';
import { migratePostgres } from '../../src/db/postgres.ts';
import { NotFoundError } from '../../src/errors.ts';
import { PgFeedRepository } from '../../src/feed/feed.pg.repo.ts';
import { PgForYouRepository } from '../../src/foryou/foryou.pg.repo.ts';
import { PgLibraryRepository } from '../../src/library/library.pg.repo.ts';
import { PgPaperRepository } from '../../src/papers/papers.pg.repo.ts';
import { PgCommunityRepository } from '../../src/users/community.pg.repo.ts';
import { PgFeedKeyRepository } from '../../src/users/feed-keys.pg.repo.ts';
import { PgUserRepository } from '../../src/users/users.pg.repo.ts';
import { makePaper } from '../support/papers.ts';
import { pgAdmin } from '../support/pg-admin.ts';

const schema = `named_${process.pid}_${Date.now().toString(36)}`;
const url = process.env.PAPERBOY_TEST_PG_URL;
let pool: pg.Pool;

const admin = (sql: string) => pgAdmin(url, sql);

before(async () => {
  assert.ok(url, 'PAPERBOY_TEST_PG_URL is set (scripts/test.sh starts the cluster)');
  await admin(`CREATE SCHEMA ${schema}`);
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  // One connection, so the statements prepared by the calls are the ones this test reads back.
  pool = new pg.Pool({ connectionString: u.toString(), max: 1 });
  await migratePostgres(pool);
});

after(async () => {
  await pool?.end();
  if (url) await admin(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
});

/** name → [text, times executed] of the connection's prepared statements. */
async function prepared(): Promise<Map<string, [string, number]>> {
  const res = await pool.query<{ name: string; statement: string; runs: string }>(
    'SELECT name, statement, generic_plans + custom_plans AS runs FROM pg_prepared_statements',
  );
  return new Map(res.rows.map((r) => [r.name, [r.statement, Number(r.runs)]]));
}

test('repository calls prepare each statement once under its name and reuse it', async () => {
  const papers = new PgPaperRepository(pool);
  const users = new PgUserRepository(pool);
  const community = new PgCommunityRepository(pool);
  const feed = new PgFeedRepository(pool);
  await papers.upsertMany([makePaper({ arxivId: '2401.00001' })]);
  await papers.feature({
    day: '2024-01-02',
    arxivId: '2401.00001',
    source: 'import',
    submittedBy: null,
    importedUpvotes: 3,
  });
  for (let i = 0; i < 3; i++) assert.equal((await papers.get('2401.00001'))?.arxivId, '2401.00001');
  const user = await users.create({ email: 'a@example.org', name: 'ada', passwordHash: 'h', now: 'now' });
  for (let i = 0; i < 3; i++) assert.equal((await users.byEmail('a@example.org'))?.id, user?.id);
  const paperId = (await papers.get('2401.00001'))!.id;
  // A transaction rolled back after preparing its statements leaves them usable: the next call
  // reuses them on the same connection.
  await assert.rejects(community.setVote(user!.id, paperId + 1000, true, 'now'), NotFoundError);
  assert.equal((await community.setVote(user!.id, paperId, true, 'now')).votes, 1);
  const week = { from: '2024-01-01', to: '2024-01-07', sort: 'votes', limit: 10, offset: 0 } as const;
  for (let i = 0; i < 2; i++) assert.equal((await feed.featured(week)).total, 1);

  const seen = await prepared();
  for (const name of [
    'papers.claim',
    'papers.insert',
    'papers.versions',
    'papers.feature',
    'users.create',
    'community.lockPaper',
    'community.countVote',
    'feed.featured.votes.range',
    'feed.featuredCount.range',
    'feed.cards',
  ])
    assert.ok(seen.has(name), `${name} is prepared (have: ${[...seen.keys()].sort().join(', ')})`);
  assert.match(seen.get('users.byEmail')![0], /FROM users u WHERE u\.email = \$1/);
  // Parsed once, executed each time: one row per name, its counter at the number of calls.
  assert.equal(seen.get('papers.get')![1], 4, 'papers.get: three reads and one for the vote’s id');
  assert.equal(seen.get('users.byEmail')![1], 3);
  assert.equal(seen.get('community.lockPaper')![1], 2, 'prepared in the rolled-back call, reused');
  assert.equal(seen.get('feed.featured.votes.range')![1], 2);
});

test('the library, For you and feed-key repositories name their statements (issue 14)', async () => {
  const papers = new PgPaperRepository(pool);
  const users = new PgUserRepository(pool);
  const library = new PgLibraryRepository(pool);
  const forYou = new PgForYouRepository(pool);
  const keys = new PgFeedKeyRepository(pool);
  await papers.upsertMany([makePaper({ arxivId: '2402.00001' }), makePaper({ arxivId: '2402.00002' })]);
  const user = (await users.create({ email: 'n@example.org', name: 'nell', passwordHash: 'h', now: 'now' }))!;
  const paperId = (await papers.get('2402.00001'))!.id;
  for (let i = 0; i < 2; i++) {
    await library.addToDefault(user.id, paperId, 'Saved', 'now');
    await library.savedAmong(user.id, [paperId]);
    await library.addArxivIds(
      (await library.ensureDefault(user.id, 'Saved', 'now')).id,
      user.id,
      ['2402.00002'],
      'now',
    );
    await forYou.follow(user.id, { kind: 'category', key: 'cs.LG', label: 'cs.LG' }, 'now');
    await forYou.follows(user.id);
    await forYou.briefs([paperId]);
    await forYou.windowPapers('2000-01-01', '2100-01-01', 10);
    await forYou.newestSubmitted();
    await keys.ensure(user.id, 'k', 'now');
  }
  const seen = await prepared();
  for (const name of [
    'library.createDefault',
    'library.add',
    'library.savedAmong',
    'library.arxivIds',
    'library.addMany',
    'forYou.follow',
    'forYou.follows',
    'forYou.briefs',
    'forYou.windowPapers',
    'forYou.newestSubmitted',
    'feedKeys.insert',
  ]) {
    assert.ok(seen.has(name), `${name} is prepared (have: ${[...seen.keys()].sort().join(', ')})`);
    assert.ok(seen.get(name)![1] >= 2, `${name} reused`);
  }
});

test('every PostgreSQL repository’s statement names load together, one text per name', async () => {
  // named() throws at import when a name is given a second text; importing every repository
  // module in one process is the check that no two of them share a name.
  const root = path.join(import.meta.dirname, '../../src');
  const files = globSync('**/*.pg.repo.ts', { cwd: root });
  assert.ok(files.length >= 9, `found the PostgreSQL repositories (${files.join(', ')})`);
  for (const f of files) await import(path.join(root, f));
});
