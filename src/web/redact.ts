/**
 * Capability URLs with their secrets taken out, for the request log (issue 12: the info log held
 * live `/reset?token=…`, `/setup?token=…` and `/digest/preferences/<token>` links, so anyone who
 * could read the log could reset a password or take over the site).
 *
 * Three rules: query parameters whose name says secret; the token segment of the digest links
 * (src/web/digest.routes.ts); and, as a backstop for links added later, any path segment long
 * and opaque enough to be a token (ours are 43+ characters; arXiv ids and names are far shorter).
 */
const SECRET_PARAM = /token|secret|key|sig|pass|code/i;
const DIGEST_TOKEN =
  /^\/digest\/(?:(?:confirm|unsubscribe|preferences)\/)?(?!(?:subscribe|confirm|unsubscribe|preferences)(?:[/?#]|$))[^/?#]+/;
const OPAQUE_SEGMENT = /^[A-Za-z0-9._~%+=-]{32,}$/;
export const REDACTED = '[redacted]';

function redactPath(path: string): string {
  const digest = DIGEST_TOKEN.exec(path);
  if (digest) {
    const keep = digest[0].slice(0, digest[0].lastIndexOf('/') + 1);
    path = `${keep}${REDACTED}${path.slice(digest[0].length)}`;
  }
  return path
    .split('/')
    .map((seg) => (OPAQUE_SEGMENT.test(seg) ? REDACTED : seg))
    .join('/');
}

function redactQuery(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      if (eq < 0) return pair;
      let name = pair.slice(0, eq);
      try {
        name = decodeURIComponent(name.replace(/\+/g, ' '));
      } catch {}
      return SECRET_PARAM.test(name) ? `${pair.slice(0, eq)}=${REDACTED}` : pair;
    })
    .join('&');
}

/** `url` (path and query, as in a request line) without tokens. */
export function redactUrl(url: string): string {
  const hash = url.indexOf('#');
  const base = hash < 0 ? url : url.slice(0, hash);
  const q = base.indexOf('?');
  const path = q < 0 ? base : base.slice(0, q);
  return q < 0 ? redactPath(path) : `${redactPath(path)}?${redactQuery(base.slice(q + 1))}`;
}
