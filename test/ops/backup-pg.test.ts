/**
 * In PostgreSQL mode `paperboy backup` and `restore` print pg_dump / pg_restore commands (the
 * README's "Backups" shows the same). This runs exactly those lines, through a shell with
 * DATABASE_URL set, against a throwaway database of the test cluster: the dump is taken, the
 * database changes, the restore puts it back as it was, and paperboy opens and searches it.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { openPostgresStore } from '../../src/app/postgres.store.ts';
import { postgresAdvice } from '../../src/cli/commands/backup.ts';
import { tempDir } from '../support/app.ts';
import { keywordIds } from '../support/keyword.ts';
import { makePaper } from '../support/papers.ts';

/** PAPERBOY_TEST_PG_URL, else the throwaway cluster's URL (as test/digest/helpers.ts finds it). */
function serverUrl(): string {
  if (process.env.PAPERBOY_TEST_PG_URL) return process.env.PAPERBOY_TEST_PG_URL;
  const script = path.join(import.meta.dirname, '../../scripts/pg-test-cluster.sh');
  return execFileSync('bash', [script], { encoding: 'utf8' }).trim().split('\n').pop()!;
}

/** The indented command lines of the advice, in order. */
const commandsOf = (advice: string) =>
  advice
    .split('\n')
    .filter((l) => l.startsWith('  '))
    .map((l) => l.trim());

describe('PostgreSQL backups: the printed pg_dump / pg_restore commands', () => {
  const server = serverUrl();
  const name = `paperboy_backup_${process.pid}`;
  const url = Object.assign(new URL(server), { pathname: `/${name}` }).toString();
  const admin = new pg.Client({ connectionString: server });
  before(async () => {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
  });
  after(async () => {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  it('back up, change, restore: the database is as it was at the dump', async () => {
    const dir = tempDir('paperboy-pgdump-');
    const dump = path.join(dir, 'paperboy.dump');
    const [dumpCommand, restoreCommand, ...rest] = commandsOf(postgresAdvice('backup', dump));
    assert.equal(rest.length, 0);
    assert.match(dumpCommand!, /^pg_dump /);
    assert.match(restoreCommand!, /^pg_restore /);
    const shell = (command: string) => {
      const r = spawnSync('bash', ['-c', command], {
        env: { ...process.env, DATABASE_URL: url },
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, `${command}\n${r.stderr}`);
    };

    let store = await openPostgresStore(url);
    await store.papers.upsertMany([
      makePaper({ arxivId: '2401.00001', title: 'Quokka locomotion' }),
      makePaper({ arxivId: '2401.00002', title: 'Wombat burrows' }),
    ]);
    await store.close();
    shell(dumpCommand!);

    store = await openPostgresStore(url);
    await store.papers.upsertMany([makePaper({ arxivId: '2401.00003', title: 'Quokka diets' })]);
    assert.equal(await store.papers.count(), 3);
    await store.close();
    shell(restoreCommand!);

    store = await openPostgresStore(url);
    try {
      assert.equal(await store.papers.count(), 2);
      assert.deepEqual(await keywordIds(store, 'quokka'), ['2401.00001']);
    } finally {
      await store.close();
    }
  });
});
