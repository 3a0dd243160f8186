/** The page frame every HTML response shares. */
import { html, type SafeHtml } from '../html.ts';

export interface PageMeta {
  title: string;
  siteName: string;
  query?: string;
}

export function layout(meta: PageMeta, body: SafeHtml): string {
  const title = meta.title ? `${meta.title} · ${meta.siteName}` : meta.siteName;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="/static/app.css">
</head>
<body>
<header class="site">
  <a class="brand" href="/">${meta.siteName}</a>
  <form action="/search" method="get" role="search">
    <input type="search" name="q" value="${meta.query ?? ''}" placeholder="Search papers" aria-label="Search papers">
    <button type="submit">Search</button>
  </form>
</header>
<main>
${body}
</main>
<footer>Metadata from arXiv (CC0). Thank you to arXiv for use of its open access interoperability.</footer>
</body>
</html>
`.value;
}
