/** Connecting to PostgreSQL and applying the numbered migrations (see migrate.ts). */
import pg from 'pg';
import { type Migration, runMigrations } from './migrate.ts';

/**
 * Advisory lock key for migrations (any constant bigint: "paperboy" read as 8 ASCII bytes). Several
 * `paperboy serve` processes may start together against one database: the lock makes them apply
 * migrations one at a time, and the later ones find everything already applied.
 */
const MIGRATION_LOCK = '8097877186001923961';

/**
 * Pool limits (config keys databasePoolSize, databaseConnectTimeoutMs, databaseStatementTimeoutMs,
 * src/config/config.ts). Without them a stalled database (a table lock held, a server not
 * answering) held every request, /health included, for as long as the stall lasted (issue 18):
 * the statement timeout bounds a query, the connect timeout bounds both connecting and waiting
 * for a free client of a full pool. 0 means no limit (batch commands: an import's statements may
 * run long on purpose).
 */
export interface PoolSettings {
  size?: number;
  connectTimeoutMs?: number;
  statementTimeoutMs?: number;
}

export function createPool(url: string, settings: PoolSettings = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: settings.size ?? 10,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: settings.connectTimeoutMs ?? 0,
    // Sent as a startup parameter, so it is every session's default (RESET returns to it).
    ...(settings.statementTimeoutMs ? { statement_timeout: settings.statementTimeoutMs } : {}),
    // A peer that vanished (network cut, not a clean stop) is noticed by TCP keep-alive.
    keepAlive: true,
  });
  // An idle client losing its connection (server restart) emits 'error' on the pool; without a
  // listener that would crash the process. The next query simply gets a fresh connection.
  pool.on('error', () => {});
  return pool;
}

/** Runs `fn` inside one transaction on one client; rolls back on any error. */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

/** Applies pending migrations (migrate.ts) under the advisory lock; returns every applied version. */
export async function migratePostgres(pool: pg.Pool, migrations?: Migration[]): Promise<number[]> {
  const client = await pool.connect();
  try {
    // Migrations may build indexes over every paper, and a second instance waits here for the
    // first one's: neither is bound by the serving statement timeout (reset before release).
    await client.query('SET statement_timeout = 0');
    // A session lock (not a transaction lock) because each migration commits on its own.
    await client.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK}::bigint)`);
    try {
      return await runMigrations(
        'postgres',
        async (step) => {
          if (step.kind === 'exec') await client.query(step.sql);
          else if (step.kind === 'versions')
            return (
              await client.query<{ version: number }>(
                'SELECT version FROM schema_migrations ORDER BY version',
              )
            ).rows.map((r) => r.version);
          else
            await client.query(
              'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
              [step.migration.version, step.migration.name, step.appliedAt],
            );
          return undefined;
        },
        migrations,
      );
    } finally {
      await client.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK}::bigint)`).catch(() => {});
      await client.query('RESET statement_timeout').catch(() => {});
    }
  } finally {
    client.release();
  }
}
