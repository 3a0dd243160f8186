/** Small helpers every route plugin of the site shares: query parsing, formats, cached pages. */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { InvalidInputError, NotFoundError, QueryTooBroadError } from '../errors.ts';
import type { FeedItem } from '../feed/feed.ts';
import { whyNotArxivId } from '../papers/arxiv-id.ts';
import { searchPapers } from '../search/service.ts';
import type { Auth } from './auth.ts';
import { markShared } from './compress.ts';
import type { AppDeps } from './deps.ts';
import { FEED_FORMATS, FEED_TYPES, type FeedFormat, renderFeed } from './feeds.ts';
import type { SafeHtml } from './html.ts';
import type { CachedPage } from './page-cache.ts';
import type { Site } from './site.ts';
import { themeOf } from './theme.routes.ts';
import type { ListContext } from './views/cards.view.ts';
import { FORM_TOKEN_SLOT, layout, type PageMeta } from './views/layout.view.ts';

export interface WebDeps extends AppDeps {
  site: Site;
  auth: Auth;
}

export const HTML = 'text/html; charset=utf-8';

/**
 * The 404 for a paper address whose id does not parse: "not found" first (an id-shaped typo such
 * as 9999.99999 is still an address nobody has), then why no paper can have it.
 */
export function noSuchPaper(raw: string): NotFoundError {
  const shown = raw.slice(0, 100);
  return new NotFoundError(`No paper "${shown}" found: ${whyNotArxivId(raw) ?? 'unknown id'}.`);
}

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

const SLOT = Buffer.from(FORM_TOKEN_SLOT);
/**
 * A cached page's bytes cut at its token slots, found once per cached body: a hit then costs a
 * map lookup and one concat, where decoding and re-encoding ~100 KB would cost more than the
 * rest of the hit (cached pages are served at thousands per second, bench/http.bench.ts).
 */
const slotParts = new WeakMap<Buffer, Buffer[] | null>();

function partsOf(body: Buffer): Buffer[] | null {
  const known = slotParts.get(body);
  if (known !== undefined) return known;
  const parts: Buffer[] = [];
  let from = 0;
  for (let at = body.indexOf(SLOT); at !== -1; at = body.indexOf(SLOT, from)) {
    parts.push(body.subarray(from, at));
    from = at + SLOT.length;
  }
  const result = parts.length ? [...parts, body.subarray(from)] : null;
  slotParts.set(body, result);
  return result;
}

/**
 * Puts this reader's CSRF token into the forms of a (possibly shared) page; `token` is the one
 * put in, or null when the page has no form.
 */
function withFormToken(
  deps: WebDeps,
  req: FastifyRequest,
  reply: FastifyReply,
  body: string | Buffer,
): { body: string | Buffer; token: string | null } {
  if (typeof body === 'string') {
    if (!body.includes(FORM_TOKEN_SLOT)) return { body, token: null };
    const token = deps.auth.formToken(req, reply);
    return { body: body.replaceAll(FORM_TOKEN_SLOT, token), token };
  }
  const parts = partsOf(body);
  if (!parts) return { body, token: null };
  const token = deps.auth.formToken(req, reply);
  const bytes = Buffer.from(token);
  const out: Buffer[] = [];
  parts.forEach((p, i) => {
    if (i > 0) out.push(bytes);
    out.push(p);
  });
  return { body: Buffer.concat(out), token };
}

/** Entity tags of bodies sent many times (cached pages), computed once per body. */
const tags = new WeakMap<Buffer, string>();

function etagOf(body: string | Buffer): string {
  const known = typeof body === 'string' ? undefined : tags.get(body);
  if (known) return known;
  // Weak: the same tag stands for the identity, gzip and brotli forms of these bytes.
  const tag = `W/"${createHash('sha1').update(body).digest('base64url').slice(0, 27)}"`;
  if (typeof body !== 'string') tags.set(body, tag);
  return tag;
}

/** If-None-Match: a list of tags or `*`, compared weakly (RFC 9110 13.1.2: W/ is ignored). */
function matches(header: string | undefined, tag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const v = t.trim().replace(/^W\//, '');
    return v === '*' || v === tag.slice(2);
  });
}

/**
 * Answers from the micro-cache (page-cache.ts) for signed-out readers, else computes, stores and
 * sends. Everything a page needs is computed inside `compute`, so a hit costs no database work.
 * Signed-out answers carry an ETag (a hash of the bytes sent, so the reader's own form token is
 * part of it), and a matching If-None-Match gets 304 with no body. The bytes of a cached page are
 * the same object every hit, so the hash and the compressed forms (compress.ts) are made once.
 */
