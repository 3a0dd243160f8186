/** /settings/account (issue 14 item 8): download everything, or delete the account. */
import { html, type SafeHtml } from '../html.ts';
import { csrfField, type Viewer } from './layout.view.ts';

export function accountPage(viewer: Viewer, message: string | null): SafeHtml {
  return html`<h1>Your account</h1>
<h2>Your data</h2>
<p><a href="/settings/account/export.json" download>Download everything</a> (one JSON file): your profile, the number of login sessions, your API tokens’ names and dates (never the tokens), votes, submissions, comments, library, follows, “less like this”/“hide”, start-out picks, For-you controls, whether personal feed links exist, and the digest subscription of your address.</p>
<p>Elsewhere: <a href="/settings/feeds">your personal feeds</a> · <a href="/users/${viewer.user.name}#tokens">API tokens and sessions</a> · <a href="/library">your library</a> · <a href="/following">what you follow</a></p>
${deleteSection(viewer, message)}`;
}

/** The deletion form with what it deletes; also on /settings (settings-account.view.ts). */
export function deleteSection(viewer: Viewer, message: string | null): SafeHtml {
  return html`<h2 id="delete">Delete your account</h2>
<p>This cannot be undone. Deleted at once: your account, login sessions, API tokens, library (private and public collections), follows, For-you feedback, picks and controls, personal feed links, and the digest subscription of ${viewer.user.email}. Your upvotes are taken back from the counts. Your comments lose their text and show “[deleted account]” (replies by others stay); papers you submitted stay featured, submitted by “[deleted account]”.</p>
${message ? html`<p class="error" role="alert">${message}</p>` : ''}
<form method="post" action="/settings/account/delete">${csrfField(viewer)}<label for="delete-password">Your password</label> <input id="delete-password" type="password" name="password" required autocomplete="current-password"> <button type="submit" class="danger">Delete my account</button></form>`;
}

export function deletedPage(): SafeHtml {
  return html`<h1>Your account is deleted</h1>
<p>Everything listed on the account page is gone, and you are logged out. Thank you for reading with us.</p>`;
}
