/**
 * Response compression (issue 16 item 18): HTML, JSON, feeds and other text answers are sent
 * brotli- or gzip-encoded when the client accepts it. Not `@fastify/compress` (not a dependency
 * here): what the site needs is one onSend hook, and owning it lets an answer that is the same
 * bytes every time (a page-cache entry, web/page-cache.ts; the API's memoized lists,
 * web/presenters.ts) be compressed once and its encoded bytes reused by every hit.
 * zlib runs on libuv's thread pool, so compressing never holds the event loop that the overload
 * guard (web/overload.ts) watches.
 */
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

type Encoding = 'br' | 'gzip';

/** Smaller answers gain less than the encoding header and the work cost (a few TCP segments). */
const MIN_BYTES = 1024;
const COMPRESSIBLE =
  /^(?:text\/|application\/(?:json|feed\+json|rss\+xml|atom\+xml|xml|javascript|x-bibtex))/;
/**
 * Brotli 5 and gzip 6: measured on the home page (~50 KB), brotli 5 is as small as gzip 9 at a
 * fraction of brotli 11's time; higher levels gain a few percent for several times the CPU.
 */
const BROTLI_QUALITY = 5;
const GZIP_LEVEL = 6;

const br = promisify(brotliCompress);
const gz = promisify(gzip);

/** The encoding to use for an Accept-Encoding header: brotli, else gzip, else none (`q=0` refuses). */
function negotiate(header: string | undefined): Encoding | null {
  if (!header) return null;
  const accepted = new Set<string>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (q !== undefined && !(Number(q.slice(2)) > 0)) continue;
    if (name) accepted.add(name);
  }
  if (accepted.has('br')) return 'br';
  if (accepted.has('gzip') || accepted.has('*')) return 'gzip';
  return null;
}

function compress(body: Buffer | string, encoding: Encoding): Promise<Buffer> {
  return encoding === 'br'
    ? br(body, {
        params: {
          [constants.BROTLI_PARAM_QUALITY]: BROTLI_QUALITY,
          [constants.BROTLI_PARAM_SIZE_HINT]: Buffer.byteLength(body),
        },
      })
    : gz(body, { level: GZIP_LEVEL });
}

/**
 * Encoded forms of Buffers that are sent many times, keyed by the Buffer itself: an entry lives
 * as long as whoever keeps the body (the page cache drops its entries on expiry or a write).
 */
const encoded = new WeakMap<Buffer, Partial<Record<Encoding, Promise<Buffer>>>>();

function encodeOnce(body: Buffer, encoding: Encoding): Promise<Buffer> {
  let forms = encoded.get(body);
  if (!forms) {
    forms = {};
    encoded.set(body, forms);
  }
  let p = forms[encoding];
  if (!p) {
    p = compress(body, encoding);
    forms[encoding] = p;
    p.catch(() => {
      if (forms[encoding] === p) delete forms[encoding];
    });
  }
  return p;
}

/**
 * Answers sent as the same Buffer again and again (respond.ts sendCached's cached pages).
 * A Buffer made per request is compressed as a string would be, not remembered.
 */
const shared = new WeakSet<Buffer>();
export function markShared(body: Buffer): void {
  shared.add(body);
}

/** The encoding this answer gets, or null to send it as it is (setting Vary where it matters). */
function encodingFor(req: FastifyRequest, reply: FastifyReply, payload: string | Buffer): Encoding | null {
  if (req.method === 'HEAD' || reply.statusCode === 304 || reply.statusCode === 204) return null;
  if (reply.hasHeader('Content-Encoding')) return null;
  const type = String(reply.getHeader('Content-Type') ?? '');
  if (!COMPRESSIBLE.test(type)) return null;
  reply.header('Vary', varyWith(reply.getHeader('Vary')));
  // A string's UTF-8 size is at least its length: only a short one needs the exact count.
  const size = payload.length >= MIN_BYTES ? payload.length : Buffer.byteLength(payload);
  if (size < MIN_BYTES) return null;
  return negotiate(req.headers['accept-encoding']);
}

/** Callback style: most answers pass through untouched, without a promise per answer. */
function onSend(
  req: FastifyRequest,
  reply: FastifyReply,
  payload: unknown,
  done: (err: Error | null, value?: unknown) => void,
): void {
  const body = typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : null; // not streams
  const encoding = body === null ? null : encodingFor(req, reply, body);
  if (body === null || encoding === null) {
    // A long string leaves as UTF-8 bytes made once here: sent as a string, it is measured for
    // Content-Length (Buffer.byteLength) and then encoded again by the socket write, two passes
    // over ~60 KB for a /for-you page (bench/foryou-http.bench.ts).
    done(null, typeof body === 'string' && body.length >= MIN_BYTES ? Buffer.from(body) : payload);
    return;
  }
  const encoded =
    Buffer.isBuffer(body) && shared.has(body) ? encodeOnce(body, encoding) : compress(body, encoding);
  encoded.then((bytes) => {
    reply.header('Content-Encoding', encoding);
    reply.removeHeader('Content-Length');
    done(null, bytes);
  }, done);
}

function varyWith(current: unknown): string {
  const v = typeof current === 'string' ? current : '';
  if (/(^|,)\s*(accept-encoding|\*)\s*(,|$)/i.test(v)) return v;
  return v ? `${v}, Accept-Encoding` : 'Accept-Encoding';
}

/** Registered before the routes, so every answer of the app passes through it. */
export function registerCompression(app: FastifyInstance): void {
  app.addHook('onSend', onSend);
}
