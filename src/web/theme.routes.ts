/**
 * The reader's colour scheme (issue 16 item 2): light, dark, or the OS setting. The choice lives
 * in a cookie; every HTML answer gets it as `data-theme` on <html> before it leaves, so the first
 * paint already has it (no flash, and no inline script: the CSP stays `script-src 'self'`).
 * The footer's form (layout.view.ts) posts here without JavaScript; app.js posts the same form in
 * the background and switches the attribute in place.
 */
import type { FastifyInstance } from 'fastify';
import { parseCookies } from './auth.ts';

const COOKIE = 'pb_theme';
const THEMES = new Set(['light', 'dark']);
const YEAR_S = 365 * 86_400;
const HTML_TAG = Buffer.from('<html lang="en"');

/** The stored choice, or null for "follow the OS". */
export function themeOf(cookieHeader: string | undefined): 'light' | 'dark' | null {
  const v = parseCookies(cookieHeader).get(COOKIE);
  return v !== undefined && THEMES.has(v) ? (v as 'light' | 'dark') : null;
}

/** The page with `data-theme` on its <html> tag (pages all start with layout.view.ts's frame). */
function withTheme(body: string | Buffer, theme: 'light' | 'dark'): string | Buffer {
  const attr = ` data-theme="${theme}"`;
  if (typeof body === 'string') return body.replace('<html lang="en"', `<html lang="en"${attr}`);
  const at = body.indexOf(HTML_TAG);
  if (at === -1 || at > 200) return body;
  const cut = at + HTML_TAG.length;
  return Buffer.concat([body.subarray(0, cut), Buffer.from(attr), body.subarray(cut)]);
}

/** Where to go back to after the no-JS post: the page the form was on, when it is ours. */
function backTo(referer: string | undefined, host: string | undefined): string {
  const r = referer ? URL.parse(referer) : null;
  if (!r || r.host !== host) return '/';
  return `${r.pathname}${r.search}`;
}

/**
 * Registered early in app.ts, so the page is marked before any later onSend hook (compression)
 * turns it into a stream.
 */
export function registerTheme(app: FastifyInstance): void {
  app.addHook('onSend', (req, reply, payload, done) => {
    const type = String(reply.getHeader('content-type') ?? '');
    let out = payload;
    if (type.startsWith('text/html')) {
      // Shared caches must not hand one reader's scheme to another.
      const vary = reply.getHeader('vary');
      reply.header('Vary', vary ? `${vary}, Cookie` : 'Cookie');
      const theme = themeOf(req.headers.cookie);
      if (theme && (typeof payload === 'string' || Buffer.isBuffer(payload))) out = withTheme(payload, theme);
    }
    done(null, out);
  });

  // No CSRF token: the form is on every page, including cached ones, and the worst a forged post
  // can do is change the colours of the forger's victim's pages.
  app.post<{ Body: { theme?: string } }>('/theme', { config: { csrf: false } }, async (req, reply) => {
    const want = req.body?.theme;
    const cookie = THEMES.has(want ?? '')
      ? `${COOKIE}=${want}; Path=/; Max-Age=${YEAR_S}; SameSite=Lax`
      : `${COOKIE}=; Path=/; Max-Age=0; SameSite=Lax`;
    reply.header('Set-Cookie', cookie).header('Cache-Control', 'no-store');
    if (req.headers.accept?.includes('application/json')) return reply.status(204).send();
    return reply.redirect(backTo(req.headers.referer, req.headers.host), 303);
  });
}
