/**
 * Managing a reader's webhooks (issue 15 item 2; pages in src/web/webhooks.routes.ts): adding
 * checks the URL (webhook-ssrf.ts) and makes the signing secret; "send test event" queues a
 * `webhook.test` delivery that goes through the same worker, signature and retries as any event.
 */
import type { BlockList } from 'node:net';
import { iso } from '../db/statements.ts';
import { InvalidInputError, NotFoundError } from '../errors.ts';
import type { Webhook, WebhookRepository } from './webhook.repo.ts';
import { newDeliveryId } from './webhook-body.ts';
import { newWebhookSecret } from './webhook-sign.ts';
import { type Resolve, resolveTarget } from './webhook-ssrf.ts';

/** Webhooks per reader: enough for a chat and a pipeline per collection, not a fan-out tool. */
const MAX_WEBHOOKS = 10;

export async function addWebhook(
  repo: WebhookRepository,
  allow: BlockList,
  input: { userId: number; url: string; collectionId: number | null; nowMs: number },
  resolve?: Resolve,
): Promise<Webhook> {
  const url = input.url.trim();
  if (!url)
    throw new InvalidInputError('Webhook URL: enter the https:// address that should receive alerts.');
  await resolveTarget(url, allow, resolve);
  if ((await repo.byUser(input.userId)).length >= MAX_WEBHOOKS)
    throw new InvalidInputError(
      `You have ${MAX_WEBHOOKS} webhooks, the most an account may have; delete one first.`,
    );
  return repo.add({
    userId: input.userId,
    collectionId: input.collectionId,
    url,
    secret: newWebhookSecret(),
    at: iso(input.nowMs),
  });
}

/** Queues a test event for the reader's webhook; returns its delivery id. */
export async function sendTestEvent(
  repo: WebhookRepository,
  input: { userId: number; webhookId: number; siteUrl: string; nowMs: number },
): Promise<string> {
  const w = await repo.get(input.webhookId);
  if (!w || w.userId !== input.userId) throw new NotFoundError('No such webhook.');
  if (w.disabledAt)
    throw new InvalidInputError(`This webhook is disabled (${w.disabledReason}); add it again to resume.`);
  const id = newDeliveryId();
  const at = iso(input.nowMs);
  const payload = JSON.stringify({
    id,
    type: 'webhook.test',
    timestamp: at,
    data: {
      eventId: null,
      alertId: null,
      paperId: null,
      arxivId: null,
      title: 'Test event',
      link: `${input.siteUrl}/alerts/webhooks`,
      reason: 'You pressed "send test event" on /alerts/webhooks.',
    },
  });
  await repo.enqueue([{ id, webhookId: w.id, eventId: null, eventType: 'webhook.test', payload, at }]);
  return id;
}
