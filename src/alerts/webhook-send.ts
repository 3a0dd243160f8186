/**
 * One webhook request: POST to the address webhook-ssrf.ts checked (the socket's lookup answers
 * with it, so no second DNS answer is used; TLS still verifies the certificate against the URL's
 * host), a redirect is an answer like any other (never followed), the whole exchange is bounded
 * by `timeoutMs`, and at most `capBytes` of the answer are read before the socket is closed.
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { Target } from './webhook-ssrf.ts';

export interface SendResult {
  status: number | null;
  /** Network error, timeout, or a note (the answer was cut at the cap). */
  error: string | null;
  /** Seconds from a Retry-After header (delta or HTTP date), when given. */
  retryAfterS: number | null;
  durationMs: number;
}

// Keep-alive agents: a receiver that gets many events reuses its connection (the bench measures
// with them). A pooled socket was opened to an address that passed the check.
const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 32 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 32 }),
};

function retryAfterSeconds(v: string | string[] | undefined, nowMs: number): number | null {
  const s = Array.isArray(v) ? v[0] : v;
  if (!s) return null;
  if (/^\d+$/.test(s.trim())) return Number(s.trim());
  const at = Date.parse(s);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - nowMs) / 1000));
}

export function sendWebhook(
  target: Target,
  body: string,
  headers: Record<string, string>,
  opts: { timeoutMs: number; capBytes: number; userAgent: string },
): Promise<SendResult> {
  const started = performance.now();
  const pinned: LookupFunction = (_host, options, cb) => {
    if ((options as { all?: boolean }).all)
      (cb as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [
        { address: target.address, family: target.family },
      ]);
    else cb(null, target.address, target.family);
  };
  const mod = target.url.protocol === 'https:' ? https : http;
  return new Promise<SendResult>((resolve) => {
    let done = false;
    const finish = (r: Omit<SendResult, 'durationMs'>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ ...r, durationMs: Math.round(performance.now() - started) });
    };
    const req = mod.request(
      target.url,
      {
        method: 'POST',
        agent: target.url.protocol === 'https:' ? agents.https : agents.http,
        lookup: pinned,
        headers: {
          'content-type': 'application/json',
          'content-length': String(Buffer.byteLength(body)),
          'user-agent': opts.userAgent,
          ...headers,
        },
      },
      (res) => {
        const status = res.statusCode ?? null;
        const retryAfterS = retryAfterSeconds(res.headers['retry-after'], Date.now());
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > opts.capBytes) {
            // Enough: the status is known; an endless or huge body is cut, the socket dropped.
            req.destroy();
            finish({ status, error: `answer cut at ${opts.capBytes} bytes`, retryAfterS });
          }
        });
        res.on('end', () => finish({ status, error: null, retryAfterS }));
        res.on('error', (err) => finish({ status, error: err.message, retryAfterS }));
        res.on('close', () => finish({ status, error: null, retryAfterS }));
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      finish({ status: null, error: `no answer within ${opts.timeoutMs} ms`, retryAfterS: null });
    }, opts.timeoutMs);
    req.on('error', (err) => finish({ status: null, error: err.message, retryAfterS: null }));
    req.end(body);
  });
}
