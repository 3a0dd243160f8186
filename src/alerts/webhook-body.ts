/**
 * What a webhook delivery carries (README "Alert webhooks"): the delivery id receivers
 * de-duplicate on and the JSON body, fixed when queued so every retry sends the same bytes.
 * Shared by the event computation's transaction (alerts.*.repo.ts `record`, which queues an
 * event's deliveries with the event itself) and the worker.
 */
import { randomUUID } from 'node:crypto';
import type { AlertEvent } from './events.ts';
import type { EventInput } from './types.ts';
import type { NewDelivery } from './webhook.repo.ts';

/** The delivery id receivers de-duplicate on. */
export const newDeliveryId = () => `msg_${randomUUID().replaceAll('-', '')}`;

/** The JSON body (README "Alert webhooks"). */
export function eventBody(deliveryId: string, e: AlertEvent): string {
  return JSON.stringify({
    id: deliveryId,
    type: e.type,
    timestamp: e.createdAt,
    data: {
      eventId: e.id,
      alertId: e.alertId,
      paperId: e.paperId,
      arxivId: e.arxivId,
      title: e.title,
      link: e.link,
      reason: e.reason,
    },
  });
}

/** The delivery of a just-stored event (id `eventId`, stored at `now`) to webhook `webhookId`. */
export function eventDelivery(
  webhookId: number,
  eventId: number,
  e: EventInput & { webhook: NonNullable<EventInput['webhook']> },
  now: string,
): NewDelivery {
  const id = newDeliveryId();
  const event: AlertEvent = {
    id: eventId,
    userId: e.userId,
    alertId: e.alertId,
    type: e.type,
    paperId: e.paperId,
    ...e.webhook,
    reason: e.reason,
    createdAt: now,
  };
  return { id, webhookId, eventId, eventType: e.type, payload: eventBody(id, event), at: now };
}
