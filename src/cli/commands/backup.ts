/**
 * `paperboy backup <file>`: a consistent, verified copy of the embedded database while the service
 * runs (src/db/backup.ts). The database is the whole of a site's state: accounts, settings saved
 * on /admin/settings, the mail-link secret (unless tokenSecret is configured), the search model
 * and vectors, the keyword top lists. The rest of the data folder is not needed by a restore:
 * `search/` holds caches rebuilt from the database (the model file, the vector index; `paperboy
 * reindex` rebuilds the HNSW graph), `mail/` holds mails already "sent" to files. What lives
 * outside the data folder — the config file or environment (smtpUrl, tokenSecret, dkimPrivateKey)
 * and a transformers embedder's model folder — is backed up with the machine's configuration.
 *
 * In PostgreSQL mode the database server owns the data: the command prints pg_dump/pg_restore.
 */
import { sqliteFile } from '../../app/open.ts';
import type { Config } from '../../config/config.ts';
import { BackupCheckError, backupSqlite, DatabaseInUseError } from '../../db/backup.ts';
import { InvalidInputError } from '../../errors.ts';
import { createProgress } from '../progress.ts';
import { EXIT, UsageError } from '../usage.ts';

/** The PostgreSQL answer of both commands; the same commands as the README's "Backups". */
export function postgresAdvice(command: 'backup' | 'restore', file = 'paperboy.dump'): string {
  return `paperboy ${command}: this site's data is in PostgreSQL (databaseUrl); use PostgreSQL's own tools.
back up (a consistent snapshot while every instance keeps running):
  pg_dump --format=custom --file=${file} "$DATABASE_URL"
restore (stop every paperboy instance first; replaces what the dump holds, all or nothing):
  pg_restore --clean --if-exists --no-owner --single-transaction --dbname="$DATABASE_URL" ${file}
`;
}

/**
 * Runs a backup or restore, answering its expected refusals with one line and an exit code:
 * bad input (missing folder, existing file, not a paperboy database) 2; a database in use, or a
 * copy that failed its check, 1.
 */
export async function refusalsAsExitCodes(command: string, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (err) {
    if (
      err instanceof InvalidInputError ||
      err instanceof DatabaseInUseError ||
      err instanceof BackupCheckError
    ) {
      process.stderr.write(`paperboy ${command}: ${err.message}\n`);
      return err instanceof InvalidInputError ? EXIT.usage : EXIT.failure;
    }
    throw err;
  }
}

export async function backupCommand(
  config: Config,
  args: string[],
  flags: { json: boolean; force: boolean },
): Promise<number> {
  const target = args[0];
  if (!target || args.length > 1) throw new UsageError('backup needs exactly one <file> to write');
  if (config.databaseUrl) {
    process.stderr.write(postgresAdvice('backup', target));
    return EXIT.usage;
  }
  const source = sqliteFile(config.data);
  const progress = createProgress('backup');
  const started = Date.now();
  const result = await backupSqlite(source, target, {
    force: flags.force,
    onProgress: (done, total) => progress.update(done, total, `${done}/${total} pages`),
    onStage: () => {
      progress.stop();
      process.stderr.write('backup: verifying the copy (integrity check, row counts)\n');
    },
  });
  const seconds = (Date.now() - started) / 1000;
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ source, file: target, ...result, seconds })}\n`);
    return EXIT.ok;
  }
  const rows = result.rows;
  process.stdout.write(
    `backup: ${source} → ${target}: ${(result.bytes / 1e6).toFixed(1)} MB in ${seconds.toFixed(1)} s; ` +
      `integrity check ok; ${rows.papers ?? 0} papers, ${rows.users ?? 0} accounts, ${rows.votes ?? 0} votes, ` +
      `${rows.subscribers ?? 0} subscribers (row counts of all ${Object.keys(rows).length} tables match the snapshot)\n`,
  );
  return EXIT.ok;
}
