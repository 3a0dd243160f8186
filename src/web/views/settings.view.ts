/**
 * The site settings fields, shared by the setup page and /admin/settings, and the settings page.
 * A field fixed by env or a flag is shown disabled with what fixes it: a browser does not send a
 * disabled field, and the route keeps the saved value of a locked field whatever is posted.
 */
import type { SettingField, SiteSettings } from '../../setup/settings.ts';
import { html, type SafeHtml } from '../html.ts';
import { tokenField } from './layout.view.ts';

/** Offered as checkboxes; any other category can be typed in "Other categories". */
const COMMON_CATEGORIES: [string, string][] = [
  ['cs.LG', 'Machine Learning'],
  ['cs.CV', 'Computer Vision'],
  ['cs.CL', 'Computation and Language'],
  ['cs.AI', 'Artificial Intelligence'],
  ['stat.ML', 'Statistics: Machine Learning'],
  ['cs.RO', 'Robotics'],
  ['cs.IR', 'Information Retrieval'],
  ['cs.CR', 'Cryptography and Security'],
];

export type Locks = Partial<Record<SettingField, string>>;
export type Notice = { kind: 'error' | 'ok'; text: string } | null;

const off = (by: string | undefined) => (by ? html` disabled` : '');
const lockNote = (by: string | undefined) =>
  by ? html` <span class="locked">set by <code>${by}</code>; change it there</span>` : '';

export function noticeLine(n: Notice): SafeHtml {
  return n ? html`<p class="${n.kind === 'error' ? 'error' : 'notice'}" role="status">${n.text}</p>` : html``;
}

/** Site name, categories, featuring mode, SMTP URL and sender, with a "send test mail" button. */
export function settingsFields(s: SiteSettings, locks: Locks, testMail: SafeHtml): SafeHtml {
  const others = s.categories.filter((c) => !COMMON_CATEGORIES.some(([id]) => id === c)).join(' ');
  return html`<fieldset><legend>Site</legend>
<label for="siteName">Site name${lockNote(locks.siteName)}</label><input id="siteName" name="siteName" type="text" required maxlength="80" value="${s.siteName}"${off(locks.siteName)}>
</fieldset>
<fieldset><legend>arXiv categories to follow${lockNote(locks.categories)}</legend>
<p class="muted">Paperboy fetches the last 7 days of these at once, then every evening when arXiv announces.</p>
${COMMON_CATEGORIES.map(
  ([id, label]) =>
    html`<label class="check"><input type="checkbox" name="cat" value="${id}"${s.categories.includes(id) ? html` checked` : ''}${off(locks.categories)}> ${id} <span class="muted">${label}</span></label>`,
)}
<label for="otherCats">Other categories <span class="muted">(space-separated, e.g. q-bio.NC math.OC)</span></label><input id="otherCats" name="otherCats" type="text" value="${others}"${off(locks.categories)}>
</fieldset>
<fieldset><legend>Daily page${lockNote(locks.featureMode)}</legend>
<label class="check"><input type="radio" name="featureMode" value="auto"${s.featureMode === 'auto' ? html` checked` : ''}${off(locks.featureMode)}> Feature every new paper in these categories automatically</label>
<label class="check"><input type="radio" name="featureMode" value="curate"${s.featureMode === 'curate' ? html` checked` : ''}${off(locks.featureMode)}> Curate by hand: only papers readers submit are featured</label>
</fieldset>
<fieldset><legend>Mail <span class="muted">(optional: without it, mails are written to files under the data directory)</span></legend>
<label for="smtpUrl">SMTP URL${lockNote(locks.smtpUrl)}</label><input id="smtpUrl" name="smtpUrl" type="text" placeholder="smtp://user:password@mail.example.org:587" value="${s.smtpUrl ?? ''}"${off(locks.smtpUrl)}>
<label for="mailFrom">From${lockNote(locks.mailFrom)}</label><input id="mailFrom" name="mailFrom" type="text" value="${s.mailFrom ?? ''}"${off(locks.mailFrom)}>
${testMail}
</fieldset>`;
}

export interface SettingsForm {
  csrf: string;
  settings: SiteSettings;
  locks: Locks;
  /** Saved values the schema refuses (ignored until fixed here). */
  refused: string[];
  /** Where the test mail goes (the admin's address). */
  to: string;
  notice: Notice;
}

export function settingsPage(f: SettingsForm): SafeHtml {
  return html`<h1>Settings</h1>
<p class="muted">Changes apply at once, here and to the next <code>paperboy</code> command. Settings from the environment or a command-line flag win over these and are shown as such.</p>
${noticeLine(f.notice)}
${f.refused.length ? html`<div class="error" role="status"><p>These saved settings are ignored:</p><ul>${f.refused.map((r) => html`<li>${r}</li>`)}</ul></div>` : ''}
<form method="post" action="/admin/settings" class="setup">
${tokenField(f.csrf)}
${settingsFields(
  f.settings,
  f.locks,
  html`<label for="to">Send a test mail to</label><input id="to" name="to" type="email" value="${f.to}">
<button type="submit" formaction="/admin/settings/test-mail" formnovalidate class="secondary">Send test mail</button>`,
)}
<button type="submit">Save settings</button>
</form>
<p><a href="/admin">Back to the admin overview</a></p>`;
}
