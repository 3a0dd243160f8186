/** Connecting to PostgreSQL and applying the numbered migrations (see migrate.ts). */
import pg from 'pg';
import { loadMigrations } from './migrate.ts';

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

export async function migratePostgres(pool: pg.Pool): Promise<number[]> {
  const client = await pool.connect();
  try {
    // A session lock (not a transaction lock) because each migration commits on its own.
    await client.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK}::bigint)`);
    try {
      await client.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
        version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
      const done = await client.query<{ version: number }>('SELECT version FROM schema_migrations');
      const applied = new Set(done.rows.map((r) => r.version));
      for (const m of loadMigrations('postgres')) {
        if (applied.has(m.version)) continue;
        try {
          await client.query('BEGIN');
          await client.query(m.sql);
          await client.query(
            'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
            [m.version, m.name, new Date().toISOString()],
          );
          await client.query('COMMIT');
        } catch (err) {
          await client.query('ROLLBACK').catch(() => {});
          throw new Error(`migration ${m.version}_${m.name} failed: ${(err as Error).message}`);
        }
      }
      const all = await client.query<{ version: number }>(
        'SELECT version FROM schema_migrations ORDER BY version',
      );
      return all.rows.map((r) => r.version);
    } finally {
      await client.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK}::bigint)`).catch(() => {});
    }
  } finally {
    client.release();
  }
}
