/**
 * Copies of the embedded database: a consistent online backup while the service writes, and the
 * checks and file moves of a restore. Paperboy's whole state is this one file (secrets, settings,
 * search model and vectors, keyword top lists included); what else lives in the data folder is a
 * cache or outgoing mail (src/cli/commands/backup.ts says which).
 *
 * The backup runs SQLite's online backup (node:sqlite `backup`) inside one read transaction held
 * open on its own connection. The plain API restarts from page 1 whenever another connection
 * writes between two steps, so under a steady stream of writes it never finished (measured: a
 * 100 MB file and a one-row-per-commit writer in another process, still restarting after 20 s);
 * with the read transaction every step reads the same WAL snapshot (sqlite3_backup_step uses an
 * open transaction of its source instead of starting its own), nothing restarts, and writers go
 * on into the WAL (0.9 s for the same file).
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  linkSync,
  openSync,
  readSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
} from 'node:fs';
import path from 'node:path';
import { backup, DatabaseSync } from 'node:sqlite';
import { DomainError, InvalidInputError } from '../errors.ts';
import { loadMigrations } from './migrate.ts';

/** Another process has the database open (a server, an import, a reindex). */
export class DatabaseInUseError extends DomainError {
  override name = 'DatabaseInUseError';
}

/** The copy did not match the database (a failing disk, a bug): the file is not kept. */
export class BackupCheckError extends DomainError {
  override name = 'BackupCheckError';
}

/** Pages per backup step: 4 MB at SQLite's default 4 KB pages, so progress moves often. */
const PAGES_PER_STEP = 1024;
/** The companions SQLite keeps beside a database file. */
const COMPANIONS = ['-wal', '-shm', '-journal'];
const HEADER = Buffer.from('SQLite format 3\0', 'latin1');

export interface BackupResult {
  pages: number;
  bytes: number;
  /** Rows per table, the same in the snapshot and in the copy. */
  rows: Record<string, number>;
}

export interface BackupOptions {
  /** Replace an existing file at the target. */
  force?: boolean;
  onProgress?: (copiedPages: number, totalPages: number) => void;
  /** Called before each stage after the copy ('verify'), so a long check does not look hung. */
  onStage?: (stage: 'verify') => void;
}

/** Copies the database `source` to `target` while others write; the copy is verified before it is named `target`. */
export async function backupSqlite(
  source: string,
  target: string,
  options: BackupOptions = {},
): Promise<BackupResult> {
  if (!existsSync(source)) throw new InvalidInputError(`no database at ${source} (is --data right?)`);
  const dir = path.dirname(path.resolve(target));
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new InvalidInputError(`cannot write ${target}: the folder ${dir} does not exist`);
  if (existsSync(target) && realpathSync(target) === realpathSync(source))
    throw new InvalidInputError(`${target} is the database itself; write the backup somewhere else`);
  if (existsSync(target) && !options.force)
    throw new InvalidInputError(
      `${target} already exists; choose another name or pass --force to replace it`,
    );
  // Written under another name first: a crash or a failed check never leaves a half copy at `target`.
  const partial = `${path.resolve(target)}.partial-${process.pid}`;
  try {
    const { pages, rows } = await copySnapshot(source, partial, options.onProgress);
    options.onStage?.('verify');
    verifyCopy(partial, rows);
    syncFile(partial);
    if (options.force) renameSync(partial, target);
    else {
      // link() fails if the name appeared meanwhile, where rename() would silently replace it.
      try {
        linkSync(partial, target);
        unlinkSync(partial);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'EEXIST' || existsSync(target))
          throw new InvalidInputError(`${target} appeared during the backup; pass --force to replace it`);
        // A file system without hard links (some network mounts): checked just above, then renamed.
        if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP') renameSync(partial, target);
        else throw err;
      }
    }
    syncFile(dir);
    return { pages, bytes: statSync(target).size, rows };
  } finally {
    removeWithCompanions(partial);
  }
}

async function copySnapshot(
  source: string,
  partial: string,
  onProgress?: (copied: number, total: number) => void,
): Promise<{ pages: number; rows: Record<string, number> }> {
  const db = openExisting(source);
  try {
    db.exec('BEGIN');
    // The snapshot starts at the first read, not at BEGIN.
    const rows = rowCounts(db);
    const pages = await backup(db, partial, {
      rate: PAGES_PER_STEP,
      progress: ({ totalPages, remainingPages }) => onProgress?.(totalPages - remainingPages, totalPages),
    });
    onProgress?.(pages, pages);
    db.exec('COMMIT');
    return { pages, rows };
  } finally {
    db.close();
  }
}

/** `PRAGMA integrity_check` and the snapshot's row counts, on the copy. */
function verifyCopy(file: string, expected: Record<string, number>): void {
  const copy = new DatabaseSync(file);
  try {
    const problems = integrityProblems(copy);
    if (problems.length)
      throw new BackupCheckError(`the copy failed its integrity check: ${problems.join('; ')}`);
    const got = rowCounts(copy);
    for (const [table, n] of Object.entries(expected)) {
      if (got[table] !== n)
        throw new Error(`the copy has ${got[table] ?? 'no'} rows in ${table}, the database ${n}`);
    }
  } finally {
    copy.close();
  }
}

export interface BackupInfo {
  /** Applied migration versions, oldest first. */
  versions: number[];
  /** Migrations this paperboy knows that the file has not had yet (run at the next start). */
  pending: number[];
  papers: number;
}

/**
 * What a file offered for restore is: a SQLite database that passes its integrity check, with
 * paperboy's schema at a migration version this paperboy knows.
 */
