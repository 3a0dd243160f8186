/**
 * `/alerts` (issue 15 item 3): the reader's alerts with pause, delivery and delete as plain forms,
 * when each last fired and why, the newest events, and the form to add one; `/admin/alerts`
 * (item 4): counts per type and the queues.
 */
import type { AlertEvent } from '../../alerts/events.ts';
import {
  type Alert,
  type AlertKind,
  type AlertStats,
  DELIVERIES,
  type WebhookHealth,
} from '../../alerts/types.ts';
import { html, type SafeHtml } from '../html.ts';
import { tokenField, type Viewer } from './layout.view.ts';

const WHAT: Record<AlertKind, (a: Alert) => SafeHtml> = {
  search: (a) => html`New papers matching <code>${a.target}</code>`,
  author: (a) => html`New papers by ${a.target}`,
  category: (a) => html`New papers in ${a.target}`,
  version: () => html`A new version of a paper I saved`,
  code: () => html`Code released for a paper I saved`,
  trending: (a) =>
    html`<a href="/papers/${a.target}">${a.target}</a> reaches ${String(a.threshold)} vote${a.threshold === 1 ? '' : 's'}`,
};

const DELIVERY_LABEL: Record<(typeof DELIVERIES)[number], string> = {
  digest: 'in my digest',
  mail: 'by mail (at most one an hour)',
  feed: 'in my alert feed',
  webhook: 'to my webhooks',
};

const deliveryBoxes = (idPrefix: string, chosen: readonly string[]) =>
  DELIVERIES.map(
    (d) =>
      html`<label class="check" for="${idPrefix}-${d}"><input type="checkbox" id="${idPrefix}-${d}" name="delivery" value="${d}"${chosen.includes(d) ? html` checked` : ''}> ${DELIVERY_LABEL[d]}</label> `,
  );

function alertRow(a: Alert, viewer: Viewer): SafeHtml {
  const fired = a.lastFiredAt
    ? html`last fired <time datetime="${a.lastFiredAt}">${a.lastFiredAt.slice(0, 16).replace('T', ' ')} UTC</time>: ${a.lastReason ?? ''}`
    : html`not fired yet`;
  return html`<li class="alert${a.paused ? ' paused' : ''}" data-alert="${String(a.id)}">
<p><strong>${WHAT[a.kind](a)}</strong>${a.paused ? html` <span class="muted">(paused)</span>` : ''}<br><span class="muted">${fired}</span></p>
<form class="inline" method="post" action="/alerts/${String(a.id)}/delivery">${tokenField(viewer.csrf)}${deliveryBoxes(`d${a.id}`, a.delivery)}<button type="submit">Save delivery</button></form>
<form class="inline" method="post" action="/alerts/${String(a.id)}/pause">${tokenField(viewer.csrf)}<input type="hidden" name="paused" value="${a.paused ? '0' : '1'}"><button type="submit">${a.paused ? 'Resume' : 'Pause'}</button></form>
<form class="inline" method="post" action="/alerts/${String(a.id)}/delete">${tokenField(viewer.csrf)}<button type="submit" class="link">Delete</button></form>
</li>`;
}

export function alertsPage(
  alerts: Alert[],
  events: AlertEvent[],
  viewer: Viewer,
  feedUrl: string | null,
): SafeHtml {
  return html`<h1>Alerts</h1>
<p class="muted">Be told when a new paper matches a search, an author or a category you follow, when a paper you saved gets a new version or its code, or when it trends.${feedUrl ? html` Your <a href="${feedUrl}">alert feed</a> is private: keep its address to yourself.` : ''}</p>
${alerts.length ? html`<ul class="alerts">${alerts.map((a) => alertRow(a, viewer))}</ul>` : html`<p class="muted">No alerts yet.</p>`}
<h2>Add an alert</h2>
<form method="post" action="/alerts">${tokenField(viewer.csrf)}
<p><label for="al-kind">Tell me about</label> <select id="al-kind" name="kind">
<option value="search">new papers matching a search</option><option value="author">new papers by an author</option><option value="category">new papers in a category</option>
<option value="version">new versions of papers I saved</option><option value="code">code released for papers I saved</option><option value="trending">a paper reaching a number of votes</option></select></p>
<p><label for="al-target">Search, author, category or arXiv id</label> <input id="al-target" type="text" name="target" maxlength="300" placeholder="diffusion -survey · Jane Doe · cs.LG · 2401.01234"></p>
<p><label for="al-threshold">Votes (for a paper reaching a number of votes)</label> <input id="al-threshold" type="number" name="threshold" min="1" placeholder="50"></p>
<fieldset><legend>Deliver</legend>${deliveryBoxes('al-new', ['digest'])}</fieldset>
<p><button type="submit">Add alert</button></p></form>
<h2>Latest events</h2>
${events.length ? html`<ul class="alert-events">${events.map((e) => html`<li><a href="/papers/${e.arxivId}">${e.title}</a> — ${e.reason} <span class="muted">${e.createdAt.slice(0, 16).replace('T', ' ')} UTC</span></li>`)}</ul>` : html`<p class="muted">None yet.</p>`}`;
}

export function adminAlertsPage(stats: AlertStats, hooks: WebhookHealth | null): SafeHtml {
  return html`<h1>Alerts</h1>
<h2>Alerts per type</h2>
<table><thead><tr><th>type</th><th>alerts</th><th>paused</th></tr></thead><tbody>${stats.alerts.map((r) => html`<tr><td>${r.kind}</td><td>${String(r.total)}</td><td>${String(r.paused)}</td></tr>`)}</tbody></table>
<h2>Events per type</h2>
<table><thead><tr><th>type</th><th>events</th></tr></thead><tbody>${stats.events.map((r) => html`<tr><td>${r.type}</td><td>${String(r.total)}</td></tr>`)}</tbody></table>
<h2>Queues</h2>
<ul><li>changes waiting for event computation: <strong data-queue="changes">${String(stats.pendingChanges)}</strong></li>
<li>events waiting for the hourly mail: <strong data-queue="mail">${String(stats.pendingMail)}</strong></li>
${hooks ? html`<li>webhook deliveries queued: <strong data-queue="webhooks">${String(hooks.queued)}</strong></li>` : ''}</ul>
<h2>Failing webhooks</h2>
${
  hooks === null
    ? html`<p class="muted">Webhook delivery is not set up on this site.</p>`
    : hooks.failing.length
      ? html`<table><thead><tr><th>owner</th><th>URL</th><th>failures</th><th>last error</th></tr></thead><tbody>${hooks.failing.map((f) => html`<tr><td>${f.owner}</td><td>${f.url}</td><td>${String(f.failures)}</td><td>${f.lastError ?? ''}</td></tr>`)}</tbody></table>`
      : html`<p class="muted">None.</p>`
}`;
}
