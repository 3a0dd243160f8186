/** The digest domain's records, shared by the repository, the services and the views. */
import type { Interests } from '../search/match.ts';

export type SubscriberStatus = 'pending' | 'confirmed' | 'unsubscribed' | 'bounced' | 'complained';
export type Frequency = 'daily' | 'weekly';

export interface Preferences {
  frequency: Frequency;
  /** Weekly digests go out on this weekday (0 = Sunday … 6 = Saturday). */
  weekday: number;
  /** 5–50. */
  paperCount: number;
  interests: Interests;
}

export interface Subscriber extends Preferences {
  id: number;
  email: string;
  status: SubscriberStatus;
  /**
   * The account the subscription belongs to: the one that subscribed from its account page, else
   * the account whose verified address this is (subscribers.repo.ts); null for a reader without one.
   */
  userId: number | null;
  createdAt: string;
  confirmedAt: string | null;
  unsubscribedAt: string | null;
  /** Epoch ms after which a pending subscription is dropped. */
  confirmExpiresAt: number | null;
  softBounces: number;
  /** Slot (epoch ms) of the last digest planned for them. */
  lastDigestAt: number | null;
}

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'expired' | 'skipped';
export const OUTBOX_STATUSES: OutboxStatus[] = ['pending', 'sending', 'sent', 'failed', 'expired', 'skipped'];

/** A composed digest ready for the ledger. */
export interface PlannedDigest {
  subscriberId: number;
  /** `daily:2026-11-27` or `weekly:2026-11-27` (the local date of the slot). */
  period: string;
  runId: number | null;
  messageId: string;
  subject: string;
  text: string;
  html: string;
  /** arXiv ids in the digest. */
  papers: string[];
  /** Epoch ms of the slot the digest belongs to. */
  slot: number;
  /** Epoch ms after which it must not be sent (the end of its period). */
  expiresAt: number;
}

export interface OutboxRow extends Omit<PlannedDigest, 'slot'> {
  id: number;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: number;
  leaseHolder: string | null;
  leaseUntil: number;
  createdAt: string;
  sentAt: string | null;
  lastError: string | null;
}

/**
 * A row claimed for sending. Its parts come as the UTF-8 bytes that go on the wire: read as
 * strings they would be decoded, held as UTF-16 and encoded again for every message sent.
 */
export interface ClaimedRow extends Omit<OutboxRow, 'text' | 'html'> {
  text: Buffer;
  html: Buffer;
  /** The subscriber's address (it never changes for an id: erasing deletes the subscriber). */
  email: string;
}

export type DigestRunStatus = 'running' | 'ok' | 'partial' | 'failed' | 'interrupted';

export interface DigestRunCounts {
  planned: number;
  skippedEmpty: number;
  sent: number;
  failed: number;
  expired: number;
}

export interface DigestRun extends DigestRunCounts {
  id: number;
  /** ISO instant of the schedule slot (or of the `--period` asked for). */
  slot: string;
  trigger: 'scheduler' | 'cli';
  holder: string;
  startedAt: string;
  finishedAt: string | null;
  status: DigestRunStatus;
  message: string | null;
}

export interface Consent {
  action: 'subscribe' | 'confirm' | 'preferences' | 'unsubscribe';
  at: string;
  form: string;
  ipHash: string | null;
  settings: Preferences | Record<string, unknown>;
  textVersion: string;
}

export type BounceKind = 'hard' | 'soft' | 'complaint';
export type SuppressionReason = 'bounced' | 'complained' | 'erased';
