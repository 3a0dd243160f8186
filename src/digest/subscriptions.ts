/**
 * The subscriber's side: subscribe (double opt-in), confirm, preferences, unsubscribe, export and
 * erase. The web routes call these; nothing here knows about HTTP.
 *
 * Privacy rules: a subscribe request answers the same whatever the address's state (new, pending,
 * confirmed, unsubscribed, suppressed, rate-limited per address), so the form cannot be used to
 * learn who subscribes; only the requester's own IP rate limit is visible (429). Every link is a
 * signed token; a bad one gets the same InvalidInputError whatever is wrong with it.
 */
import { z } from 'zod';
import type { Config } from '../config/config.ts';
import { InvalidInputError, RateLimitedError } from '../errors.ts';
import { CATEGORY_HINT, CATEGORY_RE } from '../papers/category.ts';
import { QueryError } from '../search/query/ast.ts';
import { parseQuery } from '../search/query/parse.ts';
import { CONFIRM_TTL_MS, confirmUrl } from './links.ts';
import { isMailAddress, type MailMessage, normalizeAddress } from './mail.ts';
import { periodFromRef } from './period.ts';
import type { DigestStore } from './store.ts';
import { keyedHash, readToken, type TokenPurpose, tokenSecret, verifyToken } from './tokens.ts';
import type { Consent, OutboxRow, Preferences, Subscriber } from './types.ts';

/** Bump when CONSENT_TEXT changes; each consent record names the version that was shown. */
const CONSENT_TEXT_VERSION = '2026-11-27';
export const CONSENT_TEXT =
  'Send me the papers digest by email at the frequency I chose. I can change it or unsubscribe with one click from any digest.';

const category = z.string().regex(CATEGORY_RE, CATEGORY_HINT);
const text = z.string().trim().min(1).max(200);

export const preferencesSchema = z.object({
  frequency: z.enum(['daily', 'weekly']).default('daily'),
  weekday: z.coerce.number().int().min(0).max(6).default(1),
  paperCount: z.coerce.number().int().min(5, 'at least 5 papers').max(50, 'at most 50 papers').default(10),
  interests: z
    .object({
      categories: z.array(category).max(20).default([]),
      keywords: z.array(text).max(20).default([]),
      authors: z.array(text).max(20).default([]),
    })
    .default({ categories: [], keywords: [], authors: [] }),
});

