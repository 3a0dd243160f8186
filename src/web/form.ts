/**
 * The one form pipeline (issue 13): every urlencoded body is parsed here and every state-changing
 * request passes the one CSRF check (auth.ts `check`), registered once on the root app in app.ts.
 * A route that authenticates otherwise (RFC 8058 one-click unsubscribe, the bounce hook, API token
 * routes) opts out with `config: { csrf: false }`.
 */
import type { FastifyInstance } from 'fastify';
import type { Auth } from './auth.ts';

/** Every value of each name, kept beside the single-valued view (checkboxes repeat a name). */
const ALL = Symbol('form values');

export type FormBody = Record<string, string>;

/**
 * `a=1&a=2` gives `a: '2'` (the last value; every text field is single-valued) and `formAll(body,
 * 'a')` gives `['1', '2']`. The list sits under a symbol, so no field name can shadow it.
 */
export function parseForm(body: string): FormBody {
  const out: FormBody = {};
  const all = new Map<string, string[]>();
  for (const [k, v] of new URLSearchParams(body)) {
    if (k === '__proto__') continue;
    out[k] = v;
    const list = all.get(k);
    if (list) list.push(v);
    else all.set(k, [v]);
  }
  Object.defineProperty(out, ALL, { value: all, enumerable: false });
  return out;
}

/** Every value a form sent for `name` (none: an empty list). */
export function formAll(body: unknown, name: string): string[] {
  const all = (body as { [ALL]?: Map<string, string[]> } | null)?.[ALL];
  return all?.get(name) ?? [];
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Forms are small; a larger body is refused (413) before it is parsed. */
const FORM_BODY_LIMIT = 64 * 1024;

export function registerForms(app: FastifyInstance, auth: Auth): void {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: FORM_BODY_LIMIT },
    (_req, body, done) => done(null, parseForm(body as string)),
  );
  app.addHook('preHandler', async (req) => {
    // An unknown address answers 404 whatever it is sent; there is nothing there to protect.
    if (SAFE_METHODS.has(req.method) || req.is404 || req.routeOptions.config?.csrf === false) return;
    auth.check(req);
  });
}
