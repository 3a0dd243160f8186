/**
 * `paperboy backup` / `paperboy restore` (issue 18 item 8) on real SQLite files: a backup taken by
 * the CLI in its own process while the running app's store writes papers and votes is a
 * consistent snapshot (integrity check, invariants across tables, keyword search answers from
 * it); restore refuses while the app has the database open, then swaps the copy in and the app
 * starts on it. Bad input gets one clear line and exit code 2.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, it } from 'node:test';
import { SqliteStore } from '../../src/app/sqlite.store.ts';
import { startApp, tempDir } from '../support/app.ts';
import { keywordIds } from '../support/keyword.ts';
import { makePaper } from '../support/papers.ts';

const MAIN = path.join(import.meta.dirname, '../../src/cli/main.ts');

/**
 * The CLI in its own process (its own SQLite connection, as an operator runs it). Not in-process
 * with process.stdout patched: under `node --test` that swallows the runner's own reports.
 */
function cli(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const child = spawn(process.execPath, [MAIN, ...args], {
    // No PAPERBOY_* setting from the caller's environment; the suite's no-network guard
    // (NODE_OPTIONS) and TMPDIR go along.
    env: {
      PATH: process.env.PATH ?? '',
      TZ: 'UTC',
      ...(process.env.NODE_OPTIONS ? { NODE_OPTIONS: process.env.NODE_OPTIONS } : {}),
      ...(process.env.TMPDIR ? { TMPDIR: process.env.TMPDIR } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, out, err })));
}

/** A long abstract, so the database spans several backup steps (1,024 pages each). */
const ABSTRACT = 'We measure zephyrine transport in layered media and report results. '.repeat(20);
const paper = (n: number) =>
  makePaper({
    arxivId: `2401.${String(n).padStart(5, '0')}`,
    title: `Zephyrine study w${n}x`,
    abstract: ABSTRACT,
  });

/** The first column of the first row. */
function one(file: string, sql: string): unknown {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    return Object.values(db.prepare(sql).get() as Record<string, unknown>)[0];
  } finally {
    db.close();
  }
}
const count = (file: string, sql: string) => Number(one(file, sql));

