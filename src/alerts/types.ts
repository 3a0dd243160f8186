/**
 * Alerts (issue 15): what a reader watches (`Alert`), the changes events are computed from, and
 * `AlertRepository`, one class per dialect (alerts.sqlite.repo.ts, alerts.pg.repo.ts) over the
 * SQL in alerts.sql.ts. Schema and triggers: src/db/migrations/{sqlite,postgres}/015_alerts.sql.
 */
import type { AlertEvent, AlertEventType } from './events.ts';

export const ALERT_KINDS = ['search', 'author', 'category', 'version', 'code', 'trending'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export const DELIVERIES = ['digest', 'mail', 'feed', 'webhook'] as const;
export type Delivery = (typeof DELIVERIES)[number];

/** The event type each kind of alert fires. */
export const EVENT_TYPE: Record<AlertKind, AlertEventType> = {
  search: 'search.match',
  author: 'author.match',
  category: 'category.match',
  version: 'paper.version',
  code: 'paper.code',
  trending: 'paper.trending',
};

export interface Alert {
  id: number;
  userId: number;
  kind: AlertKind;
  /** The query, author name or category; 'library' for version/code; the arXiv id for trending. */
  target: string;
  paperId: number | null;
  threshold: number | null;
  delivery: Delivery[];
  paused: boolean;
  createdAt: string;
  lastFiredAt: string | null;
  lastReason: string | null;
}

export interface NewAlert {
  userId: number;
  kind: AlertKind;
  target: string;
  paperId?: number | null;
  threshold?: number | null;
  delivery: Delivery[];
}

/** A row of the change queue (written by the migration's triggers). */
export interface AlertChange {
  id: number;
  paperId: number;
  kind: 'new' | 'version' | 'code' | 'votes';
  version: number;
}

/** What the event computation reads of a changed paper. */
export interface ChangedPaper {
  id: number;
  arxivId: string;
  version: number;
  title: string;
  abstract: string;
  authors: string[];
  categories: string[];
  submittedAt: string;
  comments: string | null;
  /** Local plus imported votes. */
  votes: number;
  /** The first code link, if any. */
  codeUrl: string | null;
}

/** A reader whose version/code/trending alert covers a changed paper. */
export interface Watcher {
  alertId: number;
  userId: number;
  kind: 'version' | 'code' | 'trending';
  paperId: number;
  threshold: number | null;
  delivery: Delivery[];
}

export interface EventInput {
  alertId: number;
  userId: number;
  paperId: number;
  type: AlertEventType;
  /** The version (paper.version), the threshold (paper.trending), else 0: part of the unique key. */
  key: number;
  reason: string;
  /**
   * False when the alert does not deliver by mail: the event is stored as already settled for mail
   * (`mailed_at` = its time), so the partial index of unmailed events (migration 015), one write per
   * event, holds only events a mail will carry. A reader who turns mail on later is mailed what
   * fires from then on, not the backlog.
   */
  mail?: boolean;
  /**
   * Set when the alert delivers to webhooks: what the body says of the paper. `record` queues
   * the event's deliveries (one per enabled webhook of the reader that takes the paper) in the
   * transaction that stores the event.
   */
  webhook?: { arxivId: string; title: string; link: string };
}

/** What `record` stored: each event's new id in order (null where it was already stored), and the webhook deliveries it queued. */
export interface Recorded {
  ids: (number | null)[];
  deliveries: number;
}

/** An event as stored: `AlertEvent` without the link, which the service makes from the site's address. */
export type StoredEvent = Omit<AlertEvent, 'link'>;

export interface AlertStats {
  /** Alerts per kind, and how many are paused. */
  alerts: { kind: AlertKind; total: number; paused: number }[];
  /** Events per type. */
  events: { type: AlertEventType; total: number }[];
  /** Changes waiting for the event computation. */
  pendingChanges: number;
  /** Events whose alert wants mail and that no mail has carried yet. */
  pendingMail: number;
}

/** What the operator page shows of webhooks. */
export interface WebhookHealth {
  /** Deliveries waiting or being retried. */
  queued: number;
  failing: { owner: string; url: string; failures: number; lastError: string | null }[];
}

/** Implemented by the webhook side (src/alerts/webhook*.ts); /admin/alerts reads webhooks only through it. */
export interface WebhookStatus {
  health(): Promise<WebhookHealth>;
}

export interface AlertRepository {
  /** Adds an alert; an existing one with the same (reader, kind, target) is returned unchanged. */
  create(a: NewAlert, now: string): Promise<Alert>;
  list(userId: number): Promise<Alert[]>;
  /** Pause/resume and delivery; false when the alert is not this reader's. */
  update(userId: number, id: number, change: { paused?: boolean; delivery?: Delivery[] }): Promise<boolean>;
  remove(userId: number, id: number): Promise<boolean>;
  /** The oldest `limit` queued changes. */
  pendingChanges(limit: number): Promise<AlertChange[]>;
  changedPapers(paperIds: number[]): Promise<ChangedPaper[]>;
  /** Every active search/author/category alert. */
  followAlerts(): Promise<Alert[]>;
  /** Active version/code alerts of readers who saved one of the papers, and trending alerts on them. */
  watchers(paperIds: number[]): Promise<Watcher[]>;
  /**
   * One transaction: stores the events (an existing (alert, paper, type, key) is skipped), queues
   * the webhook deliveries of the new ones that carry `webhook`, marks their alerts fired,
   * deletes the consumed changes.
   */
  record(events: EventInput[], changeIds: number[], now: string): Promise<Recorded>;
  /** A reader's newest events, newest first; with `via`, only those of alerts delivering there. */
  events(userId: number, limit: number, via?: Delivery): Promise<StoredEvent[]>;
  /** A reader's events since `since` (ISO) of alerts delivering `via`, oldest first. */
  eventsSince(userId: number, since: string, via: Delivery, limit: number): Promise<StoredEvent[]>;
  stats(): Promise<AlertStats>;
  /** Readers with unmailed mail-delivery events whose last alert mail is not after `hourAgo`. */
  mailDue(hourAgo: string, limit: number): Promise<number[]>;
  /** Takes the reader's mail slot unless a mail went after `hourAgo`; true when taken. */
  claimMail(userId: number, now: string, hourAgo: string): Promise<boolean>;
  /** The reader's events waiting for the mail, oldest first. */
  unmailed(userId: number, limit: number): Promise<StoredEvent[]>;
  markMailed(eventIds: number[], now: string): Promise<void>;
}

/** The `mailed_at` an event is stored with (EventInput.mail): null while a mail is to carry it. */
export const settledAt = (e: EventInput, now: string): string | null => (e.mail === false ? now : null);
