/**
 * `/settings` (issue 16 item 14): one page for the signed-in reader's account. Name, password and
 * address forms post to account-settings.routes.ts; deleting the account is the one deletion of
 * /settings/account (privacy.routes.ts), shown here with the same words; API tokens and sessions
 * live on the profile page and are linked.
 */
import { CONSENT_TEXT } from '../../digest/subscriptions.ts';
import type { Subscriber } from '../../digest/types.ts';
import type { User } from '../../users/types.ts';
import { DISPLAY_NAME_RULE, MIN_PASSWORD_LENGTH } from '../../users/user.ts';
import { html, type SafeHtml } from '../html.ts';
import { deleteSection } from './privacy.view.ts';

/** Which form a message belongs to, so it is shown beside that form. */
type SettingsForm = 'name' | 'password' | 'email' | 'delete';

export interface SettingsPageData {
  user: User;
  csrf: string;
  tokens: number;
  /** The digest subscription of the account's address, with its preferences link. */
  digest: { subscriber: Subscriber; preferencesUrl: string } | null;
  message: { form: SettingsForm; kind: 'ok' | 'error'; text: string } | null;
  /** What the reader typed into a refused name or address form (never a password). */
  typed?: { name?: string; email?: string };
}

const csrf = (token: string) => html`<input type="hidden" name="csrf" value="${token}">`;

function note(d: SettingsPageData, form: SettingsForm): SafeHtml | '' {
  const m = d.message;
  if (!m || m.form !== form) return '';
  return m.kind === 'error'
    ? html`<p class="error" role="alert">${m.text}</p>`
    : html`<p class="ok" role="status">${m.text}</p>`;
}

const PASSWORD_RULE = `at least ${MIN_PASSWORD_LENGTH} characters and not easy to guess: a few uncommon words work well`;

export function accountSettingsPage(d: SettingsPageData): SafeHtml {
  const u = d.user;
  return html`<h1>Settings</h1>
<p class="muted">Signed in as ${u.displayName} (<a href="/users/${encodeURIComponent(u.name)}">/users/${u.name}</a>), ${u.email}.</p>
<h2 id="name">Display name</h2>${note(d, 'name')}
<form class="stack" method="post" action="/settings/name">${csrf(d.csrf)}
<label for="display-name">Name shown on your profile <span class="muted">(${DISPLAY_NAME_RULE}; your handle <code>${u.name}</code> in the profile address stays)</span></label><input id="display-name" type="text" name="name" required minlength="2" maxlength="50" autocomplete="name" value="${d.typed?.name ?? u.displayName}">
<button type="submit">Save name</button>
</form>
<h2 id="password">Password</h2>${note(d, 'password')}
<form class="stack" method="post" action="/settings/password">${csrf(d.csrf)}
<label for="current-password">Current password</label><input id="current-password" type="password" name="current" required maxlength="256" autocomplete="current-password">
<label for="new-password">New password <span class="muted">(${PASSWORD_RULE})</span></label><input id="new-password" type="password" name="password" required minlength="${MIN_PASSWORD_LENGTH}" maxlength="256" autocomplete="new-password">
<p class="muted">Your other login sessions end; this one stays. API tokens and personal feed links keep working.</p>
<button type="submit">Change password</button>
</form>
<h2 id="email">Email address</h2>${note(d, 'email')}
<form class="stack" method="post" action="/settings/email">${csrf(d.csrf)}
<label for="new-email">New address <span class="muted">(we mail a link to it; ${u.email} stays your address until the link is followed)</span></label><input id="new-email" type="email" name="email" required maxlength="254" autocomplete="email" value="${d.typed?.email ?? ''}">
<label for="email-password">Your password</label><input id="email-password" type="password" name="password" required maxlength="256" autocomplete="current-password">
<button type="submit">Change address</button>
</form>
<h2 id="digest">Digest</h2>
${digestSection(d)}
<h2 id="tokens">API tokens and sessions</h2>
<p>You have ${d.tokens === 1 ? 'one API token' : `${d.tokens} API tokens`}. <a href="/users/${encodeURIComponent(u.name)}#tokens">Create or revoke tokens</a> · <a href="/users/${encodeURIComponent(u.name)}#sessions">log out everywhere else</a> · <a href="/settings/feeds">your personal feeds</a> · <a href="/settings/account">download your data</a></p>
${deleteSection({ user: u, csrf: d.csrf }, d.message?.form === 'delete' ? d.message.text : null)}`;
}

function digestSection(d: SettingsPageData): SafeHtml {
  const u = d.user;
  if (d.digest) {
    const s = d.digest.subscriber;
    const state =
      s.status === 'confirmed'
        ? `${u.email} gets the ${s.frequency} digest.`
        : s.status === 'pending'
          ? `A subscription of ${u.email} waits for the link in the confirmation mail.`
          : `${u.email} is not subscribed (${s.status}).`;
    return html`<p>${state} <a href="${d.digest.preferencesUrl}">Digest preferences</a> (frequency, categories, keywords, unsubscribe).</p>`;
  }
  return html`<p>Trending papers by mail, to ${u.email}. ${CONSENT_TEXT} We send one confirmation mail first; nothing else until you confirm.</p>
<form class="row" method="post" action="/digest/subscribe">${csrf(d.csrf)}<input type="hidden" name="form" value="account"><input type="hidden" name="email" value="${u.email}"><input type="hidden" name="weekday" value="1">
<label for="digest-frequency">How often</label><select id="digest-frequency" name="frequency"><option value="daily">Daily (weekdays)</option><option value="weekly">Weekly (Mondays)</option></select>
<button type="submit">Subscribe ${u.email}</button></form>`;
}

export function confirmEmailChangePage(token: string, linkToken: string): SafeHtml {
  return html`<h1>Confirm your new email address</h1>
<form method="post" action="/settings/email/confirm">${csrf(token)}<input type="hidden" name="token" value="${linkToken}"><button type="submit">Make this my address</button></form>`;
}
