/**
 * Local HTTP fixture server for ingestion and browser tests: 127.0.0.1, port 0, node:http only.
 *
 * Routes map a path (exact, or a prefix ending in `/*`) to a behaviour:
 * - a string/bytes: 200 with that body;
 * - `{ status, headers, body, delayMs }`: a scripted reply (503 + Retry-After, 429, …);
 * - `{ hang: true }`: never answer (timeout tests; `close()` still tears the socket down);
 * - `{ resetMidBody: body }`: announce the full length, send half, destroy the socket;
 * - `{ sequence: [a, b, …] }`: n-th request gets the n-th behaviour, the last one repeats;
 * - a function `(req, url) => behaviour`: anything programmable. The upstream emulators
 *   (OAI-PMH, arXiv API, RSS, daily papers) are such functions; see emulators.ts.
 *
 * Every request is logged with a monotonic high-resolution timestamp (`performance.now()` ms) so
 * tests can assert the spacing between requests (arXiv asks for one every 3 s).
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Wait this long before answering (slow upstream). */
  delayMs?: number;
}

export type RouteHandler = (req: IncomingMessage, url: URL) => Route | Promise<Route>;

export type Route =
  | string
  | Uint8Array
  | Reply
  | { hang: true }
  | { resetMidBody: string | Uint8Array; status?: number; headers?: Record<string, string> }
  | { sequence: Route[] }
  | RouteHandler;

export type Routes = Record<string, Route>;

interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  /** `performance.now()` when the request arrived (ms, sub-millisecond precision). */
  at: number;
}

export interface FixtureServer {
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:40123`. */
  url: string;
  requests: RecordedRequest[];
  /** Add or replace a route while running. */
  route(path: string, route: Route): void;
  close(): Promise<void>;
}

export async function startFixtureServer(routes: Routes = {}): Promise<FixtureServer> {
  const table = new Map(Object.entries(routes));
  const requests: RecordedRequest[] = [];
  const sequenceCalls = new WeakMap<object, number>();

  const server = createServer((req, res) => {
    const at = performance.now();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    void readFormBody(req, url).then(() => {
      requests.push({
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: req.headers,
        at,
      });
      const route = lookup(table, url.pathname);
      if (route === undefined) return send(res, { status: 404, body: 'not found' });
      return serve(route, req, res, url, sequenceCalls);
    });
  });
  // Keep-alive sockets of hung requests would otherwise keep close() waiting forever.
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    route: (path, route) => void table.set(path, route),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** OAI-PMH allows POST with form parameters; fold them into the URL so routes see one shape. */
async function readFormBody(req: IncomingMessage, url: URL): Promise<void> {
  if (req.method !== 'POST') return;
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  if (!String(req.headers['content-type'] ?? '').includes('application/x-www-form-urlencoded')) return;
  for (const [k, v] of new URLSearchParams(Buffer.concat(chunks).toString('utf8')))
    url.searchParams.append(k, v);
}

function lookup(table: Map<string, Route>, path: string): Route | undefined {
  const exact = table.get(path);
  if (exact !== undefined) return exact;
  let best: [number, Route] | undefined;
  for (const [key, route] of table) {
    if (!key.endsWith('/*')) continue;
    const prefix = key.slice(0, -1);
    if (path.startsWith(prefix) && (!best || prefix.length > best[0])) best = [prefix.length, route];
  }
  return best?.[1];
}

async function serve(
  route: Route,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  calls: WeakMap<object, number>,
): Promise<void> {
  try {
    if (typeof route === 'function') return await serve(await route(req, url), req, res, url, calls);
    if (typeof route === 'string' || route instanceof Uint8Array) return send(res, { body: route });
    if ('hang' in route) return; // never answer; the client's timeout is under test
    if ('sequence' in route) {
      const n = calls.get(route) ?? 0;
      calls.set(route, n + 1);
      const step = route.sequence[Math.min(n, route.sequence.length - 1)];
      return await serve(step ?? { status: 500 }, req, res, url, calls);
    }
    if ('resetMidBody' in route) {
      const body = Buffer.from(route.resetMidBody);
      res.writeHead(route.status ?? 200, { ...route.headers, 'content-length': String(body.length) });
      // Flush half, then drop the connection: the client sees a truncated body, not a clean end.
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => req.socket.destroy());
      return;
    }
    if (route.delayMs) await new Promise((r) => setTimeout(r, route.delayMs));
    send(res, route);
  } catch (err) {
    send(res, { status: 500, body: `fixture route failed: ${(err as Error).message}` });
  }
}

function send(res: ServerResponse, reply: Reply): void {
  if (res.destroyed || res.headersSent) return;
  const body = reply.body === undefined ? Buffer.alloc(0) : Buffer.from(reply.body);
  res.writeHead(reply.status ?? 200, { 'content-length': String(body.length), ...reply.headers });
  res.end(body);
}

export * from '../fixtures/upstream/emulators.ts';