/** Lists typed into a text box: one per line or comma-separated. */
function splitList(v: unknown): string[] {
  if (Array.isArray(v)) return v.flatMap(splitList);
  if (typeof v !== 'string') return [];
  return v
    .split(/[\n,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Validates preferences; keyword queries must parse in the search language. */
function parsePreferences(input: unknown): Preferences {
  const r = preferencesSchema.safeParse(input);
  if (!r.success)
    throw new InvalidInputError(
      r.error.issues.map((i) => `${i.path.join('.') || 'preferences'}: ${i.message}`).join('; '),
    );
  for (const k of r.data.interests.keywords) {
    try {
      parseQuery(k);
    } catch (err) {
      if (err instanceof QueryError) throw new InvalidInputError(`keyword "${k}": ${err.message}`);
      throw err;
    }
  }
  return {
    ...r.data,
    interests: { ...r.data.interests, categories: [...new Set(r.data.interests.categories)] },
  };
}

/** Form fields (`frequency`, `weekday`, `paperCount`, `categories`, `keywords`, `authors`) → preferences. */
export function preferencesFromForm(body: Record<string, unknown>): Preferences {
  return parsePreferences({
    frequency: body.frequency || undefined,
    weekday: body.weekday || undefined,
    paperCount: body.paperCount || undefined,
    interests: {
      categories: splitList(body.categories),
      keywords: splitList(body.keywords),
      authors: splitList(body.authors),
    },
  });
}

export interface SubscriptionDeps {
  store: DigestStore;
  config: Config;
}

const HOUR = 3_600_000;
const INVALID_LINK =
  'This link is not valid: it may be incomplete, expired, or already used for something else.';

export interface SubscribeRequest {
  email: string;
  preferences: Preferences;
  ip: string;
  /** Which form it came from (`feed:/`, `account`, …), for the consent record. */
  form: string;
}

/**
 * Records the request and returns the confirmation mail to send, if any. The caller sends it
 * without making the answer wait on it, so timing does not tell states apart either.
 */
export async function requestSubscription(
  deps: SubscriptionDeps,
  r: SubscribeRequest,
  now = Date.now(),
): Promise<MailMessage | null> {
  const { store, config } = deps;
  const email = normalizeAddress(r.email);
  if (!isMailAddress(email)) throw new InvalidInputError('Please enter a valid email address.');
  const secret = await tokenSecret(config, store.digest);
  const ipKey = `ip:${keyedHash(secret, 'ip', r.ip)}`;
  if ((await store.digest.rateHit(ipKey, HOUR, now)) > config.subscribeLimitPerIp) {
    throw new RateLimitedError('Too many subscribe requests from your network; try again in an hour.', 3600);
  }
  const hash = keyedHash(secret, 'email', email);
  if ((await store.digest.rateHit(`addr:${hash}`, 24 * HOUR, now)) > config.subscribeLimitPerAddress)
    return null;
  const suppressed = await store.digest.suppression(hash);
  if (suppressed === 'bounced' || suppressed === 'complained') return null;
  const expires = now + CONFIRM_TTL_MS;
  const { subscriber } = await store.digest.requestSubscription(email, r.preferences, now, expires);
  if (subscriber.status !== 'pending') return null;
  await store.digest.addConsent(subscriber.id, {
    action: 'subscribe',
    at: new Date(now).toISOString(),
    form: r.form.slice(0, 100),
    ipHash: keyedHash(secret, 'ip', r.ip),
    settings: r.preferences,
    textVersion: CONSENT_TEXT_VERSION,
  });
  const link = confirmUrl({ baseUrl: config.baseUrl!, secret }, subscriber, expires);
  return {
    to: email,
    subject: `Confirm your ${config.siteName} digest subscription`,
    text: [
      `Someone (we hope you) asked to receive the ${config.siteName} papers digest at this address.`,
      '',
      `To start it, open this link and press "Confirm" (the link works for 7 days):`,
      link,
      '',
      'If it was not you, ignore this mail: nothing more will be sent.',
      '',
    ].join('\n'),
  };
}

/** Verifies a link token and returns its subscriber; any problem is the same InvalidInputError. */
export async function subscriberFromToken(
  deps: SubscriptionDeps,
  token: string,
  purpose: TokenPurpose,
  now = Date.now(),
): Promise<{ subscriber: Subscriber; ref: string | undefined }> {
  const claims = readToken(token, purpose);
  const subscriber = claims ? await deps.store.digest.subscriber(claims.id) : null;
  const secret = await tokenSecret(deps.config, deps.store.digest);
  // Verified even when the id is unknown, so the answer takes the same path either way.
  const ok = verifyToken(secret, token, purpose, subscriber?.email ?? '', now);
  if (!ok || !subscriber) throw new InvalidInputError(INVALID_LINK);
  return { subscriber, ref: ok.ref };
}

async function consent(
  deps: SubscriptionDeps,
  s: Subscriber,
  action: Consent['action'],
  form: string,
  settings: Consent['settings'],
  now: number,
) {
  await deps.store.digest.addConsent(s.id, {
    action,
    at: new Date(now).toISOString(),
    form,
    ipHash: null,
    settings,
    textVersion: CONSENT_TEXT_VERSION,
  });
}

/** The confirming POST: pending → confirmed. Already confirmed: fine, nothing changes. */
export async function confirmSubscription(
  deps: SubscriptionDeps,
  token: string,
  now = Date.now(),
): Promise<Subscriber> {
  const { subscriber } = await subscriberFromToken(deps, token, 'confirm', now);
  if (subscriber.status === 'confirmed') return subscriber;
  if (!(await deps.store.digest.confirm(subscriber.id, now))) throw new InvalidInputError(INVALID_LINK);
  const secret = await tokenSecret(deps.config, deps.store.digest);
  await deps.store.digest.liftErasure(keyedHash(secret, 'email', subscriber.email));
  const s = (await deps.store.digest.subscriber(subscriber.id))!;
  const { frequency, weekday, paperCount, interests } = s;
  await consent(deps, s, 'confirm', 'confirm-page', { frequency, weekday, paperCount, interests }, now);
  return s;
}

/** RFC 8058 one-click (and the page's button): effective at once; repeating it is harmless. */
export async function unsubscribe(
  deps: SubscriptionDeps,
  token: string,
  form: string,
  now = Date.now(),
): Promise<Subscriber> {
  const { subscriber } = await subscriberFromToken(deps, token, 'unsubscribe', now);
  if (await deps.store.digest.unsubscribe(subscriber.id, now))
    await consent(deps, subscriber, 'unsubscribe', form, {}, now);
  return (await deps.store.digest.subscriber(subscriber.id))!;
}

export async function savePreferences(
  deps: SubscriptionDeps,
  token: string,
  prefs: Preferences,
  now = Date.now(),
): Promise<Subscriber> {
  const { subscriber } = await subscriberFromToken(deps, token, 'preferences', now);
  await deps.store.digest.setPreferences(subscriber.id, prefs, now);
  await consent(deps, subscriber, 'preferences', 'preferences-page', prefs, now);
  return (await deps.store.digest.subscriber(subscriber.id))!;
}

/** Resubscribing from the preferences page of an unsubscribed address: confirmed again at once (the link proves the mailbox). */
export async function resubscribe(
  deps: SubscriptionDeps,
  token: string,
  now = Date.now(),
): Promise<Subscriber> {
  const { subscriber } = await subscriberFromToken(deps, token, 'preferences', now);
  if (subscriber.status === 'unsubscribed') {
    await deps.store.digest.requestSubscription(subscriber.email, subscriber, now, now + CONFIRM_TTL_MS);
    await deps.store.digest.confirm(subscriber.id, now);
    const { frequency, weekday, paperCount, interests } = subscriber;
    await consent(
      deps,
      subscriber,
      'confirm',
      'preferences-page',
      { frequency, weekday, paperCount, interests },
      now,
    );
  }
  return (await deps.store.digest.subscriber(subscriber.id))!;
}

/** Everything stored about a subscriber, as one JSON document. */
export async function exportSubscriber(deps: SubscriptionDeps, s: Subscriber) {
  const repo = deps.store.digest;
  return {
    exportedAt: new Date().toISOString(),
    subscriber: s,
    consents: await repo.consents(s.id),
    digests: (await repo.outboxFor(s.id)).map((r) => ({
      period: r.period,
      status: r.status,
      subject: r.subject,
      messageId: r.messageId,
      papers: r.papers,
      sentAt: r.sentAt,
      attempts: r.attempts,
      lastError: r.lastError,
    })),
    papersSent: await repo.sentPaperList(s.id),
    bounces: await repo.bounces(s.id),
  };
}

/** Deletes the subscriber and all their records; keeps a keyed hash so the address is never mailed from a stale list. */
export async function eraseSubscriber(
  deps: SubscriptionDeps,
  s: Subscriber,
  now = Date.now(),
): Promise<void> {
  const secret = await tokenSecret(deps.config, deps.store.digest);
  await deps.store.digest.erase(s.id, keyedHash(secret, 'email', s.email), now);
}

/** The web version of one digest (`/digest/<token>`). */
export async function digestForWeb(
  deps: SubscriptionDeps,
  token: string,
  now = Date.now(),
): Promise<OutboxRow> {
  const { subscriber, ref } = await subscriberFromToken(deps, token, 'web', now);
  const period = ref ? periodFromRef(ref) : null;
  const row = period
    ? (await deps.store.digest.outboxFor(subscriber.id)).find((r) => r.period === period)
    : undefined;
  if (!row) throw new InvalidInputError(INVALID_LINK);
  return row;
}
