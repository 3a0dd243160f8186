/** UserRepository on PostgreSQL; same semantics as users.sqlite.repo.ts. */
import type pg from 'pg';
import { inTransaction } from '../db/postgres.ts';
import type {
  ApiTokenInfo,
  OneTimePurpose,
  Role,
  SessionRecord,
  User,
  UserRepository,
  UserWithPassword,
} from './types.ts';
import { likePattern, toUser, type UserRow } from './users.sqlite.repo.ts';

const USER_COLUMNS = 'u.id, u.email, u.name, u.role, u.email_verified_at, u.banned_at, u.created_at';

export class PgUserRepository implements UserRepository {
  readonly #pool: pg.Pool;
  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async #one<T>(sql: string, params: unknown[]): Promise<T | undefined> {
    return (await this.#pool.query(sql, params)).rows[0] as T | undefined;
  }

  async create(u: { email: string; name: string; passwordHash: string; role?: Role; now: string }) {
    const row = await this.#one<{ id: string }>(
      `INSERT INTO users (email, name, password_hash, role, created_at) VALUES ($1, $2, $3, $4, $5)
      ON CONFLICT DO NOTHING RETURNING id`,
      [u.email, u.name, u.passwordHash, u.role ?? 'user', u.now],
    );
    return row ? this.byId(Number(row.id)) : null;
  }

  async byEmail(email: string): Promise<UserWithPassword | null> {
    const r = await this.#one<UserRow>(
      `SELECT ${USER_COLUMNS}, u.password_hash FROM users u WHERE u.email = $1`,
      [email],
    );
    return r ? { ...toUser(r), passwordHash: r.password_hash! } : null;
  }

  async byName(name: string): Promise<User | null> {
    const r = await this.#one<UserRow>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.name = $1`, [name]);
    return r ? toUser(r) : null;
  }

  async byId(id: number): Promise<User | null> {
    const r = await this.#one<UserRow>(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = $1`, [id]);
    return r ? toUser(r) : null;
  }

  async setPassword(userId: number, passwordHash: string): Promise<void> {
    await this.#pool.query('UPDATE users SET password_hash = $1 WHERE id = $2', [passwordHash, userId]);
  }

  async markVerified(userId: number, now: string): Promise<void> {
    await this.#pool.query(
      'UPDATE users SET email_verified_at = coalesce(email_verified_at, $1) WHERE id = $2',
      [now, userId],
    );
  }

  async setRole(userId: number, role: Role): Promise<void> {
    await this.#pool.query('UPDATE users SET role = $1 WHERE id = $2', [role, userId]);
  }

  async setBanned(userId: number, bannedAt: string | null): Promise<void> {
    await inTransaction(this.#pool, async (c) => {
      await c.query('UPDATE users SET banned_at = $1 WHERE id = $2', [bannedAt, userId]);
      if (bannedAt) await c.query('DELETE FROM sessions WHERE user_id = $1', [userId]);
    });
  }

  async list(limit: number, offset: number, search?: string): Promise<User[]> {
    const res = search
      ? await this.#pool.query<UserRow>(
          `SELECT ${USER_COLUMNS} FROM users u
          WHERE lower(u.name) LIKE $3 ESCAPE '\\' OR u.email LIKE $3 ESCAPE '\\'
          ORDER BY u.id DESC LIMIT $1 OFFSET $2`,
          [limit, offset, likePattern(search)],
        )
      : await this.#pool.query<UserRow>(
          `SELECT ${USER_COLUMNS} FROM users u ORDER BY u.id DESC LIMIT $1 OFFSET $2`,
          [limit, offset],
        );
    return res.rows.map(toUser);
  }

  async createSession(s: {
    tokenHash: string;
    userId: number;
    csrfToken: string;
    now: string;
    expiresAt: string;
  }) {
    await this.#pool.query(
      'INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
      [s.tokenHash, s.userId, s.csrfToken, s.now, s.expiresAt],
    );
  }

  async session(tokenHash: string, now: string): Promise<SessionRecord | null> {
    const r = await this.#one<UserRow & { csrf_token: string; expires_at: string }>(
      `SELECT ${USER_COLUMNS}, s.csrf_token, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.banned_at IS NULL`,
      [tokenHash, now],
    );
    return r ? { user: toUser(r), csrfToken: r.csrf_token, expiresAt: r.expires_at } : null;
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.#pool.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash]);
  }

  async deleteSessions(userId: number, exceptTokenHash?: string): Promise<void> {
    if (exceptTokenHash)
      await this.#pool.query('DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2', [
        userId,
        exceptTokenHash,
      ]);
    else await this.#pool.query('DELETE FROM sessions WHERE user_id = $1', [userId]);
  }

  async completeReset(tokenHash: string, passwordHash: string, now: string): Promise<number | null> {
    return inTransaction(this.#pool, async (c) => {
      const r = await c.query<{ user_id: string }>(
        `UPDATE user_tokens SET used_at = $1
        WHERE token_hash = $2 AND purpose = 'reset' AND used_at IS NULL AND expires_at > $1 RETURNING user_id`,
        [now, tokenHash],
      );
      if (!r.rows[0]) return null;
      const userId = Number(r.rows[0].user_id);
      await c.query('UPDATE users SET password_hash = $1 WHERE id = $2', [passwordHash, userId]);
      await c.query(
        `UPDATE user_tokens SET used_at = $1 WHERE user_id = $2 AND purpose = 'reset' AND used_at IS NULL`,
        [now, userId],
      );
      await c.query('DELETE FROM sessions WHERE user_id = $1', [userId]);
      await c.query('UPDATE users SET email_verified_at = coalesce(email_verified_at, $1) WHERE id = $2', [
        now,
        userId,
      ]);
      return userId;
    });
  }

  async createOneTime(t: {
    tokenHash: string;
    userId: number;
    purpose: OneTimePurpose;
    now: string;
    expiresAt: string;
  }) {
    await this.#pool.query(
      'INSERT INTO user_tokens (token_hash, user_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
      [t.tokenHash, t.userId, t.purpose, t.now, t.expiresAt],
    );
  }

  async consumeOneTime(tokenHash: string, purpose: OneTimePurpose, now: string): Promise<number | null> {
    const r = await this.#one<{ user_id: string }>(
      `UPDATE user_tokens SET used_at = $1
      WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1 RETURNING user_id`,
      [now, tokenHash, purpose],
    );
    return r ? Number(r.user_id) : null;
  }

  async countOneTime(userId: number, purpose: OneTimePurpose, since: string): Promise<number> {
    const r = await this.#one<{ n: string }>(
      'SELECT count(*) AS n FROM user_tokens WHERE user_id = $1 AND purpose = $2 AND created_at >= $3',
      [userId, purpose, since],
    );
    return Number(r?.n ?? 0);
  }

  async createApiToken(t: { userId: number; name: string; tokenHash: string; now: string }): Promise<number> {
    const r = await this.#one<{ id: string }>(
      'INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id',
      [t.userId, t.name, t.tokenHash, t.now],
    );
    return Number(r!.id);
  }

  async apiTokenUser(tokenHash: string, now: string): Promise<User | null> {
    const r = await this.#one<{ user_id: string }>(
      'UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL RETURNING user_id',
      [now, tokenHash],
    );
    if (!r) return null;
    const user = await this.byId(Number(r.user_id));
    return user && !user.bannedAt ? user : null;
  }

  async apiTokens(userId: number): Promise<ApiTokenInfo[]> {
    const res = await this.#pool.query<{
      id: string;
      name: string;
      created_at: string;
      last_used_at: string | null;
    }>(
      'SELECT id, name, created_at, last_used_at FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL ORDER BY id',
      [userId],
    );
    return res.rows.map((r) => ({
      id: Number(r.id),
      name: r.name,
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
    }));
  }

  async revokeApiToken(userId: number, tokenId: number, now: string): Promise<boolean> {
    const res = await this.#pool.query(
      'UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND id = $3 AND revoked_at IS NULL',
      [now, userId, tokenId],
    );
    return (res.rowCount ?? 0) > 0;
  }
}
