/**
 * Personal feed URLs (issue 14 item 5): For you, each followed search and each collection of a
 * reader (private ones too), and the reader's alerts (issue 15), as RSS/Atom/JSON at `/feeds/<user id>/<feed path>.<format>?key=…`.
 *
 * Each account has one random secret (feed_keys, migration 013). A feed's key is
 * HMAC-SHA256(secret, "<user id>/<feed path>"), so knowing one feed's URL opens that feed (in any
 * of its three formats) and nothing else: no other feed, no page, no API. Replacing the secret
 * ("new links" on /settings/feeds) or a password reset (users.*.repo.ts `completeReset` drops it)
 * ends every URL at once. A wrong, absent or stale key is answered like an unknown feed (404), so
 * a URL tells nothing about which accounts or feeds exist.
 */
import { createHmac } from 'node:crypto';
import type { FeedKeyRepository } from './feed-keys.repo.ts';
import { newToken, sameSecret } from './secrets.ts';

export type PersonalFeed =
  | { kind: 'for-you' }
  | { kind: 'alerts' }
  | { kind: 'search'; followId: number }
  | { kind: 'collection'; collectionId: number };

/** The path a feed's key covers and its URL carries (without the format suffix). */
export function feedPath(f: PersonalFeed): string {
  if (f.kind === 'for-you' || f.kind === 'alerts') return f.kind;
  if (f.kind === 'search') return `search/${f.followId}`;
  return `collection/${f.collectionId}`;
}

const ID = /^[1-9]\d{0,14}$/;

/** The feed a URL path names, or null for anything else. */
export function parseFeedPath(path: string): PersonalFeed | null {
  if (path === 'for-you' || path === 'alerts') return { kind: path };
  const [kind, id, ...rest] = path.split('/');
  if (rest.length || !id || !ID.test(id)) return null;
  if (kind === 'search') return { kind: 'search', followId: Number(id) };
  if (kind === 'collection') return { kind: 'collection', collectionId: Number(id) };
  return null;
}

/** 32 base64url characters: 192 bits of the HMAC, far beyond guessing. */
const KEY_CHARS = 32;

function keyOf(secret: string, userId: number, path: string): string {
  return createHmac('sha256', secret).update(`${userId}/${path}`).digest('base64url').slice(0, KEY_CHARS);
}

export class PersonalFeedKeys {
  readonly #keys: FeedKeyRepository;
  readonly #now: () => Date;

  constructor(keys: FeedKeyRepository, now: () => Date = () => new Date()) {
    this.#keys = keys;
    this.#now = now;
  }

  /** The keys of these feeds of the reader, in order; makes the account's secret on first use. */
  async keysFor(userId: number, feeds: PersonalFeed[]): Promise<string[]> {
    const k = await this.#keys.ensure(userId, newToken(), this.#now().toISOString());
    return feeds.map((f) => keyOf(k.secret, userId, feedPath(f)));
  }

  /** Whether `key` opens this feed of this account (false when the account has no secret). */
  async opens(userId: number, feed: PersonalFeed, key: string): Promise<boolean> {
    if (key.length !== KEY_CHARS) return false;
    const k = await this.#keys.get(userId);
    return k !== null && sameSecret(keyOf(k.secret, userId, feedPath(feed)), key);
  }

  /** A new secret: every feed URL of the account made before stops working. */
  async renew(userId: number): Promise<void> {
    await this.#keys.replace(userId, newToken(), this.#now().toISOString());
  }

  /** When the current secret was made, or null when the account has none (for the data export). */
  async madeAt(userId: number): Promise<string | null> {
    return (await this.#keys.get(userId))?.createdAt ?? null;
  }
}
