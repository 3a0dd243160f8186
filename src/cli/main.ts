/** The `paperboy` command: parses flags, loads config, dispatches, maps errors to exit codes. */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/config.ts';
import { log } from '../shared/log.ts';
import { EXIT, USAGE, UsageError } from './usage.ts';

// Commands are imported when chosen, so a short command (ingest, import, help) does not load the
// web server (fastify and every route) and starts faster; tests spawn the CLI many times.

const options = {
  data: { type: 'string' },
  'database-url': { type: 'string' },
  config: { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  json: { type: 'boolean', default: false },
  limit: { type: 'string' },
  batch: { type: 'string' },
  // ingest
  since: { type: 'string' },
  until: { type: 'string' },
  'dry-run': { type: 'boolean', default: false },
  ids: { type: 'string' },
  categories: { type: 'string' },
  query: { type: 'string' },
  set: { type: 'string' },
  format: { type: 'string' },
  // digest
  to: { type: 'string' },
  period: { type: 'string' },
  out: { type: 'string' },
  // demo
  remove: { type: 'boolean', default: false },
  papers: { type: 'string' },
  // reindex
  retrain: { type: 'boolean', default: false },
  // backup, restore
  force: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

export async function main(argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof options; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  const { values, positionals } = parsed;
  const [command, ...args] = positionals;
  if (!command || command === 'help' || values.help) {
    process.stdout.write(`${USAGE}\n`);
    return command || values.help ? EXIT.ok : EXIT.usage;
  }
  const flags: Record<string, unknown> = {};
  if (values.data !== undefined) flags.data = values.data;
  if (values['database-url'] !== undefined) flags.databaseUrl = values['database-url'];
  if (values.port !== undefined) flags.port = values.port;
  if (values.host !== undefined) flags.host = values.host;
  if (values.batch !== undefined) flags.importBatch = values.batch;
  try {
    const config = loadConfig({ flags, ...(values.config ? { file: values.config } : {}) });
    log.configure({ level: config.logLevel });
    switch (command) {
      case 'serve':
        return await (await import('./commands/serve.ts')).serveCommand(config);
      case 'import':
        return await (await import('./commands/import.ts')).importCommand(config, args, {
          json: values.json,
        });
      case 'reindex':
        return await (await import('./commands/reindex.ts')).reindexCommand(config, args, {
          json: values.json,
          retrain: values.retrain,
        });
      case 'ingest':
        return await (await import('./commands/ingest.ts')).ingestCommand(config, args, {
          json: values.json,
          dryRun: values['dry-run'],
          since: values.since,
          until: values.until,
          ids: values.ids,
          categories: values.categories,
          query: values.query,
          set: values.set,
          format: values.format,
        });
      case 'digest':
        return await (await import('./commands/digest.ts')).digestCommand(config, args, {
          json: values.json,
          dryRun: values['dry-run'],
          to: values.to,
          period: values.period,
          out: values.out,
        });
      case 'demo':
        return await (await import('./commands/demo.ts')).demoCommand(config, args, {
          json: values.json,
          remove: values.remove,
          papers: values.papers,
        });
      case 'setup':
        return await (await import('./commands/setup.ts')).setupCommand(config, args);
      case 'doctor':
        return await (await import('./commands/doctor.ts')).doctorCommand(config, { json: values.json });
      case 'users':
        return await (await import('./commands/users.ts')).usersCommand(config, args, { json: values.json });
      case 'search':
        return await (await import('./commands/search.ts')).searchCommand(config, args, {
          json: values.json,
          ...(values.limit ? { limit: values.limit } : {}),
        });
      case 'backup':
      case 'restore': {
        const ops = await import('./commands/backup.ts');
        const flags = { json: values.json, force: values.force };
        return await ops.refusalsAsExitCodes(command, async () =>
          command === 'backup'
            ? ops.backupCommand(config, args, flags)
            : (await import('./commands/restore.ts')).restoreCommand(config, args, flags),
        );
      }
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`paperboy: ${err.message}\n\n${USAGE}\n`);
      return EXIT.usage;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`paperboy: ${err.message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`paperboy: ${(err as Error).stack ?? String(err)}\n`);
    return EXIT.failure;
  }
}

/** Entry for bin/paperboy.js and `node src/cli/main.ts`: sets the exit code, never exits early. */
export async function run(): Promise<void> {
  process.exitCode = await main(process.argv.slice(2));
}

if (import.meta.main) await run();
