/** The page frame every HTML response shares. */
import { texText } from '../../papers/tex-text.ts';
import type { User } from '../../users/types.ts';
import { html, raw, type SafeHtml } from '../html.ts';

/** The signed-in reader of a page, with the CSRF token their forms carry. */
export interface Viewer {
  user: User;
  csrf: string;
}

export interface PageMeta {
  title: string;
  siteName: string;
  query?: string;
  viewer?: Viewer | null;
  /** Alternate representations of this page's list (`<link rel="alternate">`). */
  feeds?: { rss: string; atom: string; json: string };
  /** Where "log in" should come back to. */
  path?: string;
}

/**
 * Stands for the reader's CSRF token in a form on a page the anonymous micro-cache may share
 * (the subscribe form on feed pages): respond.ts `sendCached` puts each reader's token in at send
 * time. Escaped text can never contain it (`<` becomes `&lt;`), so only our own markup matches.
 */
export const FORM_TOKEN_SLOT = '<pb-form-token>';

/** The hidden token field of a form on a shared page, filled per reader when sent. */
export function sharedCsrfField(): SafeHtml {
  return raw(`<input type="hidden" name="csrf" value="${FORM_TOKEN_SLOT}">`);
}

/** The hidden token field of a form on a page rendered for one reader. */
export function tokenField(csrf: string): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${csrf}">`;
}

export function csrfField(viewer: Viewer | null | undefined): SafeHtml {
  return viewer ? html`<input type="hidden" name="csrf" value="${viewer.csrf}">` : html``;
}

function account(meta: PageMeta): SafeHtml {
  const v = meta.viewer;
  if (!v) {
    const next = meta.path && meta.path !== '/' ? `?next=${encodeURIComponent(meta.path)}` : '';
    return html`<a href="/login${next}">Log in</a><a href="/signup">Sign up</a>`;
  }
  const admin = v.user.role !== 'user' ? html`<a href="/admin/moderation">Moderation</a>` : '';
  return html`<a href="/library">Library</a><a href="/users/${encodeURIComponent(v.user.name)}">${v.user.name}</a>${admin}<form method="post" action="/logout" class="inline">${csrfField(v)}<button type="submit" class="link">Log out</button></form>`;
}

/**
 * Light, dark or the OS setting: a plain form (theme.routes.ts keeps the choice in a cookie and
 * marks <html>, so a page never flashes the other scheme); app.js switches in place.
 */
const THEME_FORM = html`<form method="post" action="/theme" class="theme"><span>Theme:</span><button name="theme" value="light">Light</button><button name="theme" value="dark">Dark</button><button name="theme" value="system">System</button></form>`;

export function layout(meta: PageMeta, body: SafeHtml): string {
  // The tab title cannot draw MathML: a paper's TeX is shown in its plain-text form (ℓ₁, 𝔼).
  const title = meta.title ? `${texText(meta.title)} · ${meta.siteName}` : meta.siteName;
  const f = meta.feeds;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/static/app.css">
${f ? html`<link rel="alternate" type="application/rss+xml" title="RSS" href="${f.rss}"><link rel="alternate" type="application/atom+xml" title="Atom" href="${f.atom}"><link rel="alternate" type="application/json" title="JSON" href="${f.json}">` : ''}
<script src="/static/app.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site">
  <a class="brand" href="/">${meta.siteName}</a>
  <input type="checkbox" id="menu" class="menu-toggle" aria-label="Show the menu">
  <label for="menu" class="menu-button" aria-hidden="true">Menu</label>
  <nav aria-label="Lists"><a href="/">Daily</a><a href="/trending">Trending</a>${meta.viewer ? html`<a href="/for-you">For you</a>` : ''}<a href="/submit">Submit</a></nav>
  <form action="/search" method="get" role="search">
    <input type="search" name="q" value="${meta.query ?? ''}" placeholder="Search papers" aria-label="Search papers">
    <button type="submit">Search</button>
  </form>
  <nav class="account" aria-label="Account">${account(meta)}</nav>
</header>
<main id="main">
${body}
</main>
<footer>${f ? html`<p class="feeds">This list as <a href="${f.rss}">RSS</a> · <a href="${f.atom}">Atom</a> · <a href="${f.json}">JSON</a></p>` : ''}${THEME_FORM}<p>Metadata from arXiv (CC0). Thank you to arXiv for use of its open access interoperability.</p></footer>
</body>
</html>
`.value;
}
