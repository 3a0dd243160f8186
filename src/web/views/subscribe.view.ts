/**
 * The subscribe form partial ("Get trending papers in your email inbox"), placed on feed pages by
 * their views. A plain POST form: no account, no script; its CSRF token is put in per reader when the page
 * is sent (layout.view.ts FORM_TOKEN_SLOT), as pages with it are shared by the micro-cache. `form` names the page it sits on, for the
 * consent record; the consent text shown is the versioned one stored with each request.
 */
import { CONSENT_TEXT } from '../../digest/subscriptions.ts';
import { html, type SafeHtml } from '../html.ts';
import { sharedCsrfField } from './layout.view.ts';

export function subscribeForm(options: { form?: string } = {}): SafeHtml {
  return html`<form class="subscribe" method="post" action="/digest/subscribe">
  <h2>Get trending papers in your email inbox</h2>
  ${sharedCsrfField()}<input type="hidden" name="form" value="${options.form ?? 'feed'}">
  <label>Email <input type="email" name="email" required maxlength="254" autocomplete="email" placeholder="you@example.org"></label>
  <label>How often
    <select name="frequency">
      <option value="daily">Daily (weekdays)</option>
      <option value="weekly">Weekly (Mondays)</option>
    </select>
  </label>
  <input type="hidden" name="weekday" value="1">
  <button type="submit">Subscribe</button>
  <p class="hint">${CONSENT_TEXT} We send one confirmation mail first; nothing else until you confirm.</p>
</form>`;
}
