/**
 * A reader's alerts in the account's data export (issue 14 item 8's document,
 * web/privacy.routes.ts): every alert with its delivery and state, every webhook with its URL and
 * state, and the newest events. Never a webhook's signing secret: the export is a file a reader
 * downloads and keeps, and the secret would let whoever holds the file forge alerts to their
 * receiver.
 */
import type { Alert, AlertRepository } from './types.ts';
import type { WebhookRepository } from './webhook.repo.ts';

/** An alert as the export and the JSON API (web/alerts.api.ts) show it. */
export const alertRecord = (a: Alert) => ({
  id: a.id,
  kind: a.kind,
  target: a.target,
  threshold: a.threshold,
  delivery: a.delivery,
  paused: a.paused,
  createdAt: a.createdAt,
  lastFiredAt: a.lastFiredAt,
  lastReason: a.lastReason,
});

/** Events exported: the newest, as many as a reader could have read recently. */
const EXPORTED_EVENTS = 1000;

export async function exportAlerts(
  repos: { alerts: AlertRepository; webhooks: WebhookRepository },
  userId: number,
) {
  const [alerts, webhooks, events] = await Promise.all([
    repos.alerts.list(userId),
    repos.webhooks.byUser(userId),
    repos.alerts.events(userId, EXPORTED_EVENTS),
  ]);
  return {
    alerts: alerts.map(alertRecord),
    webhooks: webhooks.map((w) => ({
      id: w.id,
      url: w.url,
      collectionId: w.collectionId,
      createdAt: w.createdAt,
      disabledAt: w.disabledAt,
      disabledReason: w.disabledReason,
    })),
    recentEvents: events.map((e) => ({
      id: e.id,
      alertId: e.alertId,
      type: e.type,
      arxivId: e.arxivId,
      title: e.title,
      reason: e.reason,
      createdAt: e.createdAt,
    })),
  };
}