export async function sendCached(
  deps: WebDeps,
  req: FastifyRequest,
  reply: FastifyReply,
  compute: () => Promise<{ body: string | Buffer; type: string; status?: number }>,
  options: { cache?: boolean; cacheControl?: string } = {},
) {
  const cache = deps.site.pageCache;
  const shared = req.viewer === null && options.cache !== false && cache.enabled;
  const cacheControl = options.cacheControl ?? (req.viewer === null ? 'no-cache' : 'private, no-store');
  const send = (p: { status: number; type: string; body: string | Buffer }) => {
    const { body, token } = withFormToken(deps, req, reply, p.body);
    reply.status(p.status).type(p.type).header('Cache-Control', cacheControl);
    if (req.viewer !== null || p.status !== 200) return reply.send(body);
    // The tag of the page as cached (made once per cached Buffer), then what this answer adds to
    // it: the reader's form token (hashed: a few bytes, where hashing the page with it in costs
    // as much as the rest of a cache hit, bench/http.bench.ts) and the theme, which
    // theme.routes.ts sets on the page after this — without it, a reader who just picked one
    // would be told their unthemed copy is still fresh.
    let tag = etagOf(p.body);
    if (token)
      tag = `${tag.slice(0, -1)}-${createHash('sha1').update(token).digest('base64url').slice(0, 12)}"`;
    const theme = themeOf(req.headers.cookie);
    if (theme) tag = `${tag.slice(0, -1)}-${theme}"`;
    reply.header('ETag', tag);
    if (Buffer.isBuffer(body) && body === p.body) markShared(body);
    if (matches(req.headers['if-none-match'], tag)) return reply.status(304).send();
    return reply.send(body);
  };
  const render = async () => {
    const page = await compute();
    return { status: page.status ?? 200, type: page.type, body: page.body };
  };
  if (!shared) return send(await render());
  // Stored encoded: a cached page is sent many times.
  const encoded = async (): Promise<CachedPage> => {
    const page = await render();
    return { ...page, body: typeof page.body === 'string' ? Buffer.from(page.body) : page.body };
  };
  return send(await cache.getOrRender(req.url, encoded));
}

/** The feed cards of these papers, in the given order (ids not found are skipped). */
export async function feedItemsOf(store: WebDeps['store'], ids: number[]): Promise<FeedItem[]> {
  const byId = new Map((await store.feed.items(ids)).map((i) => [i.paper.id, i]));
  return ids.flatMap((i) => byId.get(i) ?? []);
}

/** Items in a search feed, public (papers.routes.ts) or personal (personal-feeds.routes.ts). */
const SEARCH_FEED_SIZE = 50;

/**
 * A search as a feed's items: the newest matches first, as a feed reader expects (`sort:date`
 * appended; the last sort: of a query wins). A search stopped for matching too much is an error
 * (QueryTooBroadError, 503); a query the language refuses comes back as `error`, for the caller.
 */
export async function newestMatching(
  deps: WebDeps,
  q: string,
): Promise<{ items: FeedItem[]; error: string | null }> {
  const r = await searchPapers(
    { store: deps.store, config: deps.config },
    { q: `${q} sort:date`, pageSize: SEARCH_FEED_SIZE },
  );
  if (r.stopped) throw new QueryTooBroadError(r.stopped);
  if (r.error) return { items: [], error: `${r.error.message} (at character ${r.error.position + 1})` };
  return {
    items: await feedItemsOf(
      deps.store,
      r.hits.map((h) => h.paperId),
    ),
    error: null,
  };
}

export function sendFeed(
  req: FastifyRequest,
  reply: FastifyReply,
  deps: WebDeps,
  format: FeedFormat,
  meta: () => Promise<{ title: string; description: string; path: string; query: string; items: FeedItem[] }>,
) {
  const base = deps.config.baseUrl!.replace(/\/$/, '');
  return sendCached(
    deps,
    req,
    reply,
    async () => {
      const m = await meta();
      const q = m.query ? `?${m.query}` : '';
      const body = renderFeed(
        format,
        {
          title: m.title,
          description: m.description,
          link: `${base}${m.path}${q}`,
          self: `${base}${m.path}.${format}${q}`,
        },
        m.items,
        base,
      );
      return { body, type: FEED_TYPES[format] };
    },
    { cacheControl: 'public, max-age=300' },
  );
}

export function listContext(deps: WebDeps, req: FastifyRequest, items: FeedItem[]): Promise<ListContext> {
  return contextFor(
    deps,
    req,
    items.map((i) => i.paper.id),
  );
}

/** The reader, and which of these papers (row ids) they voted for and saved. */
export async function contextFor(
  deps: WebDeps,
  req: FastifyRequest,
  paperIds: number[],
): Promise<ListContext> {
  const viewer = req.viewer;
  const [voted, saved] = viewer
    ? await Promise.all([
        deps.store.community.votedFor(viewer.user.id, paperIds),
        deps.store.library.savedAmong(viewer.user.id, paperIds),
      ])
    : [new Set<number>(), new Set<number>()];
  return { viewer, voted, saved, now: deps.site.now().getTime(), returnTo: req.url.slice(0, 1000) };
}

/** An HTML page through sendCached; pages with per-reader forms pass `cache: false`. */
export function sendPage(
  deps: WebDeps,
  req: FastifyRequest,
  reply: FastifyReply,
  render: () => Promise<{ meta: Omit<PageMeta, 'siteName' | 'viewer'>; body: SafeHtml; status?: number }>,
  options: { cache?: boolean } = {},
) {
  return sendCached(
    deps,
    req,
    reply,
    async () => {
      const page = await render();
      const body = layout(
        { ...page.meta, siteName: deps.config.siteName, viewer: req.viewer, path: req.url },
        page.body,
      );
      return { body, type: HTML, ...(page.status !== undefined ? { status: page.status } : {}) };
    },
    options,
  );
}
