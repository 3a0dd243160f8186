/**
 * A real webhook receiver on loopback for the tests: it verifies each request's signature the way
 * the README tells receivers to, records it, de-duplicates by webhook-id, and answers from a
 * script (a status, "hang" or "endless" body), the last entry repeating.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { verifyWebhook } from '../../src/alerts/webhook-sign.ts';

export type Answer =
  | number
  | 'hang'
  | 'endless'
  | { status: number; headers?: Record<string, string>; delayMs?: number };

interface Received {
  id: string;
  body: string;
  verified: boolean;
  at: number;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Delivery ids seen, de-duplicated: what an idempotent receiver acts on. */
  unique(): Set<string>;
  /** Resolves once `n` requests have arrived. */
  waitFor(n: number, timeoutMs?: number): Promise<void>;
  /** Sockets closed by the sender (an endless body cut, a hang timed out). */
  closedSockets(): number;
  secret: string;
  stop(): Promise<void>;
}

export async function startReceiver(
  script: Answer[],
  secret = '',
  clock: () => number = Date.now,
): Promise<Receiver> {
  const received: Received[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const sockets = new Set<Socket>();
  let closed = 0;
  let i = 0;
  const r: Receiver = {
    url: '',
    received,
    secret,
    unique: () => new Set(received.map((x) => x.id)),
    waitFor: (n, timeoutMs = 30_000) =>
      received.length >= n
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            const t = setTimeout(
              () => reject(new Error(`receiver: ${received.length} of ${n} requests`)),
              timeoutMs,
            );
            waiters.push({
              n,
              resolve: () => {
                clearTimeout(t);
                resolve();
              },
            });
          }),
    closedSockets: () => closed,
    stop: async () => {
      if (!server.listening) return;
      for (const s of sockets) s.destroy();
      await new Promise<void>((res) => server.close(() => res()));
    },
  };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
    });
    req.on('end', () => {
      const id = String(req.headers['webhook-id'] ?? '');
      const verified =
        r.secret !== '' &&
        verifyWebhook(
          r.secret,
          {
            id,
            timestamp: String(req.headers['webhook-timestamp'] ?? ''),
            signature: String(req.headers['webhook-signature'] ?? ''),
          },
          body,
          Math.floor(clock() / 1000),
        );
      received.push({ id, body, verified, at: Date.now() });
      for (const w of waiters.splice(0))
        if (received.length >= w.n) w.resolve();
        else waiters.push(w);
      const a = script[Math.min(i++, script.length - 1)]!;
      if (a === 'hang') return;
      if (a === 'endless') {
        res.writeHead(200, { 'content-type': 'text/plain' });
        const chunk = Buffer.alloc(16 * 1024, 120);
        let open = true;
        res.once('close', () => {
          open = false;
        });
        // Bounded per tick, so a sender that stops reading leaves this server idle, not spinning.
        const pump = () => {
          for (let k = 0; open && k < 64; k++) if (!res.write(chunk)) return void res.once('drain', pump);
          if (open) setImmediate(pump);
        };
        pump();
        return;
      }
      if (typeof a === 'number') res.writeHead(a).end('ok');
      else setTimeout(() => res.writeHead(a.status, a.headers).end('ok'), a.delayMs ?? 0);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => {
      sockets.delete(s);
      closed++;
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return r;
}
