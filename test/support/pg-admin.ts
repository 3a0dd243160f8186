/** One statement on a connection of its own (creating and dropping a test's schema). */
import pg from 'pg';

export async function pgAdmin(url: string | undefined, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
