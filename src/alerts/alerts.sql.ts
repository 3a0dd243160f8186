/**
 * SQL both dialects run unchanged (`$n`; SQLite prepares it through db/statements.ts `sqliteText`)
 * and the row mappers. Id lists differ per dialect (json_each vs `= ANY`), so those statements
 * are in the dialect classes.
 */
import type { AlertEventType } from './events.ts';
import type { Alert, AlertKind, ChangedPaper, Delivery, StoredEvent, Watcher } from './types.ts';

const ALERT_COLUMNS = `id, user_id, kind, target, paper_id, threshold, delivery, paused, created_at,
  last_fired_at, last_reason`;

export const SQL = {
  insert: `INSERT INTO alerts (user_id, kind, target, paper_id, threshold, delivery, created_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (user_id, kind, target) DO NOTHING`,
  byKey: `SELECT ${ALERT_COLUMNS} FROM alerts WHERE user_id = $1 AND kind = $2 AND target = $3`,
  list: `SELECT ${ALERT_COLUMNS} FROM alerts WHERE user_id = $1 ORDER BY id`,
  setPaused: 'UPDATE alerts SET paused = $3 WHERE user_id = $1 AND id = $2',
  setDelivery: 'UPDATE alerts SET delivery = $3 WHERE user_id = $1 AND id = $2',
  remove: 'DELETE FROM alerts WHERE user_id = $1 AND id = $2',
  pending: 'SELECT id, paper_id, kind, version FROM alert_changes ORDER BY id LIMIT $1',
  follows: `SELECT ${ALERT_COLUMNS} FROM alerts WHERE kind IN ('search', 'author', 'category') AND paused = 0
    ORDER BY id`,
  insertEvent: `INSERT INTO alert_events (alert_id, user_id, paper_id, type, key, reason, created_at, mailed_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (alert_id, paper_id, type, key) DO NOTHING
    RETURNING id`,
  fired: 'UPDATE alerts SET last_fired_at = $2, last_reason = $3 WHERE id = $1',
  events: `SELECT e.id, e.user_id, e.alert_id, e.type, e.paper_id, p.arxiv_id, p.title, e.reason, e.created_at
    FROM alert_events e JOIN papers p ON p.id = e.paper_id WHERE e.user_id = $1 ORDER BY e.id DESC LIMIT $2`,
  // delivery is a comma list of fixed words: ',feed,' found in ',digest,feed,' is exact.
  eventsVia: `SELECT e.id, e.user_id, e.alert_id, e.type, e.paper_id, p.arxiv_id, p.title, e.reason, e.created_at
    FROM alert_events e JOIN papers p ON p.id = e.paper_id JOIN alerts a ON a.id = e.alert_id
    WHERE e.user_id = $1 AND ',' || a.delivery || ',' LIKE $3 ORDER BY e.id DESC LIMIT $2`,
  // Readers with events for the mail whose last mail is over an hour old (or who never had one).
  // Unconfirmed and banned accounts get no mail, and are left out here so they never fill a pass.
  mailDue: `SELECT DISTINCT e.user_id FROM alert_events e JOIN alerts a ON a.id = e.alert_id
      JOIN users u ON u.id = e.user_id
    WHERE e.mailed_at IS NULL AND ',' || a.delivery || ',' LIKE '%,mail,%'
      AND u.email_verified_at IS NOT NULL AND u.banned_at IS NULL
      AND NOT EXISTS (SELECT 1 FROM alert_mailings m WHERE m.user_id = e.user_id AND m.last_sent_at > $1)
    LIMIT $2`,
  claimMail: `INSERT INTO alert_mailings (user_id, last_sent_at) VALUES ($1, $2)
    ON CONFLICT (user_id) DO UPDATE SET last_sent_at = excluded.last_sent_at
    WHERE alert_mailings.last_sent_at <= $3`,
  unmailed: `SELECT e.id, e.user_id, e.alert_id, e.type, e.paper_id, p.arxiv_id, p.title, e.reason, e.created_at
    FROM alert_events e JOIN papers p ON p.id = e.paper_id JOIN alerts a ON a.id = e.alert_id
    WHERE e.user_id = $1 AND e.mailed_at IS NULL AND ',' || a.delivery || ',' LIKE '%,mail,%'
    ORDER BY e.id LIMIT $2`,
  eventsSince: `SELECT e.id, e.user_id, e.alert_id, e.type, e.paper_id, p.arxiv_id, p.title, e.reason, e.created_at
    FROM alert_events e JOIN papers p ON p.id = e.paper_id JOIN alerts a ON a.id = e.alert_id
    WHERE e.user_id = $1 AND e.created_at >= $2 AND ',' || a.delivery || ',' LIKE $3 ORDER BY e.id LIMIT $4`,
  statsAlerts: `SELECT kind, count(*) AS total, sum(paused) AS paused FROM alerts GROUP BY kind ORDER BY kind`,
  statsEvents: 'SELECT type, count(*) AS total FROM alert_events GROUP BY type ORDER BY type',
  statsPending: 'SELECT count(*) AS n FROM alert_changes',
  statsMail: `SELECT count(*) AS n FROM alert_events e JOIN alerts a ON a.id = e.alert_id
    WHERE e.mailed_at IS NULL AND ',' || a.delivery || ',' LIKE '%,mail,%'`,
} as const;

