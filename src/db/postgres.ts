/** Connecting to PostgreSQL and applying the numbered migrations (see migrate.ts). */
import pg from 'pg';
import { type Migration, runMigrations } from './migrate.ts';

/**
 * Advisory lock key for migrations (any constant bigint: "paperboy" read as 8 ASCII bytes). Several
 * `paperboy serve` processes may start together against one database: the lock makes them apply
 * migrations one at a time, and the later ones find everything already applied.
 */
const MIGRATION_LOCK = '8097877186001923961';

export function createPool(url: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max: 10, idleTimeoutMillis: 30_000 });
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
    }
  } finally {
    client.release();
  }
}
