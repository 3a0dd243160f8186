/**
 * `paperboy restore <file>`: puts a backup (`paperboy backup`) in place of the data folder's
 * database, keeping the old one as `paperboy.db.before-restore`. The file is copied into the data
 * folder and checked there (SQLite, paperboy's schema, a migration version this paperboy knows,
 * integrity) before anything is moved; the swap is refused while any process has the database
 * open (src/db/backup.ts `swapInRestore`).
 *
 * The saved vector index under <data>/search/ is removed: it was built from the old database and
 * remembers it by `seq` and paper id (src/search/vectors/index.ts), so kept, it would skip the
 * restored vectors and answer with other papers' ids. The next start rebuilds it from the restored
 * database; `paperboy reindex` rebuilds its HNSW graph (used from 200,000 vectors).
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { sqliteFile } from '../../app/open.ts';
import type { Config } from '../../config/config.ts';
import { assertRestorable, assertSqliteFile, inspectBackup, swapInRestore } from '../../db/backup.ts';
import { InvalidInputError } from '../../errors.ts';
import { searchDir } from '../../search/embedder/load.ts';
import { EXIT, UsageError } from '../usage.ts';
import { postgresAdvice } from './backup.ts';

export async function restoreCommand(
  config: Config,
  args: string[],
  flags: { json: boolean; force: boolean },
): Promise<number> {
  const file = args[0];
  if (!file || args.length > 1)
    throw new UsageError('restore needs exactly one <file> made by paperboy backup');
  if (config.databaseUrl) {
    process.stderr.write(postgresAdvice('restore', file));
    return EXIT.usage;
  }
  assertSqliteFile(file);
  // A WAL with frames holds commits the file alone lacks (an empty one is what a reader leaves).
  if (existsSync(`${file}-wal`) && statSync(`${file}-wal`).size > 0)
    throw new InvalidInputError(
      `${file} has a ${path.basename(file)}-wal beside it: it is a live database (or one not closed cleanly), not a backup; copy it with paperboy backup first`,
    );
  const dbFile = sqliteFile(config.data);
  mkdirSync(path.dirname(dbFile), { recursive: true });
  assertRestorable(dbFile, { force: flags.force });
  // Checked in the data folder, as the copy that will be used, so the rename at the end is atomic.
  const staged = `${dbFile}.restoring-${process.pid}`;
  let swapped = false;
  try {
    copyFileSync(file, staged);
    process.stderr.write(`restore: checking ${file} (schema, migrations, integrity)\n`);
    const info = inspectBackup(staged, file);
    const { previous } = swapInRestore(staged, dbFile, { force: flags.force });
    swapped = true;
    const removed = removeVectorIndexCache(searchDir(config.data));
    const summary = {
      file,
      database: dbFile,
      previous,
      papers: info.papers,
      migration: Math.max(0, ...info.versions),
      pendingMigrations: info.pending,
      removedCache: removed,
    };
    if (flags.json) {
      process.stdout.write(`${JSON.stringify(summary)}\n`);
      return EXIT.ok;
    }
    process.stdout.write(
      `restore: ${file} → ${dbFile}: ${info.papers} papers, migration ${summary.migration}` +
        `${info.pending.length ? ` (${info.pending.join(', ')} will be applied at the next start)` : ''}\n` +
        `${previous ? `restore: the previous database is kept as ${previous}\n` : ''}` +
        `${removed.length ? `restore: removed the vector index built from the previous database (${removed.length} files); the next start rebuilds it, paperboy reindex its HNSW graph\n` : ''}`,
    );
    return EXIT.ok;
  } finally {
    if (!swapped) for (const s of ['', '-wal', '-shm', '-journal']) rmSync(staged + s, { force: true });
  }
}

/** The saved vector indexes (`<model>.json`, `.vectors`, `.*.hnsw`, VectorIndex.files); the model files stay. */
function removeVectorIndexCache(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const names = readdirSync(dir);
  const models = names.filter((n) => n.endsWith('.vectors')).map((n) => n.slice(0, -'.vectors'.length));
  const doomed = names.filter((n) =>
    models.some(
      (m) => n === `${m}.json` || n === `${m}.vectors` || (n.startsWith(`${m}.`) && n.endsWith('.hnsw')),
    ),
  );
  for (const n of doomed) rmSync(path.join(dir, n), { force: true });
  return doomed;
}
