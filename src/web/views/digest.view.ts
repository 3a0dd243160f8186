/** Pages of the subscription flow and /admin/digests. Everything interpolated is escaped. */
import type { DigestRun, OutboxStatus, Subscriber } from '../../digest/types.ts';
import { OUTBOX_STATUSES } from '../../digest/types.ts';
import { html, type SafeHtml } from '../html.ts';
import { tokenField } from './layout.view.ts';

export function messagePage(title: string, lines: (string | SafeHtml)[]): SafeHtml {
  return html`<section class="digest-page"><h1>${title}</h1>${lines.map((l) => html`<p>${l}</p>`)}</section>`;
}

export function checkInboxBody(): SafeHtml {
  return messagePage('Check your inbox', [
    'If that address can receive the digest, a confirmation mail is on its way. Open the link in it and press Confirm to start.',
    'Nothing else is sent until you confirm, and the link works for 7 days.',
  ]);
}

/** GET of a confirm link: a button that POSTs (mail scanners follow GETs; a GET changes nothing). */
export function confirmBody(action: string, csrf: string): SafeHtml {
  return html`<section class="digest-page"><h1>Confirm your subscription</h1>
<form method="post" action="${action}">${tokenField(csrf)}<button type="submit">Confirm</button></form></section>`;
}

export function unsubscribeBody(action: string, done: boolean, preferences: string): SafeHtml {
  if (done)
    return messagePage("You're unsubscribed", [
      'No more digests will be sent to this address.',
      html`Changed your mind? <a href="${preferences}">Subscribe again</a>.`,
    ]);
  return html`<section class="digest-page"><h1>Unsubscribe</h1>
<p>Stop the papers digest for this address?</p>
<form method="post" action="${action}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form></section>`;
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export function preferencesBody(s: Subscriber, action: string, saved: boolean, csrf: string): SafeHtml {
  const i = s.interests;
  const resubscribe =
    s.status === 'unsubscribed'
      ? html`<form method="post" action="${action}/resubscribe" class="row">${tokenField(csrf)}<span>This address is unsubscribed.</span><button type="submit">Subscribe again</button></form>`
      : '';
  return html`<section class="digest-page"><h1>Digest preferences</h1>
<p>For <strong>${s.email}</strong> (${s.status}).${saved ? ' Saved.' : ''}</p>
${resubscribe}
<form method="post" action="${action}" class="stack preferences">${tokenField(csrf)}
  <label for="p-frequency">Frequency</label>
  <select id="p-frequency" name="frequency">
    <option value="daily"${s.frequency === 'daily' ? ' selected' : ''}>Daily (weekdays, after the arXiv listing)</option>
    <option value="weekly"${s.frequency === 'weekly' ? ' selected' : ''}>Weekly</option>
  </select>
  <label for="p-weekday">Weekly on</label>
  <select id="p-weekday" name="weekday">${DAYS.map((d, n) => html`<option value="${n}"${n === s.weekday ? ' selected' : ''}>${d}</option>`)}</select>
  <label for="p-count">Papers per digest</label>
  <input id="p-count" type="number" name="paperCount" min="5" max="50" value="${s.paperCount}">
  <label for="p-categories">Categories <span class="muted">(comma-separated, e.g. cs.LG, cs.CV)</span></label>
  <input id="p-categories" type="text" name="categories" value="${i.categories.join(', ')}">
  <label for="p-keywords">Keywords or search queries <span class="muted">(one per line; e.g. "diffusion model" -survey)</span></label>
  <textarea id="p-keywords" name="keywords" rows="4">${i.keywords.join('\n')}</textarea>
  <label for="p-authors">Authors <span class="muted">(one per line)</span></label>
  <textarea id="p-authors" name="authors" rows="3">${i.authors.join('\n')}</textarea>
  <button type="submit">Save</button>
</form>
<h2>Your data</h2>
<p><a href="${action}/export">Download everything we store about you (JSON)</a></p>
<form method="post" action="${action}/erase" class="row">${tokenField(csrf)}<button type="submit">Erase my data and unsubscribe</button></form>
</section>`;
}

function count(c: Partial<Record<OutboxStatus, number>>, s: OutboxStatus) {
  return c[s] ?? 0;
}

export function adminDigestsBody(
  runs: DigestRun[],
  periods: { period: string; counts: Partial<Record<OutboxStatus, number>> }[],
  subscribers: Record<string, number>,
): SafeHtml {
  return html`<section class="admin"><h1>Digests</h1>
${
  Object.keys(subscribers).length === 0
    ? html`<p class="empty">No subscribers yet. Point readers to the “Get trending papers in your email inbox” form on the home page.</p>`
    : html`<p>Subscribers: ${Object.entries(subscribers)
        .map(([k, v]) => `${k} ${v}`)
        .join(' · ')}</p>`
}
<h2>Outbox by period</h2>
<table class="runs"><thead><tr><th>period</th>${OUTBOX_STATUSES.map((s) => html`<th>${s}</th>`)}</tr></thead>
<tbody>${periods.map((p) => html`<tr><td>${p.period}</td>${OUTBOX_STATUSES.map((s) => html`<td>${count(p.counts, s)}</td>`)}</tr>`)}</tbody></table>
<h2>Runs</h2>
<table class="runs"><thead><tr><th>#</th><th>slot</th><th>by</th><th>status</th><th>started</th><th>planned</th><th>nothing new</th><th>sent</th><th>failed</th><th>expired</th><th>message</th></tr></thead>
<tbody>${runs.map(
    (
      r,
    ) => html`<tr class="run status-${r.status}"><td>${r.id}</td><td>${r.slot.slice(0, 16).replace('T', ' ')}</td><td>${r.trigger}</td><td><strong>${r.status}</strong></td>
<td>${r.startedAt.slice(0, 19).replace('T', ' ')}</td><td>${r.planned}</td><td>${r.skippedEmpty}</td><td>${r.sent}</td><td>${r.failed}</td><td>${r.expired}</td><td>${r.message ?? ''}</td></tr>`,
  )}</tbody></table></section>`;
}
