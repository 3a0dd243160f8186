/**
 * Alerts as every entry point builds them (issue 15): the site (web/site.ts, which computes
 * events after votes and submissions and every ALERT_POLL_MS for writes of other processes) and
 * the scheduled harvest (schedule.ts, which computes them right after).
 */
import { type ComputeOptions, paperLink } from '../alerts/compute.ts';
import { AlertService } from '../alerts/service.ts';
import type { Config } from '../config/config.ts';
import type { DigestAlerts } from '../digest/plan.ts';
import type { Store } from './store.ts';

/** Changes written by other processes (`paperboy import`, a second server) wait at most this long. */
export const ALERT_POLL_MS = 60_000;

function alertOptions(config: Config, now?: () => number): ComputeOptions {
  // Webhook-bound events become deliveries in the transaction that stores them
  // (alerts/alerts.*.repo.ts `record`); every serving process's worker (web/webhooks.routes.ts)
  // claims and sends them, finding new ones at its next poll (a second at most).
  return { baseUrl: config.baseUrl ?? '', now };
}

export function createAlerts(store: Store, config: Config, now?: () => number): AlertService {
  return new AlertService(store, {
    ...alertOptions(config, now),
    webhookStatus: { health: () => store.webhooks.health() },
  });
}

/** Events listed in one digest's "Your alerts" section. */
const DIGEST_ALERTS = 50;

/** The digest's "Your alerts" section (digest/plan.ts `DigestAlerts`): events of digest-delivery alerts. */
export function digestAlerts(store: Store, config: Config): DigestAlerts {
  return {
    since: async (userId, since) =>
      (await store.alerts.eventsSince(userId, since, 'digest', DIGEST_ALERTS)).map((e) => ({
        title: e.title,
        reason: e.reason,
        url: paperLink(config.baseUrl ?? '', e.arxivId),
      })),
  };
}
