/**
 * The one outbound HTTP client. Every upstream request goes through it, so politeness lives in
 * one place: a single connection at a time, a minimum interval between requests (arXiv asks for
 * 3 s across all its services), Retry-After honoured on 429/503, retries with capped exponential
 * backoff, a timeout, a descriptive User-Agent, and only the configured upstream hosts.
 * User input never chooses the host: callers pass a path and query under a configured base URL.
 */
import { UpstreamUnavailableError } from '../errors.ts';

export interface HttpClientOptions {
  userAgent: string;
  /** Minimum gap between the start of one request and the next. */
  intervalMs: number;
  timeoutMs: number;
  /** Base URLs requests may go to (scheme + host + port must match one of them). */
  allowedBases: string[];
  maxRetries?: number;
  /** First backoff; doubles each retry up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Longest Retry-After we will sleep through before giving up on this run. */
  maxRetryAfterMs?: number;
  maxBodyBytes?: number;
  /** Injected for tests. */
  sleep?: (ms: number) => Promise<void>;
  log?: (msg: string) => void;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: Buffer;
  url: string;
}

const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Retry-After is seconds or an HTTP date; anything else is ignored. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

export class HttpClient {
  readonly #o: Required<Omit<HttpClientOptions, 'log'>> & { log: (m: string) => void };
  readonly #origins: Set<string>;
  #queue: Promise<unknown> = Promise.resolve();
  #lastStart = 0;
  /** Number of requests actually sent (tests and run records count them). */
  requests = 0;

  constructor(options: HttpClientOptions) {
    this.#o = {
      maxRetries: 4,
      backoffMs: 1000,
      maxBackoffMs: 60_000,
      maxRetryAfterMs: 10 * 60_000,
      maxBodyBytes: 256 * 1024 * 1024,
      sleep: realSleep,
      log: () => {},
      ...options,
    };
    this.#origins = new Set(options.allowedBases.map((b) => new URL(b).origin));
  }

  /** GET, serialized behind every other request of this client (one connection at a time). */
  get(url: string, headers: Record<string, string> = {}): Promise<HttpResponse> {
    const run = this.#queue.then(() => this.#withRetries(url, headers));
    this.#queue = run.catch(() => {});
    return run;
  }

  async #withRetries(url: string, headers: Record<string, string>): Promise<HttpResponse> {
    const target = new URL(url);
    if (!this.#origins.has(target.origin)) {
      throw new UpstreamUnavailableError(`refusing to fetch ${target.origin}: not a configured upstream`);
    }
    let backoff = this.#o.backoffMs;
    for (let attempt = 0; ; attempt++) {
      let wait: number | null = null;
      let reason: string;
      try {
        const res = await this.#once(target, headers);
        if (res.status === 429 || res.status === 503) {
          wait = retryAfterMs(res.headers.get('retry-after'));
          reason = `HTTP ${res.status}${wait !== null ? ` (Retry-After ${Math.round(wait / 1000)} s)` : ''}`;
          if (wait !== null && wait > this.#o.maxRetryAfterMs) {
            throw new UpstreamUnavailableError(`${target.host} asked to wait ${Math.round(wait / 1000)} s: giving up for now`);
          }
        } else if (res.status >= 500) {
          reason = `HTTP ${res.status}`;
        } else {
          return res;
        }
      } catch (err) {
        if (err instanceof UpstreamUnavailableError) throw err;
        reason = describe(err, this.#o.timeoutMs);
      }
      if (attempt >= this.#o.maxRetries) {
        throw new UpstreamUnavailableError(`${target.host}${target.pathname}: ${reason} after ${attempt + 1} attempts`);
      }
      // Retry-After wins over our own backoff; a 429 without it still backs off.
      const delay = wait ?? backoff;
      backoff = Math.min(backoff * 2, this.#o.maxBackoffMs);
      this.#o.log(`${target.host}: ${reason}; retrying in ${Math.round(delay / 100) / 10} s`);
      await this.#o.sleep(delay);
    }
  }

  async #once(target: URL, headers: Record<string, string>): Promise<HttpResponse> {
    const gap = this.#lastStart + this.#o.intervalMs - Date.now();
    if (gap > 0) await this.#o.sleep(gap);
    this.#lastStart = Date.now();
    this.requests++;
    const res = await fetch(target, {
      headers: { 'User-Agent': this.#o.userAgent, Accept: '*/*', ...headers },
      redirect: 'manual',
      signal: AbortSignal.timeout(this.#o.timeoutMs),
    });
    const body = await readCapped(res, this.#o.maxBodyBytes);
    return { status: res.status, headers: res.headers, body, url: target.toString() };
  }
}

async function readCapped(res: Response, max: number): Promise<Buffer> {
  if (!res.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.length;
    if (size > max) throw new UpstreamUnavailableError(`response larger than ${max} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

function describe(err: unknown, timeoutMs: number): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const code = e.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found (offline?)';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection reset';
  return e.cause?.message ?? e.message;
}
