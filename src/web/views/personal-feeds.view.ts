/** /settings/feeds (issue 14 item 5): the reader's private feed URLs and "new links". */
import { html, type SafeHtml } from '../html.ts';
import { csrfField, type Viewer } from './layout.view.ts';

export interface PersonalFeedLink {
  title: string;
  /** Absolute URLs by format. */
  urls: { rss: string; atom: string; json: string };
}

export function personalFeedsPage(viewer: Viewer, feeds: PersonalFeedLink[], renewed: boolean): SafeHtml {
  return html`<h1>Your feeds</h1>
${renewed ? html`<p class="ok" role="status">New links made: every link you had before has stopped working.</p>` : ''}
<p class="muted">Private addresses for a feed reader: each link opens that one feed (private collections included) and nothing else, without logging in. Keep them to yourself. “New links” ends every old one at once; so does a password reset.</p>
<ul class="plain personal-feeds">${feeds.map(
    (f) =>
      html`<li><strong>${f.title}</strong><br><label>RSS <input type="text" readonly value="${f.urls.rss}" aria-label="RSS address of ${f.title}" class="feed-url"></label> <a href="${f.urls.atom}">Atom</a> · <a href="${f.urls.json}">JSON</a></li>`,
  )}</ul>
<form method="post" action="/settings/feeds/renew">${csrfField(viewer)}<button type="submit">New links (old ones stop working)</button></form>`;
}
