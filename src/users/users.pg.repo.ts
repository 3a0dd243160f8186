/** UserRepository on PostgreSQL; same semantics as users.sqlite.repo.ts. */
import type pg from 'pg';
import { inTransaction } from '../db/postgres.ts';
import { type NamedStatement, named } from '../db/statements.ts';
import type {
  ApiTokenInfo,
  OneTimePurpose,
  Role,
  SessionRecord,
  User,
  UserRepository,
  UserWithPassword,
} from './types.ts';
import { EMAIL_CHANGE_SQL, likePattern, toUser, USER_COLUMNS, type UserRow } from './users.sqlite.repo.ts';

/** PostgreSQL's unique_violation: another account took the address first. */
const UNIQUE_VIOLATION = '23505';

const S = named('users', {
  create: `INSERT INTO users (email, name, display_name, password_hash, role, created_at)
      VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING id`,
  byEmail: `SELECT ${USER_COLUMNS}, u.password_hash FROM users u WHERE u.email = $1`,
  byName: `SELECT ${USER_COLUMNS} FROM users u WHERE u.name = $1`,
  byId: `SELECT ${USER_COLUMNS} FROM users u WHERE u.id = $1`,
  setPassword: 'UPDATE users SET password_hash = $1 WHERE id = $2',
  markVerified: 'UPDATE users SET email_verified_at = coalesce(email_verified_at, $1) WHERE id = $2',
  setRole: 'UPDATE users SET role = $1 WHERE id = $2',
  setBanned: 'UPDATE users SET banned_at = $1 WHERE id = $2',
  list: `SELECT ${USER_COLUMNS} FROM users u ORDER BY u.id DESC LIMIT $1 OFFSET $2`,
  listMatching: `SELECT ${USER_COLUMNS} FROM users u
      WHERE lower(u.name) LIKE $3 ESCAPE '\\' OR u.email LIKE $3 ESCAPE '\\'
      ORDER BY u.id DESC LIMIT $1 OFFSET $2`,
  createSession:
    'INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
  session: `SELECT ${USER_COLUMNS}, s.csrf_token, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.banned_at IS NULL`,
  deleteSession: 'DELETE FROM sessions WHERE token_hash = $1',
  deleteSessions: 'DELETE FROM sessions WHERE user_id = $1',
  // A password reset also ends the personal feed URLs (issue 14 item 5, src/users/personal-feeds.ts).
  deleteFeedKey: 'DELETE FROM feed_keys WHERE user_id = $1',
  deleteOtherSessions: 'DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2',
  useReset: `UPDATE user_tokens SET used_at = $1
        WHERE token_hash = $2 AND purpose = 'reset' AND used_at IS NULL AND expires_at > $1 RETURNING user_id`,
  useOtherResets: `UPDATE user_tokens SET used_at = $1 WHERE user_id = $2 AND purpose = 'reset' AND used_at IS NULL`,
  createOneTime:
    'INSERT INTO user_tokens (token_hash, user_id, purpose, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)',
  consumeOneTime: `UPDATE user_tokens SET used_at = $1
      WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1 RETURNING user_id`,
  countOneTime:
    'SELECT count(*) AS n FROM user_tokens WHERE user_id = $1 AND purpose = $2 AND created_at >= $3',
  createApiToken:
    'INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id',
  apiTokenUser:
    'UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL RETURNING user_id',
  apiTokens:
    'SELECT id, name, created_at, last_used_at FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL ORDER BY id',
  createEmailChange: EMAIL_CHANGE_SQL.create,
  countEmailChanges: EMAIL_CHANGE_SQL.count,
  pendingEmailChange: `${EMAIL_CHANGE_SQL.pending} FOR UPDATE`,
  emailOwner: EMAIL_CHANGE_SQL.emailOwner,
  spendEmailChanges: EMAIL_CHANGE_SQL.spendAll,
  setEmail: EMAIL_CHANGE_SQL.setEmail,
  setDisplayName: EMAIL_CHANGE_SQL.setDisplayName,
  revokeApiToken:
    'UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND id = $3 AND revoked_at IS NULL',
});