/** The changed papers' fields; `$ids` is the dialect's id-list condition on `p.id`. */
export const changedPapersSql = (ids: string) => `SELECT p.id, p.arxiv_id, p.version, p.title, p.abstract,
    p.authors_text, p.categories, p.submitted_at, p.comments,
    coalesce((SELECT s.votes + s.imported_votes FROM paper_stats s WHERE s.paper_id = p.id), 0) AS votes,
    (SELECT l.url FROM paper_links l WHERE l.paper_id = p.id AND l.kind = 'code' ORDER BY l.position LIMIT 1)
      AS code_url
  FROM papers p WHERE ${ids}`;

/**
 * Saved papers reach version/code alerts through collection_papers (its paper index, then the
 * alerts' (user_id, kind, target) key); trending alerts name their paper. `$ids` as above, on
 * the column given. CROSS JOIN fixes that order for SQLite (PostgreSQL plans it as any inner
 * join): left to itself, SQLite started from every version/code alert (the alerts_kind index)
 * and probed each reader's saves for every changed paper — alerts × changed papers probes, 2.6 s
 * for 1,000 readers and 7,000 changed papers (bench/alerts.bench.ts), 38 ms in this order.
 */
export const watchersSql = (ids: (column: string) => string) => `SELECT DISTINCT a.id, a.user_id, a.kind,
    cp.paper_id, a.threshold, a.delivery
  FROM collection_papers cp CROSS JOIN alerts a
  WHERE ${ids('cp.paper_id')} AND a.user_id = cp.user_id AND a.kind IN ('version', 'code') AND a.paused = 0
  UNION ALL
  SELECT a.id, a.user_id, a.kind, a.paper_id, a.threshold, a.delivery FROM alerts a
  WHERE a.kind = 'trending' AND a.paused = 0 AND ${ids('a.paper_id')}`;

export interface AlertRow {
  id: number | string;
  user_id: number | string;
  kind: AlertKind;
  target: string;
  paper_id: number | string | null;
  threshold: number | null;
  delivery: string;
  paused: number;
  created_at: string;
  last_fired_at: string | null;
  last_reason: string | null;
}

export const deliveryText = (d: readonly Delivery[]) => [...new Set(d)].sort().join(',');
const deliveries = (s: string) => (s === '' ? [] : (s.split(',') as Delivery[]));

export const toAlert = (r: AlertRow): Alert => ({
  id: Number(r.id),
  userId: Number(r.user_id),
  kind: r.kind,
  target: r.target,
  paperId: r.paper_id === null ? null : Number(r.paper_id),
  threshold: r.threshold === null ? null : Number(r.threshold),
  delivery: deliveries(r.delivery),
  paused: Number(r.paused) === 1,
  createdAt: r.created_at,
  lastFiredAt: r.last_fired_at,
  lastReason: r.last_reason,
});

export interface ChangedPaperRow {
  id: number | string;
  arxiv_id: string;
  version: number;
  title: string;
  abstract: string;
  authors_text: string;
  categories: string;
  submitted_at: string;
  comments: string | null;
  votes: number | string;
  code_url: string | null;
}

export const toChangedPaper = (r: ChangedPaperRow): ChangedPaper => ({
  id: Number(r.id),
  arxivId: r.arxiv_id,
  version: Number(r.version),
  title: r.title,
  abstract: r.abstract,
  // papers.authors_text is the display names joined with ", " (migration 001).
  authors: r.authors_text === '' ? [] : r.authors_text.split(', '),
  categories: r.categories.split(' ').filter(Boolean),
  submittedAt: r.submitted_at,
  comments: r.comments,
  votes: Number(r.votes),
  codeUrl: r.code_url,
});

export interface WatcherRow {
  id: number | string;
  user_id: number | string;
  kind: Watcher['kind'];
  paper_id: number | string;
  threshold: number | null;
  delivery: string;
}

export const toWatcher = (r: WatcherRow): Watcher => ({
  alertId: Number(r.id),
  userId: Number(r.user_id),
  kind: r.kind,
  paperId: Number(r.paper_id),
  threshold: r.threshold === null ? null : Number(r.threshold),
  delivery: deliveries(r.delivery),
});

export interface EventRow {
  id: number | string;
  user_id: number | string;
  alert_id: number | string;
  type: AlertEventType;
  paper_id: number | string;
  arxiv_id: string;
  title: string;
  reason: string;
  created_at: string;
}

export const toEvent = (r: EventRow): StoredEvent => ({
  id: Number(r.id),
  userId: Number(r.user_id),
  alertId: Number(r.alert_id),
  type: r.type,
  paperId: Number(r.paper_id),
  arxivId: r.arxiv_id,
  title: r.title,
  reason: r.reason,
  createdAt: r.created_at,
});
