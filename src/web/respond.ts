/** Small helpers every route plugin of the site shares: query parsing, formats, cached pages. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { InvalidInputError } from '../errors.ts';
import type { FeedItem } from '../feed/feed.ts';
import type { AppDeps } from './app.ts';
import type { Auth } from './auth.ts';
import { FEED_FORMATS, FEED_TYPES, type FeedFormat, type FeedMeta, renderFeed } from './feeds.ts';
import type { SafeHtml } from './html.ts';
import type { Site } from './site.ts';
import type { ListContext } from './views/cards.view.ts';
import { layout, type PageMeta } from './views/layout.view.ts';

export interface WebDeps extends AppDeps {
  site: Site;
  auth: Auth;
}

export const HTML = 'text/html; charset=utf-8';

export function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success)
    throw new InvalidInputError(
      r.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '),
    );
  return r.data;
}

/** `html` or a feed format, from a `.rss`/`.atom`/`.json` suffix or `?format=`. */
export function formatOf(ext: string | undefined, query: unknown): 'html' | FeedFormat {
  const q = (query as { format?: unknown } | undefined)?.format;
  const f = ext ?? (typeof q === 'string' ? q : undefined);
  if (f === undefined || f === '' || f === 'html') return 'html';
  if ((FEED_FORMATS as readonly string[]).includes(f)) return f as FeedFormat;
  throw new InvalidInputError(`format must be html, rss, atom or json, not "${String(f).slice(0, 20)}"`);
}

/** Splits a known feed suffix off a path segment: `cs.LG.rss` → [`cs.LG`, `rss`]. */
export function splitExt(segment: string): [string, FeedFormat | undefined] {
  for (const f of FEED_FORMATS) if (segment.endsWith(`.${f}`)) return [segment.slice(0, -f.length - 1), f];
  return [segment, undefined];
}

/** The same path with a format suffix/parameter, for `<link rel=alternate>` and footer links. */
export function feedLinks(path: string, query: string): { rss: string; atom: string; json: string } {
  const q = query ? `?${query}` : '';
  return { rss: `${path}.rss${q}`, atom: `${path}.atom${q}`, json: `${path}.json${q}` };
}

export function sendFeed(
  reply: FastifyReply,
  deps: WebDeps,
  format: FeedFormat,
  meta: Omit<FeedMeta, 'link' | 'self'> & { path: string; query: string },
  items: FeedItem[],
) {
  const base = deps.config.baseUrl!.replace(/\/$/, '');
  const q = meta.query ? `?${meta.query}` : '';
  const body = renderFeed(
    format,
    {
      title: meta.title,
      description: meta.description,
      link: `${base}${meta.path}${q}`,
      self: `${base}${meta.path}.${format}${q}`,
    },
    items,
    base,
  );
  return reply.type(FEED_TYPES[format]).header('Cache-Control', 'public, max-age=300').send(body);
}

export async function listContext(
  deps: WebDeps,
  req: FastifyRequest,
  items: FeedItem[],
): Promise<ListContext> {
  const viewer = req.viewer;
  const voted = viewer
    ? await deps.store.community.votedFor(
        viewer.user.id,
        items.map((i) => i.paper.id),
      )
    : new Set<number>();
  return { viewer, voted, now: deps.site.now().getTime(), returnTo: req.url.slice(0, 1000) };
}

/**
 * Sends an HTML page. Pages for signed-out readers are the same for everyone and are served from
 * the micro-cache (see page-cache.ts); signed-in pages are rendered every time and never cached.
 */
export async function sendPage(
  deps: WebDeps,
  req: FastifyRequest,
  reply: FastifyReply,
  render: () => Promise<{ meta: Omit<PageMeta, 'siteName' | 'viewer'>; body: SafeHtml; status?: number }>,
  options: { cache?: boolean } = {},
) {
  const cache = deps.site.pageCache;
  // Pages with a form for signed-out readers carry a per-reader CSRF cookie: never shared.
  const anonymous = req.viewer === null && options.cache !== false;
  const key = req.url;
  if (anonymous) {
    const hit = cache.get(key);
    if (hit)
      return reply.status(hit.status).type(hit.type).header('Cache-Control', 'no-cache').send(hit.body);
  }
  const page = await render();
  const body = layout(
    { ...page.meta, siteName: deps.config.siteName, viewer: req.viewer, path: req.url },
    page.body,
  );
  const status = page.status ?? 200;
  if (anonymous && status === 200) cache.set(key, { status, type: HTML, body });
  return reply
    .status(status)
    .type(HTML)
    .header('Cache-Control', req.viewer === null ? 'no-cache' : 'private, no-store')
    .send(body);
}
