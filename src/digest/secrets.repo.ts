/**
 * Small keyed tables of the subscription forms: the token secret (first writer wins) and rate
 * counters. One class per dialect (secrets.sqlite.repo.ts, secrets.pg.repo.ts), shared statements.
 */

export interface DigestSecrets {
  /** The stored secret `name`, storing `candidate` first when there is none (first writer wins). */
  secret(name: string, candidate: string): Promise<string>;
  /** Fixed-window counter: the count within the current window after this hit. */
  rateHit(key: string, windowMs: number, now: number): Promise<number>;
}

/** The statements of both dialects, `$n` placeholders (SQLite prepares them through sqliteText). */
export const SECRET_SQL = {
  offer:
    'INSERT INTO digest_secrets (name, value, created_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO NOTHING',
  get: 'SELECT value FROM digest_secrets WHERE name = $1',
  // $3: the start of the current window (now - windowMs).
  rateHit: `INSERT INTO digest_rate (key, window_start, count) VALUES ($1, $2, 1)
    ON CONFLICT (key) DO UPDATE SET
      count = CASE WHEN digest_rate.window_start <= $3 THEN 1 ELSE digest_rate.count + 1 END,
      window_start = CASE WHEN digest_rate.window_start <= $3 THEN excluded.window_start ELSE digest_rate.window_start END
    RETURNING count`,
};

/** The stored value `get` read after `offer`: there is always one, ours or the first writer's. */
export function storedSecret(name: string, row: { value: string } | undefined): string {
  if (!row) throw new Error(`digest secret ${name} missing right after it was stored`);
  return row.value;
}
