/**
 * Accounts and community records, and the repository interfaces each database implements
 * (users.*.repo.ts for accounts/sessions/tokens, community.*.repo.ts for votes, submissions and
 * comments). Times are ISO 8601 strings passed in by services, so tests control the clock.
 */

export type Role = 'user' | 'moderator' | 'admin';

export interface User {
  id: number;
  email: string;
  /** The handle: the profile address /users/<name>, letters, digits, - and _ (user.ts). */
  name: string;
  /** The name as the reader wrote it ("Ada Admin"); the handle when none was given. */
  displayName: string;
  role: Role;
  emailVerifiedAt: string | null;
  bannedAt: string | null;
  createdAt: string;
}

export interface UserWithPassword extends User {
  passwordHash: string;
}

export interface SessionRecord {
  user: User;
  csrfToken: string;
  expiresAt: string;
}

export type OneTimePurpose = 'verify' | 'reset';

export interface ApiTokenInfo {
  id: number;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export interface UserRepository {
  /** Null when the email or the name is taken (the unique constraints decide, not a prior read). */
  create(u: {
    email: string;
    name: string;
    displayName?: string;
    passwordHash: string;
    role?: Role;
    now: string;
  }): Promise<User | null>;
  byEmail(email: string): Promise<UserWithPassword | null>;
  byName(name: string): Promise<User | null>;
  byId(id: number): Promise<User | null>;
  setPassword(userId: number, passwordHash: string): Promise<void>;
  setDisplayName(userId: number, displayName: string): Promise<void>;
  /**
   * A password changed by the signed-in reader, in one transaction: the new hash, every unused
   * reset link of the account spent, every session but `keepTokenHash` (this browser) ended.
   */
  changePassword(userId: number, passwordHash: string, keepTokenHash: string, now: string): Promise<void>;
  /** A pending change of address, confirmed by the link mailed to the new one. */
  createEmailChange(c: {
    tokenHash: string;
    userId: number;
    newEmail: string;
    now: string;
    expiresAt: string;
  }): Promise<void>;
  /** Email-change links issued to the account since `since` (caps the mails). */
  countEmailChanges(userId: number, since: string): Promise<number>;
  /**
   * Completes a change of address in one transaction: spends the link and every other pending
   * change of the account, sets the new address and marks it verified. The account id and its
   * new address; 'taken' when another account has that address by now (nothing changes, the
   * link stays unused); null when the link is unknown, used or expired.
   */
  completeEmailChange(
    tokenHash: string,
    now: string,
  ): Promise<{ userId: number; email: string } | 'taken' | null>;
  markVerified(userId: number, now: string): Promise<void>;
  setRole(userId: number, role: Role): Promise<void>;
  /** Banning also ends every session of the account. */
  setBanned(userId: number, bannedAt: string | null): Promise<void>;
  /**
   * Newest first, for the moderation page. `search` keeps accounts whose name or email contains
   * it, case-insensitively (LIKE wildcards in it match literally).
   */
  list(limit: number, offset: number, search?: string): Promise<User[]>;

  createSession(s: {
    tokenHash: string;
    userId: number;
    csrfToken: string;
    now: string;
    expiresAt: string;
  }): Promise<void>;
  /** The live session (not expired, account not banned) with its user. */
  session(tokenHash: string, now: string): Promise<SessionRecord | null>;
  deleteSession(tokenHash: string): Promise<void>;
  /** Ends every session of the account, except `exceptTokenHash` when given (this browser). */
  deleteSessions(userId: number, exceptTokenHash?: string): Promise<void>;

  createOneTime(t: {
    tokenHash: string;
    userId: number;
    purpose: OneTimePurpose;
    now: string;
    expiresAt: string;
  }): Promise<void>;
  /** Marks the token used and returns its user, atomically; null if unknown, used, expired or of another purpose. */
  consumeOneTime(tokenHash: string, purpose: OneTimePurpose, now: string): Promise<number | null>;
  /**
   * Completes a password reset in one transaction: consumes the reset token, sets the password,
   * marks every other unused reset link of the account used, ends every session, drops the
   * personal feed key (every feed URL stops working) and marks the email verified (following the
   * link proved it). The user id, or null when the token is
   * unknown, used or expired (then nothing changes).
   */
  completeReset(tokenHash: string, passwordHash: string, now: string): Promise<number | null>;
  /** Tokens of this purpose issued to the user since `since` (caps mails per account). */
  countOneTime(userId: number, purpose: OneTimePurpose, since: string): Promise<number>;

  createApiToken(t: { userId: number; name: string; tokenHash: string; now: string }): Promise<number>;
  /** The token's user if the token is live and the user not banned; records the use. */
  apiTokenUser(tokenHash: string, now: string): Promise<User | null>;
  apiTokens(userId: number): Promise<ApiTokenInfo[]>;
  revokeApiToken(userId: number, tokenId: number, now: string): Promise<boolean>;
}

export interface Comment {
  id: number;
  paperId: number;
  userId: number;
  userName: string;
  parentId: number | null;
  /** Empty once deleted. */
  body: string;
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
  hiddenAt: string | null;
}

export interface CommentWithPaper extends Comment {
  arxivId: string;
  paperTitle: string;
}

export interface VoteResult {
  /** False when the vote was already in the requested state (a repeat or a race). */
  changed: boolean;
  votes: number;
  importedVotes: number;
}

export interface VotedPaper {
  arxivId: string;
  title: string;
}

export interface SubmissionRecord {
  arxivId: string;
  title: string;
  day: string;
  createdAt: string;
}

export interface CommunityRepository {
  /**
   * Sets (up = true) or clears this account's vote on a paper. Idempotent: the primary key
   * decides, so concurrent identical requests change the count once. Refreshes the trending score
   * in the same transaction. Throws NotFoundError for an unknown paper.
   */
  setVote(userId: number, paperId: number, up: boolean, now: string): Promise<VoteResult>;
  /** Which of these papers the user has voted for. */
  votedFor(userId: number, paperIds: number[]): Promise<Set<number>>;
  /** Papers the user voted for (id and title, for the profile), newest vote first. */
  userVotes(userId: number, limit: number): Promise<VotedPaper[]>;

  /**
   * Features the paper on `day` as a submission and records who submitted it, in one transaction.
   * When the paper is already featured (any day) nothing changes and that day is returned.
   */
  submit(s: {
    userId: number;
    userName: string;
    paperId: number;
    day: string;
    now: string;
  }): Promise<{ status: 'featured' } | { status: 'exists'; day: string }>;
  submissionsSince(userId: number, since: string): Promise<number>;
  userSubmissions(userId: number, limit: number): Promise<SubmissionRecord[]>;

  addComment(c: {
    paperId: number;
    userId: number;
    parentId: number | null;
    body: string;
    now: string;
  }): Promise<Comment>;
  comment(id: number): Promise<Comment | null>;
  editComment(id: number, body: string, now: string): Promise<void>;
  /** Soft delete: the text is dropped, replies stay. */
  deleteComment(id: number, now: string): Promise<void>;
  setHidden(id: number, hidden: boolean, now: string, byUserId: number): Promise<void>;
  /** Oldest first (top-level then replies are ordered by the view). Includes hidden and deleted rows. */
  commentsFor(paperId: number): Promise<Comment[]>;
  /** Newest first across the site, for the moderation queue. */
  recentComments(limit: number, offset: number): Promise<CommentWithPaper[]>;
  /** Comments posted by the user since `since` (rate limit). */
  commentsSince(userId: number, since: string): Promise<number>;
}