describe('paperboy backup and restore', () => {
  const dir = tempDir('paperboy-backup-');

  it('backs up during a write storm, verifies the copy, restores it and serves from it', async (t) => {
    const dataDir = path.join(dir, 'site');
    const dbFile = path.join(dataDir, 'paperboy.db');
    const store = new SqliteStore(dbFile);
    let next = 0;
    const seed = Array.from({ length: 4000 }, () => paper(next++));
    for (let i = 0; i < seed.length; i += 500) await store.papers.upsertMany(seed.slice(i, i + 500));
    const app = await startApp({ store });
    let closed = false;
    const closeApp = async () => {
      if (closed) return;
      closed = true;
      await app.close();
      await store.close();
    };
    t.after(closeApp);
    const voter = await store.users.create({
      email: 'voter@example.org',
      name: 'voter',
      passwordHash: 'x',
      now: new Date().toISOString(),
    });
    assert.ok(voter);

    // The storm: new papers and a vote on each, one transaction each, until the backup is done.
    let storming = true;
    let writesDuringBackup = 0;
    const storm = (async () => {
      while (storming) {
        const p = paper(next++);
        await store.papers.upsertMany([p]);
        const id = (await store.papers.get(p.arxivId))!.id;
        await store.community.setVote(voter.id, id, true, new Date().toISOString());
        writesDuringBackup++;
        // Let the child's output and exit through: the store's calls are synchronous underneath.
        await new Promise((r) => setImmediate(r));
      }
    })();
    let papers: number;
    let newest: string;
    const copy = path.join(dir, 'copy.db');
    try {
      await new Promise((r) => setImmediate(r));
      const papersBefore = count(dbFile, 'SELECT count(*) FROM papers');
      writesDuringBackup = 0;
      const backup = await cli(['backup', copy, '--data', dataDir]);
      const writes = writesDuringBackup;
      const papersAfter = count(dbFile, 'SELECT count(*) FROM papers');
      assert.equal(backup.code, 0, backup.err);
      assert.match(backup.out, /integrity check ok/);
      assert.ok(writes > 0, 'the storm wrote while the backup ran');
      assert.ok(count(copy, 'PRAGMA page_count') > 2048, 'the copy took several backup steps');

      // The copy is one moment of the database: whole, and every invariant of a commit holds.
      assert.equal(one(copy, 'PRAGMA integrity_check'), 'ok');
      papers = count(copy, 'SELECT count(*) FROM papers');
      assert.ok(
        papers >= papersBefore && papers <= papersAfter,
        `${papersBefore} ≤ ${papers} ≤ ${papersAfter}`,
      );
      assert.equal(
        count(copy, 'SELECT count(*) FROM votes'),
        count(copy, 'SELECT sum(votes) FROM paper_stats'),
      );
      // A storm paper and its vote are two transactions: the snapshot may fall between them.
      const votes = count(copy, 'SELECT count(*) FROM votes');
      assert.ok(
        [papers - seed.length, papers - seed.length - 1].includes(votes),
        `${votes} votes, ${papers} papers`,
      );
      assert.equal(count(copy, 'SELECT count(DISTINCT paper_id) FROM paper_authors'), papers);
      assert.deepEqual(
        readdirSync(dir).filter((n) => n.includes('partial')),
        [],
        'no partial file left beside the copy',
      );

      // Keyword search answers from the copy, its newest paper included.
      newest = `w${papers - 1}x`;
      const probe = path.join(dir, 'probe.db');
      copyFileSync(copy, probe);
      const copyStore = new SqliteStore(probe);
      assert.deepEqual(await keywordIds(copyStore, newest), [`2401.${String(papers - 1).padStart(5, '0')}`]);
      assert.equal((await keywordIds(copyStore, 'zephyrine', 5)).length, 5);
      await copyStore.close();

      // Restore is refused while the app has the database open, and changes nothing.
      const listing = readdirSync(dataDir).sort();
      const refused = await cli(['restore', copy, '--data', dataDir]);
      assert.equal(refused.code, 1, refused.err);
      assert.match(refused.err, /is open in another process .*stop it/);
      assert.deepEqual(readdirSync(dataDir).sort(), listing);
    } finally {
      storming = false;
      await storm;
    }
    const finalPapers = count(dbFile, 'SELECT count(*) FROM papers');
    await closeApp();

    const restored = await cli(['restore', copy, '--data', dataDir]);
    assert.equal(restored.code, 0, restored.err);
    assert.match(restored.out, /previous database is kept as .*paperboy\.db\.before-restore/);
    assert.equal(count(dbFile, 'SELECT count(*) FROM papers'), papers);
    assert.equal(count(`${dbFile}.before-restore`, 'SELECT count(*) FROM papers'), finalPapers);
    assert.ok(existsSync(copy), 'the backup file itself stays');

    const again = await startApp({ store: new SqliteStore(dbFile) });
    try {
      const res = await fetch(`${again.url}/search?q=${newest}`);
      assert.equal(res.status, 200);
      assert.match(
        await res.text(),
        new RegExp(`<a href="/papers/2401\\.${String(papers - 1).padStart(5, '0')}">`),
      );
    } finally {
      await again.close();
      await again.store.close();
    }
  });

  it('refuses bad input with one clear line', async () => {
    const dataDir = path.join(dir, 'small');
    const store = new SqliteStore(path.join(dataDir, 'paperboy.db'));
    await store.papers.upsertMany([paper(1), paper(2)]);
    await store.close();
    const backup = (...args: string[]) => cli(['backup', ...args, '--data', dataDir]);
    const restore = (...args: string[]) => cli(['restore', ...args, '--data', dataDir]);
    const text = path.join(dir, 'notes.txt');
    writeFileSync(text, 'not a database at all');
    const foreign = path.join(dir, 'foreign.db');
    const f = new DatabaseSync(foreign);
    f.exec('CREATE TABLE t (x)');
    f.close();
    const newer = path.join(dir, 'newer.db');
    copyFileSync(path.join(dataDir, 'paperboy.db'), newer);
    const n = new DatabaseSync(newer);
    n.exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', '2030-01-01')");
    n.close();
    const nowhere = path.join(dir, 'no-site');
    const pg = ['site.dump', '--database-url', 'postgres://paperboy@db.example/paperboy'];

    // Independent refusals, one process each, run side by side: each answers one line, exit code 2.
    const refusals: [Promise<{ code: number | null; err: string }>, RegExp][] = [
      [
        backup(path.join(dir, 'missing', 'b.db')),
        /^paperboy backup: cannot write .*b\.db: the folder .*missing does not exist\n$/,
      ],
      [
        cli(['backup', path.join(dir, 'x.db'), '--data', nowhere]),
        /no database at .*no-site\/paperboy\.db \(is --data right\?\)/,
      ],
      [
        backup(path.join(dataDir, 'paperboy.db'), '--force'),
        /paperboy\.db is the database itself; write the backup somewhere else/,
      ],
      [restore(text), /^paperboy restore: .*notes\.txt is not a SQLite database/],
      [restore(foreign), /foreign\.db is a SQLite database but not paperboy's/],
      [restore(newer), /newer\.db was made by a newer paperboy: migration 999 is unknown here/],
      [restore(path.join(dir, 'nothing.db')), /no such file: .*nothing\.db/],
      [cli(['backup', ...pg]), /pg_dump --format=custom --file=site\.dump "\$DATABASE_URL"/],
      [cli(['restore', ...pg]), /pg_restore --clean --if-exists --no-owner --single-transaction/],
    ];
    for (const [pending, message] of refusals) {
      const r = await pending;
      assert.equal(r.code, 2, r.err);
      assert.match(r.err, message);
    }
    assert.equal(existsSync(nowhere), false, 'a backup never creates a database');
    assert.deepEqual(
      readdirSync(dataDir),
      ['paperboy.db'],
      'a refused restore moves nothing and leaves no copy',
    );

    const existing = path.join(dir, 'existing.db');
    writeFileSync(existing, 'keep me');
    let r = await backup(existing);
    assert.equal(r.code, 2);
    assert.match(r.err, /existing\.db already exists; choose another name or pass --force/);
    assert.equal(readFileSync(existing, 'utf8'), 'keep me');
    r = await backup(existing, '--force');
    assert.equal(r.code, 0, r.err);
    assert.equal(count(existing, 'SELECT count(*) FROM papers'), 2);

    // A restore drops the vector index saved from the old database (VectorIndex.files), keeps the
    // model files, which are named by their content.
    const search = path.join(dataDir, 'search');
    mkdirSync(search);
    const cached = [
      'builtin-ab12.json',
      'builtin-ab12.vectors',
      'builtin-ab12.i8m32.hnsw',
      'model-builtin-ab12.bin',
    ];
    for (const name of cached) writeFileSync(path.join(search, name), 'x');
    r = await restore(existing);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /removed the vector index built from the previous database \(3 files\)/);
    assert.deepEqual(readdirSync(search), ['model-builtin-ab12.bin']);
  });
});
