/** UserRepository on SQLite: accounts, sessions, one-time links and API tokens. */

import type { DatabaseSync } from 'node:sqlite';
import { sqliteText, sqliteTransaction } from '../db/statements.ts';
import type {
  ApiTokenInfo,
  OneTimePurpose,
  Role,
  SessionRecord,
  User,
  UserRepository,
  UserWithPassword,
} from './types.ts';

/** Shared with users.pg.repo.ts; the display name falls back to the handle (migration 014). */
export const USER_COLUMNS =
  'u.id, u.email, u.name, coalesce(u.display_name, u.name) AS display_name, u.role, u.email_verified_at, u.banned_at, u.created_at';

/** Email-change statements identical in both dialects (users.pg.repo.ts uses them too). */
export const EMAIL_CHANGE_SQL = {
  create: `INSERT INTO email_changes (token_hash, user_id, new_email, created_at, expires_at)
    VALUES ($1, $2, $3, $4, $5)`,
  count: 'SELECT count(*) AS n FROM email_changes WHERE user_id = $1 AND created_at >= $2',
  pending: `SELECT user_id, new_email FROM email_changes
    WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2`,
  emailOwner: 'SELECT id FROM users WHERE email = $1',
  spendAll: 'UPDATE email_changes SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL',
  setEmail: 'UPDATE users SET email = $1, email_verified_at = coalesce(email_verified_at, $2) WHERE id = $3',
  setDisplayName: 'UPDATE users SET display_name = $1 WHERE id = $2',
};

export interface UserRow {
  id: number | string;
  email: string;
  name: string;
  display_name: string | null;
  role: Role;
  email_verified_at: string | null;
  banned_at: string | null;
  created_at: string;
  password_hash?: string;
}

export function toUser(r: UserRow): User {
  return {
    id: Number(r.id),
    email: r.email,
    name: r.name,
    displayName: r.display_name ?? r.name,
    role: r.role,
    emailVerifiedAt: r.email_verified_at,
    bannedAt: r.banned_at,
    createdAt: r.created_at,
  };
}