export class PgUserRepository implements UserRepository {
  readonly #pool: pg.Pool;
  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async #one<T>(statement: NamedStatement, values: unknown[]): Promise<T | undefined> {
    return (await this.#pool.query({ ...statement, values })).rows[0] as T | undefined;
  }

  async create(u: {
    email: string;
    name: string;
    displayName?: string;
    passwordHash: string;
    role?: Role;
    now: string;
  }) {
    const row = await this.#one<{ id: string }>(S.create, [
      u.email,
      u.name,
      u.displayName && u.displayName !== u.name ? u.displayName : null,
      u.passwordHash,
      u.role ?? 'user',
      u.now,
    ]);
    return row ? this.byId(Number(row.id)) : null;
  }

  async byEmail(email: string): Promise<UserWithPassword | null> {
    const r = await this.#one<UserRow>(S.byEmail, [email]);
    return r ? { ...toUser(r), passwordHash: r.password_hash! } : null;
  }

  async byName(name: string): Promise<User | null> {
    const r = await this.#one<UserRow>(S.byName, [name]);
    return r ? toUser(r) : null;
  }

  async byId(id: number): Promise<User | null> {
    const r = await this.#one<UserRow>(S.byId, [id]);
    return r ? toUser(r) : null;
  }

  async setPassword(userId: number, passwordHash: string): Promise<void> {
    await this.#pool.query({ ...S.setPassword, values: [passwordHash, userId] });
  }

  async markVerified(userId: number, now: string): Promise<void> {
    await this.#pool.query({ ...S.markVerified, values: [now, userId] });
  }

  async setRole(userId: number, role: Role): Promise<void> {
    await this.#pool.query({ ...S.setRole, values: [role, userId] });
  }

  async setBanned(userId: number, bannedAt: string | null): Promise<void> {
    await inTransaction(this.#pool, async (c) => {
      await c.query({ ...S.setBanned, values: [bannedAt, userId] });
      if (bannedAt) await c.query({ ...S.deleteSessions, values: [userId] });
    });
  }

  async list(limit: number, offset: number, search?: string): Promise<User[]> {
    const res = search
      ? await this.#pool.query<UserRow>({ ...S.listMatching, values: [limit, offset, likePattern(search)] })
      : await this.#pool.query<UserRow>({ ...S.list, values: [limit, offset] });
    return res.rows.map(toUser);
  }

  async createSession(s: {
    tokenHash: string;
    userId: number;
    csrfToken: string;
    now: string;
    expiresAt: string;
  }) {
    await this.#pool.query({
      ...S.createSession,
      values: [s.tokenHash, s.userId, s.csrfToken, s.now, s.expiresAt],
    });
  }

  async session(tokenHash: string, now: string): Promise<SessionRecord | null> {
    const r = await this.#one<UserRow & { csrf_token: string; expires_at: string }>(S.session, [
      tokenHash,
      now,
    ]);
    return r ? { user: toUser(r), csrfToken: r.csrf_token, expiresAt: r.expires_at } : null;
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.#pool.query({ ...S.deleteSession, values: [tokenHash] });
  }

  async deleteSessions(userId: number, exceptTokenHash?: string): Promise<void> {
    if (exceptTokenHash)
      await this.#pool.query({ ...S.deleteOtherSessions, values: [userId, exceptTokenHash] });
    else await this.#pool.query({ ...S.deleteSessions, values: [userId] });
  }

  async setDisplayName(userId: number, displayName: string): Promise<void> {
    await this.#pool.query({ ...S.setDisplayName, values: [displayName, userId] });
  }

  async changePassword(userId: number, passwordHash: string, keepTokenHash: string, now: string) {
    await inTransaction(this.#pool, async (c) => {
      await c.query({ ...S.setPassword, values: [passwordHash, userId] });
      await c.query({ ...S.useOtherResets, values: [now, userId] });
      await c.query({ ...S.deleteOtherSessions, values: [userId, keepTokenHash] });
    });
  }

  async createEmailChange(c: {
    tokenHash: string;
    userId: number;
    newEmail: string;
    now: string;
    expiresAt: string;
  }): Promise<void> {
    await this.#pool.query({
      ...S.createEmailChange,
      values: [c.tokenHash, c.userId, c.newEmail, c.now, c.expiresAt],
    });
  }

  async countEmailChanges(userId: number, since: string): Promise<number> {
    return Number((await this.#one<{ n: string }>(S.countEmailChanges, [userId, since]))!.n);
  }

  async completeEmailChange(tokenHash: string, now: string) {
    try {
      return await inTransaction(this.#pool, async (c) => {
        const r = (
          await c.query<{ user_id: string; new_email: string }>({
            ...S.pendingEmailChange,
            values: [tokenHash, now],
          })
        ).rows[0];
        if (!r) return null;
        const userId = Number(r.user_id);
        const owner = (await c.query<{ id: string }>({ ...S.emailOwner, values: [r.new_email] })).rows[0];
        if (owner && Number(owner.id) !== userId) return 'taken' as const;
        await c.query({ ...S.spendEmailChanges, values: [now, userId] });
        // A sign-up racing for the address fails this update (unique_violation): rolled back below.
        await c.query({ ...S.setEmail, values: [r.new_email, now, userId] });
        return { userId, email: r.new_email };
      });
    } catch (err) {
      if ((err as { code?: string }).code === UNIQUE_VIOLATION) return 'taken' as const;
      throw err;
    }
  }

  async completeReset(tokenHash: string, passwordHash: string, now: string): Promise<number | null> {
    return inTransaction(this.#pool, async (c) => {
      const r = await c.query<{ user_id: string }>({ ...S.useReset, values: [now, tokenHash] });
      if (!r.rows[0]) return null;
      const userId = Number(r.rows[0].user_id);
      await c.query({ ...S.setPassword, values: [passwordHash, userId] });
      await c.query({ ...S.useOtherResets, values: [now, userId] });
      await c.query({ ...S.deleteSessions, values: [userId] });
      await c.query({ ...S.deleteFeedKey, values: [userId] });
      await c.query({ ...S.markVerified, values: [now, userId] });
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
    await this.#pool.query({
      ...S.createOneTime,
      values: [t.tokenHash, t.userId, t.purpose, t.now, t.expiresAt],
    });
  }

  async consumeOneTime(tokenHash: string, purpose: OneTimePurpose, now: string): Promise<number | null> {
    const r = await this.#one<{ user_id: string }>(S.consumeOneTime, [now, tokenHash, purpose]);
    return r ? Number(r.user_id) : null;
  }

  async countOneTime(userId: number, purpose: OneTimePurpose, since: string): Promise<number> {
    const r = await this.#one<{ n: string }>(S.countOneTime, [userId, purpose, since]);
    return Number(r?.n ?? 0);
  }

  async createApiToken(t: { userId: number; name: string; tokenHash: string; now: string }): Promise<number> {
    const r = await this.#one<{ id: string }>(S.createApiToken, [t.userId, t.name, t.tokenHash, t.now]);
    return Number(r!.id);
  }

  async apiTokenUser(tokenHash: string, now: string): Promise<User | null> {
    const r = await this.#one<{ user_id: string }>(S.apiTokenUser, [now, tokenHash]);
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
    }>({ ...S.apiTokens, values: [userId] });
    return res.rows.map((r) => ({
      id: Number(r.id),
      name: r.name,
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
    }));
  }

  async revokeApiToken(userId: number, tokenId: number, now: string): Promise<boolean> {
    const res = await this.#pool.query({ ...S.revokeApiToken, values: [now, userId, tokenId] });
    return (res.rowCount ?? 0) > 0;
  }
}
