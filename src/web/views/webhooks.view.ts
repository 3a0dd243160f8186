/** /alerts/webhooks (issue 15 item 2): the reader's webhooks, each with its recent attempts. */
import type { Attempt, Delivery, Webhook } from '../../alerts/webhook.repo.ts';
import { html, type SafeHtml } from '../html.ts';
import { csrfField, type Viewer } from './layout.view.ts';

export interface WebhookView {
  hook: Webhook;
  collectionName: string | null;
  deliveries: Delivery[];
  attempts: Attempt[];
}

export interface WebhooksPageState {
  /** A just-added webhook's secret, shown once in full. */
  added?: Webhook;
  notice?: string;
  error?: string;
  url?: string;
}

const answer = (a: Attempt) =>
  a.statusCode !== null ? `HTTP ${a.statusCode}${a.error ? ` (${a.error})` : ''}` : (a.error ?? 'no answer');

function hookItem(viewer: Viewer, v: WebhookView): SafeHtml {
  const w = v.hook;
  const state = w.disabledAt
    ? html`<p class="error" role="status">Disabled since ${w.disabledAt}: ${w.disabledReason}. Nothing more is sent to it; delete it and add it again once the receiver works.</p>`
    : w.failures > 0
      ? html`<p class="muted">Failing: ${w.failures} failed attempts since ${w.failingSince}. It is disabled if every attempt fails for a day.</p>`
      : html`<p class="muted">Working.</p>`;
  return html`<li class="webhook"><strong>${w.url}</strong> — ${v.collectionName ? html`events about papers in “${v.collectionName}”` : 'every alert'}
${state}
<details><summary>Recent attempts (${v.attempts.length})</summary>
<table><thead><tr><th>When</th><th>Delivery</th><th>Attempt</th><th>Answer</th><th>Time</th></tr></thead><tbody>${v.attempts.map(
    (a) =>
      html`<tr><td>${a.at}</td><td><code>${a.deliveryId}</code></td><td>${a.attempt}</td><td>${answer(a)}</td><td>${a.durationMs} ms</td></tr>`,
  )}</tbody></table>
<p class="muted">Queued: ${v.deliveries.filter((d) => d.status === 'pending').length} waiting${v.deliveries
    .filter((d) => d.status === 'pending' && d.attempts > 0)
    .map((d) => html`; <code>${d.id}</code> retries at ${d.nextAttemptAt}`)}.</p>
</details>
<form method="post" action="/alerts/webhooks/${w.id}/test" class="inline">${csrfField(viewer)}<button type="submit"${w.disabledAt ? ' disabled' : ''}>Send test event</button></form>
<form method="post" action="/alerts/webhooks/${w.id}/delete" class="inline">${csrfField(viewer)}<button type="submit">Delete</button></form>
</li>`;
}

export function webhooksPage(
  viewer: Viewer,
  hooks: WebhookView[],
  collections: { id: number; name: string }[],
  s: WebhooksPageState,
): SafeHtml {
  return html`<h1>Alert webhooks</h1>
${s.error ? html`<p class="error" role="alert">${s.error}</p>` : ''}
${s.notice ? html`<p class="ok" role="status">${s.notice}</p>` : ''}
${
  s.added
    ? html`<p class="ok" role="status">Webhook added. Its signing secret (shown in full only now; check each request's <code>webhook-signature</code> with it):<br><input type="text" readonly value="${s.added.secret}" aria-label="Signing secret" class="feed-url"></p>`
    : ''
}
<p class="muted">Each alert that includes webhook delivery is POSTed as JSON to these URLs, signed (README, “Alert webhooks”). Failed deliveries are retried for up to a day.</p>
<ul class="plain webhooks">${hooks.map((v) => hookItem(viewer, v))}</ul>
${hooks.length === 0 ? html`<p>No webhooks yet.</p>` : ''}
<h2>Add a webhook</h2>
<form method="post" action="/alerts/webhooks">${csrfField(viewer)}
<label>URL (https://) <input type="url" name="url" required maxlength="2000" value="${s.url ?? ''}"></label>
<label>Events <select name="collection"><option value="">every alert</option>${collections.map(
    (c) => html`<option value="${String(c.id)}">papers in “${c.name}”</option>`,
  )}</select></label>
<button type="submit">Add webhook</button></form>`;
}