/** `%text%` for a case-insensitive substring match, with LIKE's own wildcards escaped. */
export function likePattern(search: string): string {
  return `%${search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The prepared statements, one typed member each: a misspelt name fails to compile. */
function statements(db: DatabaseSync) {
  const p = (sql: string) => db.prepare(sql);
  return {
    create: p(`INSERT INTO users (email, name, display_name, password_hash, role, created_at)
      VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`),
    byEmail: p(`SELECT ${USER_COLUMNS}, u.password_hash FROM users u WHERE u.email = ?`),
    byName: p(`SELECT ${USER_COLUMNS} FROM users u WHERE u.name = ?`),
    byId: p(`SELECT ${USER_COLUMNS} FROM users u WHERE u.id = ?`),
    setPassword: p('UPDATE users SET password_hash = ? WHERE id = ?'),
    markVerified: p('UPDATE users SET email_verified_at = coalesce(email_verified_at, ?) WHERE id = ?'),
    setRole: p('UPDATE users SET role = ? WHERE id = ?'),
    setBanned: p('UPDATE users SET banned_at = ? WHERE id = ?'),
    list: p(`SELECT ${USER_COLUMNS} FROM users u ORDER BY u.id DESC LIMIT ? OFFSET ?`),
    search: p(`SELECT ${USER_COLUMNS} FROM users u
      WHERE lower(u.name) LIKE ?1 ESCAPE '\\' OR u.email LIKE ?1 ESCAPE '\\'
      ORDER BY u.id DESC LIMIT ?2 OFFSET ?3`),
    createSession: p(`INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at)
      VALUES (?, ?, ?, ?, ?)`),
    session:
      p(`SELECT ${USER_COLUMNS}, s.csrf_token, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.token_hash = ? AND s.expires_at > ? AND u.banned_at IS NULL`),
    deleteSession: p('DELETE FROM sessions WHERE token_hash = ?'),
    // A password reset also ends the personal feed URLs (issue 14 item 5, src/users/personal-feeds.ts).
    deleteFeedKey: p('DELETE FROM feed_keys WHERE user_id = ?'),
    deleteSessions: p('DELETE FROM sessions WHERE user_id = ?'),
    deleteOtherSessions: p('DELETE FROM sessions WHERE user_id = ? AND token_hash <> ?'),
    expireResets: p(`UPDATE user_tokens SET used_at = ? WHERE user_id = ? AND purpose = 'reset'
      AND used_at IS NULL`),
    createOneTime: p(`INSERT INTO user_tokens (token_hash, user_id, purpose, created_at, expires_at)
      VALUES (?, ?, ?, ?, ?)`),
    consumeOneTime: p(`UPDATE user_tokens SET used_at = ?1
      WHERE token_hash = ?2 AND purpose = ?3 AND used_at IS NULL AND expires_at > ?1 RETURNING user_id`),
    countOneTime: p(
      'SELECT count(*) AS n FROM user_tokens WHERE user_id = ? AND purpose = ? AND created_at >= ?',
    ),
    createApiToken: p(`INSERT INTO api_tokens (user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?)
      RETURNING id`),
    apiTokenUser: p(`UPDATE api_tokens SET last_used_at = ?1 WHERE token_hash = ?2 AND revoked_at IS NULL
      RETURNING user_id`),
    apiTokens:
      p(`SELECT id, name, created_at, last_used_at FROM api_tokens WHERE user_id = ? AND revoked_at IS NULL
      ORDER BY id`),
    createEmailChange: p(sqliteText(EMAIL_CHANGE_SQL.create)),
    countEmailChanges: p(sqliteText(EMAIL_CHANGE_SQL.count)),
    pendingEmailChange: p(sqliteText(EMAIL_CHANGE_SQL.pending)),
    emailOwner: p(sqliteText(EMAIL_CHANGE_SQL.emailOwner)),
    spendEmailChanges: p(sqliteText(EMAIL_CHANGE_SQL.spendAll)),
    setEmail: p(sqliteText(EMAIL_CHANGE_SQL.setEmail)),
    setDisplayName: p(sqliteText(EMAIL_CHANGE_SQL.setDisplayName)),
    revokeApiToken: p(
      'UPDATE api_tokens SET revoked_at = ? WHERE user_id = ? AND id = ? AND revoked_at IS NULL',
    ),
  };
}

export class SqliteUserRepository implements UserRepository {
  readonly #db: DatabaseSync;
  readonly #s: ReturnType<typeof statements>;

  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#s = statements(db);
  }

  async create(u: {
    email: string;
    name: string;
    displayName?: string;
    passwordHash: string;
    role?: Role;
    now: string;
  }) {
    const display = u.displayName && u.displayName !== u.name ? u.displayName : null;
    const row = this.#s.create.get(u.email, u.name, display, u.passwordHash, u.role ?? 'user', u.now) as
      | { id: number }
      | undefined;
    return row ? this.byId(row.id) : null;
  }

  async byEmail(email: string): Promise<UserWithPassword | null> {
    const r = this.#s.byEmail.get(email) as unknown as UserRow | undefined;
    return r ? { ...toUser(r), passwordHash: r.password_hash! } : null;
  }

  async byName(name: string): Promise<User | null> {
    const r = this.#s.byName.get(name) as unknown as UserRow | undefined;
    return r ? toUser(r) : null;
  }

  async byId(id: number): Promise<User | null> {
    const r = this.#s.byId.get(id) as unknown as UserRow | undefined;
    return r ? toUser(r) : null;
  }

  async setPassword(userId: number, passwordHash: string): Promise<void> {
    this.#s.setPassword.run(passwordHash, userId);
  }

  async setDisplayName(userId: number, displayName: string): Promise<void> {
    this.#s.setDisplayName.run(displayName, userId);
  }

  async changePassword(userId: number, passwordHash: string, keepTokenHash: string, now: string) {
    sqliteTransaction(this.#db, () => {
      this.#s.setPassword.run(passwordHash, userId);
      this.#s.expireResets.run(now, userId);
      this.#s.deleteOtherSessions.run(userId, keepTokenHash);
    });
  }

  async createEmailChange(c: {
    tokenHash: string;
    userId: number;
    newEmail: string;
    now: string;
    expiresAt: string;
  }): Promise<void> {
    this.#s.createEmailChange.run(c.tokenHash, c.userId, c.newEmail, c.now, c.expiresAt);
  }

  async countEmailChanges(userId: number, since: string): Promise<number> {
    return Number((this.#s.countEmailChanges.get(userId, since) as { n: number }).n);
  }

  async completeEmailChange(tokenHash: string, now: string) {
    // BEGIN IMMEDIATE: no other writer between the address check and the update.
    return sqliteTransaction(this.#db, () => {
      const r = this.#s.pendingEmailChange.get(tokenHash, now) as
        | { user_id: number; new_email: string }
        | undefined;
      if (!r) return null;
      const owner = this.#s.emailOwner.get(r.new_email) as { id: number } | undefined;
      if (owner && owner.id !== r.user_id) return 'taken' as const;
      this.#s.spendEmailChanges.run(now, r.user_id);
      this.#s.setEmail.run(r.new_email, now, r.user_id);
      return { userId: r.user_id, email: r.new_email };
    });
  }

  async markVerified(userId: number, now: string): Promise<void> {
    this.#s.markVerified.run(now, userId);
  }

  async setRole(userId: number, role: Role): Promise<void> {
    this.#s.setRole.run(role, userId);
  }

  async setBanned(userId: number, bannedAt: string | null): Promise<void> {
    sqliteTransaction(this.#db, () => {
      this.#s.setBanned.run(bannedAt, userId);
      if (bannedAt) this.#s.deleteSessions.run(userId);
    });
  }

  async list(limit: number, offset: number, search?: string): Promise<User[]> {
    const rows = search
      ? this.#s.search.all(likePattern(search), limit, offset)
      : this.#s.list.all(limit, offset);
    return (rows as unknown as UserRow[]).map(toUser);
  }

  async createSession(s: {
    tokenHash: string;
    userId: number;
    csrfToken: string;
    now: string;
    expiresAt: string;
  }) {
    this.#s.createSession.run(s.tokenHash, s.userId, s.csrfToken, s.now, s.expiresAt);
  }

  async session(tokenHash: string, now: string): Promise<SessionRecord | null> {
    const r = this.#s.session.get(tokenHash, now) as
      | (UserRow & { csrf_token: string; expires_at: string })
      | undefined;
    return r ? { user: toUser(r), csrfToken: r.csrf_token, expiresAt: r.expires_at } : null;
  }

  async deleteSession(tokenHash: string): Promise<void> {
    this.#s.deleteSession.run(tokenHash);
  }

  async deleteSessions(userId: number, exceptTokenHash?: string): Promise<void> {
    if (exceptTokenHash) this.#s.deleteOtherSessions.run(userId, exceptTokenHash);
    else this.#s.deleteSessions.run(userId);
  }

  async completeReset(tokenHash: string, passwordHash: string, now: string): Promise<number | null> {
    return sqliteTransaction(this.#db, () => {
      const r = this.#s.consumeOneTime.get(now, tokenHash, 'reset') as { user_id: number } | undefined;
      if (r) {
        this.#s.setPassword.run(passwordHash, r.user_id);
        this.#s.expireResets.run(now, r.user_id);
        this.#s.deleteSessions.run(r.user_id);
        this.#s.deleteFeedKey.run(r.user_id);
        this.#s.markVerified.run(now, r.user_id);
      }
      return r ? r.user_id : null;
    });
  }

  async createOneTime(t: {
    tokenHash: string;
    userId: number;
    purpose: OneTimePurpose;
    now: string;
    expiresAt: string;
  }) {
    this.#s.createOneTime.run(t.tokenHash, t.userId, t.purpose, t.now, t.expiresAt);
  }

  async consumeOneTime(tokenHash: string, purpose: OneTimePurpose, now: string): Promise<number | null> {
    const r = this.#s.consumeOneTime.get(now, tokenHash, purpose) as { user_id: number } | undefined;
    return r ? r.user_id : null;
  }

  async countOneTime(userId: number, purpose: OneTimePurpose, since: string): Promise<number> {
    return (this.#s.countOneTime.get(userId, purpose, since) as { n: number }).n;
  }

  async createApiToken(t: { userId: number; name: string; tokenHash: string; now: string }): Promise<number> {
    return (this.#s.createApiToken.get(t.userId, t.name, t.tokenHash, t.now) as { id: number }).id;
  }

  async apiTokenUser(tokenHash: string, now: string): Promise<User | null> {
    const r = this.#s.apiTokenUser.get(now, tokenHash) as { user_id: number } | undefined;
    if (!r) return null;
    const user = await this.byId(r.user_id);
    return user && !user.bannedAt ? user : null;
  }

  async apiTokens(userId: number): Promise<ApiTokenInfo[]> {
    const rows = this.#s.apiTokens.all(userId) as {
      id: number;
      name: string;
      created_at: string;
      last_used_at: string | null;
    }[];
    return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at }));
  }

  async revokeApiToken(userId: number, tokenId: number, now: string): Promise<boolean> {
    return this.#s.revokeApiToken.run(now, userId, tokenId).changes > 0;
  }
}