export function inspectBackup(file: string, shownAs = file): BackupInfo {
  assertSqliteFile(file);
  const db = new DatabaseSync(file);
  try {
    const tables = new Set(
      (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").all() as { name: string }[]).map(
        (r) => r.name,
      ),
    );
    if (!tables.has('schema_migrations') || !tables.has('papers'))
      throw new InvalidInputError(
        `${shownAs} is a SQLite database but not paperboy's (no schema_migrations or papers table)`,
      );
    const versions = (
      db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]
    ).map((r) => r.version);
    const known = loadMigrations('sqlite').map((m) => m.version);
    const unknown = versions.filter((v) => !known.includes(v));
    if (unknown.length)
      throw new InvalidInputError(
        `${shownAs} was made by a newer paperboy: migration ${unknown.join(', ')} is unknown here (newest known: ${Math.max(...known)}); upgrade paperboy before restoring it`,
      );
    const problems = integrityProblems(db);
    if (problems.length)
      throw new InvalidInputError(`${shownAs} failed its integrity check: ${problems.join('; ')}`);
    const papers = (db.prepare('SELECT count(*) AS n FROM papers').get() as { n: number }).n;
    return { versions, pending: known.filter((v) => !versions.includes(v)), papers };
  } finally {
    db.close();
  }
}

/**
 * Puts `staged` (a verified copy, in the same folder) in place of `dbFile`, keeping the old one as
 * `<dbFile>.before-restore`. Refused while any process has `dbFile` open: SQLite's own lock says
 * so, on this machine, whatever the process (a pid file could be stale, and an import or
 * reindex counts as much as a server); the OS drops the lock when a process dies, so a crashed
 * server does not block a restore.
 */
export function swapInRestore(
  staged: string,
  dbFile: string,
  options: { force?: boolean } = {},
): { previous: string | null } {
  const previous = `${dbFile}.before-restore`;
  if (!existsSync(dbFile)) {
    renameSync(staged, dbFile);
    syncFile(path.dirname(dbFile));
    return { previous: null };
  }
  assertRestorable(dbFile, options);
  foldWalWhileAlone(dbFile);
  removeWithCompanions(previous);
  renameSync(dbFile, previous);
  for (const c of COMPANIONS) if (existsSync(dbFile + c)) renameSync(dbFile + c, previous + c);
  renameSync(staged, dbFile);
  syncFile(path.dirname(dbFile));
  return { previous };
}

/**
 * The refusals of `swapInRestore`, asked before a large file is copied and checked: an earlier
 * `.before-restore` (unless forced), the database open in another process.
 */
export function assertRestorable(dbFile: string, options: { force?: boolean } = {}): void {
  if (!existsSync(dbFile)) return;
  const previous = `${dbFile}.before-restore`;
  if (existsSync(previous) && !options.force)
    throw new InvalidInputError(
      `${previous} exists from an earlier restore; move it away or pass --force to replace it`,
    );
  exclusively(dbFile, () => {});
}

/**
 * Takes the database's exclusive lock (failing at once if any other connection has it open) and
 * folds its WAL into the file, so the old database is one self-contained file when it is moved.
 */
function foldWalWhileAlone(dbFile: string): void {
  exclusively(dbFile, (db) => db.prepare('PRAGMA wal_checkpoint(TRUNCATE)').get());
}

function exclusively(dbFile: string, work: (db: DatabaseSync) => void): void {
  const db = new DatabaseSync(dbFile, { timeout: 0 });
  try {
    // In WAL mode every open connection holds a shared lock on the file; EXCLUSIVE locking mode
    // asks for the exclusive one at the first read, so this fails while anyone else is connected.
    db.exec('PRAGMA locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    db.exec('COMMIT');
    work(db);
  } catch (err) {
    if ((err as { errcode?: number }).errcode === 5 || /database is locked/.test((err as Error).message))
      throw new DatabaseInUseError(
        `${dbFile} is open in another process (a running paperboy serve, import or reindex); stop it and run restore again`,
      );
    throw err;
  } finally {
    db.close();
  }
}

/** A cheap first check of a file offered for restore, before it is copied anywhere. */
export function assertSqliteFile(file: string): void {
  if (!existsSync(file) || !statSync(file).isFile()) throw new InvalidInputError(`no such file: ${file}`);
  if (!startsWithHeader(file))
    throw new InvalidInputError(
      `${file} is not a SQLite database (it does not start with SQLite's file header)`,
    );
}

function openExisting(file: string): DatabaseSync {
  assertSqliteFile(file);
  return new DatabaseSync(file, { timeout: 10_000 });
}

/** Rows of every ordinary table (virtual tables are counted through their shadow tables). */
function rowCounts(db: DatabaseSync): Record<string, number> {
  const tables = db
    .prepare(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name",
    )
    .all() as { name: string }[];
  const rows: Record<string, number> = {};
  for (const { name } of tables) {
    rows[name] = (
      db.prepare(`SELECT count(*) AS n FROM "${name.replace(/"/g, '""')}"`).get() as { n: number }
    ).n;
  }
  return rows;
}

/** The first lines `PRAGMA integrity_check` reports; empty when it says ok. */
function integrityProblems(db: DatabaseSync): string[] {
  const lines = (db.prepare('PRAGMA integrity_check(10)').all() as { integrity_check: string }[]).map(
    (r) => r.integrity_check,
  );
  return lines.length === 1 && lines[0] === 'ok' ? [] : lines;
}

function startsWithHeader(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(HEADER.length);
    return readSync(fd, head, 0, head.length, 0) === head.length && head.equals(HEADER);
  } finally {
    closeSync(fd);
  }
}

/** fsync a file or folder, so a rename that follows (or preceded) reaches the disk in order. */
function syncFile(file: string): void {
  const fd = openSync(file, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function removeWithCompanions(file: string): void {
  for (const suffix of ['', ...COMPANIONS]) rmSync(file + suffix, { force: true });
}
