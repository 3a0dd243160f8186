/**
 * The one outbound HTTP client. Every upstream request goes through it, so politeness lives in
 * one place: a single connection at a time, a minimum interval between requests (arXiv asks for
 * 3 s across all its services), Retry-After honoured on 429/503, retries with capped exponential
 * backoff, a timeout, a descriptive User-Agent, and only the configured upstream hosts.
 * User input never chooses the host: callers pass a path and query under a configured base URL.
 */
import { UpstreamUnavailableError } from '../errors.ts';
import { sleep } from '../shared/sleep.ts';

export interface HttpClientOptions {
  userAgent: string;
  /**
   * Minimum gap between the end of one request and the start of the next. Measured from the end,
   * not the start, so the upstream sees at least this gap even when a response was slow, and the
   * gap holds on the server's clock too (the fixture server's request log checks it).
   */
  intervalMs: number;
  /** Whole request, headers and body. */
  timeoutMs: number;
  /** Base URLs requests may go to (scheme + host + port must match one of them). */
  allowedBases: string[];
  maxRetries?: number;
  /** First backoff; doubles each retry up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** A 429 without Retry-After: arXiv asks clients to back off for minutes, not seconds. */
  rateLimitBackoffMs?: number;
  /** Longest Retry-After we will sleep through before giving up on this run. */
  maxRetryAfterMs?: number;
  maxBodyBytes?: number;
  /** Injected for tests. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  log?: (msg: string) => void;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /** Cancels waits and the request in flight (shutdown). */
  signal?: AbortSignal;
  /** Told about every failed attempt that will be retried (the run record keeps these). */
  onRetry?: (message: string) => void;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: Buffer;
  url: string;
}

/** Retry-After is seconds or an HTTP date; anything else is ignored. */
export function retryAfterMs(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

const MAX_REDIRECTS = 3;

export class HttpClient {
  readonly #o: Required<Omit<HttpClientOptions, 'log'>> & { log: (m: string) => void };
  readonly #origins: Set<string>;
  #queue: Promise<unknown> = Promise.resolve();
  /** performance.now() when the last request ended (or -Infinity before the first). */
  #lastEnd = Number.NEGATIVE_INFINITY;
  /** Number of requests actually sent (tests and run records count them). */
  requests = 0;

  constructor(options: HttpClientOptions) {
    this.#o = {
      maxRetries: 4,
      backoffMs: 1000,
      maxBackoffMs: 60_000,
      rateLimitBackoffMs: 60_000,
      maxRetryAfterMs: 10 * 60_000,
      maxBodyBytes: 256 * 1024 * 1024,
      sleep,
      log: () => {},
      ...options,
    };
    this.#origins = new Set(options.allowedBases.map((b) => new URL(b).origin));
  }

  /** GET, serialized behind every other request of this client (one connection at a time). */
  get(url: string, options: RequestOptions = {}): Promise<HttpResponse> {
    const run = this.#queue.then(() => this.#withRetries(url, options));
    this.#queue = run.catch(() => {});
    return run;
  }

  #check(target: URL): void {
    if (!this.#origins.has(target.origin)) {
      throw new UpstreamUnavailableError(`refusing to fetch ${target.origin}: not a configured upstream`);
    }
  }

  async #withRetries(url: string, options: RequestOptions): Promise<HttpResponse> {
    let target = new URL(url);
    this.#check(target);
    let backoff = this.#o.backoffMs;
    let redirects = 0;
    for (let attempt = 0; ; attempt++) {
      let wait: number | null = null;
      let reason: string;
      try {
        const res = await this.#once(target, options);
        const location = res.headers.get('location');
        if (res.status >= 300 && res.status < 400 && location && redirects < MAX_REDIRECTS) {
          // Followed only to another configured upstream (the old arXiv OAI URL redirects).
          target = new URL(location, target);
          this.#check(target);
          redirects++;
          attempt--;
          continue;
        }
        if (res.status === 429 || res.status === 503) {
          wait = retryAfterMs(res.headers.get('retry-after'));
          reason = `HTTP ${res.status}${wait !== null ? ` (Retry-After ${Math.round(wait / 1000)} s)` : ''}`;
          if (wait !== null && wait > this.#o.maxRetryAfterMs) {
            throw new UpstreamUnavailableError(
              `${target.host} asked to wait ${Math.round(wait / 1000)} s (HTTP ${res.status}): giving up for now`,
            );
          }
          if (wait === null && res.status === 429) wait = Math.max(backoff, this.#o.rateLimitBackoffMs);
        } else if (res.status >= 500) {
          reason = `HTTP ${res.status}`;
        } else {
          return res;
        }
      } catch (err) {
        if (err instanceof UpstreamUnavailableError || options.signal?.aborted) throw err;
        reason = describe(err, this.#o.timeoutMs);
      }
      if (attempt >= this.#o.maxRetries) {
        throw new UpstreamUnavailableError(
          `${target.host}${target.pathname}: ${reason} after ${attempt + 1} attempts`,
        );
      }
      // Retry-After wins over our own backoff; a 429 without it still backs off.
      const delay = wait ?? backoff;
      backoff = Math.min(backoff * 2, this.#o.maxBackoffMs);
      const message = `${target.host}: ${reason}; retrying in ${Math.round(delay / 100) / 10} s`;
      this.#o.log(message);
      options.onRetry?.(message);
      // Counted from the end of the failed response, like the interval, so the server sees the
      // whole wait it asked for.
      this.#lastEnd = Math.max(this.#lastEnd, performance.now() + delay - this.#o.intervalMs);
    }
  }

  async #once(target: URL, options: RequestOptions): Promise<HttpResponse> {
    const gap = this.#lastEnd + this.#o.intervalMs - performance.now();
    if (gap > 0) await this.#o.sleep(gap, options.signal);
    this.requests++;
    const timeout = AbortSignal.timeout(this.#o.timeoutMs);
    const signal = options.signal ? AbortSignal.any([timeout, options.signal]) : timeout;
    try {
      const res = await fetch(target, {
        headers: { 'User-Agent': this.#o.userAgent, Accept: '*/*', ...options.headers },
        redirect: 'manual',
        signal,
      });
      const body = await readCapped(res, this.#o.maxBodyBytes);
      return { status: res.status, headers: res.headers, body, url: target.toString() };
    } finally {
      this.#lastEnd = performance.now();
    }
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
  if (e.name === 'TimeoutError' || e.name === 'AbortError')
    return `no answer within ${timeoutMs} ms (timeout)`;
  const code = e.cause?.code ?? (e as { code?: string }).code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'host not found (offline?)';
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') return 'connection reset mid-response';
  if (e.message === 'terminated') return 'connection reset mid-response';
  return e.cause?.message ?? e.message;
}
