/** First run (issue 7): the setup page, the admin overview with the bootstrap status, banners. */
import type { FeedItem } from '../../feed/feed.ts';
import type { IngestRun } from '../../ingest/repository.ts';
import type { BootstrapStatus } from '../../setup/bootstrap.ts';
import type { SiteSettings } from '../../setup/settings.ts';
import { DISPLAY_NAME_RULE, HANDLE_RULE, MIN_PASSWORD_LENGTH } from '../../users/user.ts';
import { html, type SafeHtml } from '../html.ts';
import { adminStatus } from './admin-status.view.ts';
import { cardList, type ListContext } from './cards.view.ts';
import { type Locks, type Notice, noticeLine, settingsFields } from './settings.view.ts';

export interface SetupForm {
  token: string;
  csrf: string;
  /**
   * The admin account as typed. The password is sent back into the page (it is never cached:
   * no-store) so that "send test mail" or a refused other field does not empty it; a refused
   * password is not (issue 16 item 9).
   */
  account: { email: string; name: string; handle: string; password: string };
  settings: SiteSettings;
  /** Fields fixed by env or a flag. */
  locks: Locks;
  /** One line above the form: an error, or the test mail's outcome. */
  notice: Notice;
}

export function setupPage(f: SetupForm): SafeHtml {
  const s = f.settings;
  const a = f.account;
  return html`<h1>Set up ${s.siteName}</h1>
<p class="muted">This page works once: it creates the admin account and the link stops working. Everything here can be changed later on the admin's <a href="/admin/settings">settings page</a>.</p>
${noticeLine(f.notice)}
<form method="post" action="/setup" class="setup">
<input type="hidden" name="csrf" value="${f.csrf}"><input type="hidden" name="token" value="${f.token}">
<fieldset><legend>Admin account</legend>
<label for="email">Email</label><input id="email" name="email" type="email" required autocomplete="email" value="${a.email}">
<label for="name">Name <span class="muted">(shown on your profile: ${DISPLAY_NAME_RULE}, e.g. Ada Admin)</span></label><input id="name" name="name" type="text" required minlength="2" maxlength="50" autocomplete="name" value="${a.name}">
<label for="handle">Handle <span class="muted">(optional; your profile address /users/&lt;handle&gt;: ${HANDLE_RULE}. Left empty, your name is the handle if it follows these rules; otherwise one is made from it: lowercase, accents dropped, spaces and other characters become "-", so Ada Admin gets ada-admin)</span></label><input id="handle" name="handle" type="text" maxlength="30" autocomplete="username" value="${a.handle}">
<label for="password">Password <span class="muted">(at least ${MIN_PASSWORD_LENGTH} characters and not easy to guess: a few uncommon words work well)</span></label><input id="password" name="password" type="password" minlength="${MIN_PASSWORD_LENGTH}" autocomplete="new-password" value="${a.password}">
</fieldset>
${settingsFields(
  s,
  f.locks,
  html`<button type="submit" formaction="/setup/test-mail" formnovalidate class="secondary">Send test mail to the admin email</button>`,
)}
<button type="submit">Finish setup</button>
</form>`;
}

export function setupRefused(): SafeHtml {
  return html`<h1>This setup link no longer works</h1>
<p class="error">Setup is finished (or the link is wrong): a setup link works once.</p>
<p><a href="/login">Log in as the admin</a>. While no admin account exists, <code>paperboy setup</code> prints a working link.</p>`;
}

export interface AdminOverview {
  bootstrap: BootstrapStatus | null;
  /** The newest ingest run (shown while running, or when it could not reach arXiv). */
  lastRun: IngestRun | null;
  settings: SiteSettings;
  papers: number;
  demoPapers: number;
  mail: 'smtp' | 'file';
  /** Which admin pages this viewer may open: only those are linked. */
  links: { ingest: boolean; moderation: boolean; digests: boolean };
}

export function adminOverview(o: AdminOverview): SafeHtml {
  return html`<h1>Admin</h1>
${adminStatus(o.bootstrap, o.lastRun)}
<dl class="overview">
<dt>Site name</dt><dd>${o.settings.siteName}</dd>
<dt>Papers</dt><dd>${o.papers}${o.demoPapers ? html` (${o.demoPapers} of them demo data: <code>paperboy demo --remove</code> deletes them)` : ''}</dd>
<dt>Following</dt><dd>${o.settings.categories.join(', ') || 'no categories'}</dd>
<dt>Daily page</dt><dd>${o.settings.featureMode === 'auto' ? 'every new paper in these categories is featured' : 'curated by hand'}</dd>
<dt>Mail</dt><dd>${o.mail === 'smtp' ? 'sent through SMTP' : 'written to files (no SMTP configured)'}, from ${o.settings.mailFrom ?? ''}</dd>
</dl>
${adminLinks(o.links)}`;
}

function adminLinks(can: AdminOverview['links']): SafeHtml {
  const links = [
    html`<a href="/admin/settings">Settings</a>`,
    can.ingest ? html`<a href="/admin/ingest">Ingest runs</a>` : null,
    can.moderation ? html`<a href="/admin/moderation">Moderation</a>` : null,
    can.digests ? html`<a href="/admin/digests">Digests</a>` : null,
  ].filter((l) => l !== null);
  if (!links.length) return html``;
  return html`<p>${links.map((l, i) => (i ? html` · ${l}` : l))}</p>`;
}

/** The home page before anything is featured: the newest papers of the followed categories. */
export function followedFallback(items: FeedItem[], categories: string[], ctx: ListContext): SafeHtml {
  const where = categories.length ? `in ${categories.join(', ')}` : 'in the library';
  return html`<section class="fallback"><h2>Newest papers ${where}</h2>
<p class="notice">Nothing has been featured yet, so these are simply the newest papers. <a href="/submit">Submit a paper</a> or upvote one to put it on the daily page.</p>
${cardList(items, ctx, html`No papers yet. An admin can run <code>paperboy demo</code> to try the site, or wait for the first harvest.`)}</section>`;
}

export const DEMO_BANNER = html`<p class="demo-banner" role="note"><strong>Demo data.</strong> These papers, readers, votes and comments are generated; <code>paperboy demo --remove</code> deletes them.</p>`;
