/**
 * Small HTTP and PostgreSQL probes shared by the scale tests that run real `paperboy serve`
 * processes (failures.slow.test.ts, multi-instance-outage.slow.test.ts).
 */
import http from 'node:http';
import { connect } from 'node:net';
import type pg from 'pg';

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  ms: number;
}

/** One GET on loopback; `agent` for keep-alive, none (a fresh connection) by default. */
export function get(port: number, urlPath: string, agent?: http.Agent): Promise<Answer> {
  const t0 = Date.now();
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent: agent ?? false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body, ms: Date.now() - t0 }),
      );
    });
    req.on('error', reject);
  });
}

/** Resolves once nothing accepts connections on the port any more (the server stopped listening). */
export async function untilRefused(port: number): Promise<void> {
  for (;;) {
    const refused = await new Promise<boolean>((resolve) => {
      const sock = connect(port, '127.0.0.1');
      sock.once('connect', () => {
        sock.destroy();
        resolve(false);
      });
      sock.once('error', () => resolve(true));
    });
    if (refused) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Polls `probe` every 200 ms until it is true (a database coming back is no event we can await). */
export async function until(probe: () => Promise<boolean>, what: string, withinMs: number): Promise<void> {
  const end = Date.now() + withinMs;
  for (;;) {
    if (await probe().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`not within ${withinMs} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** How many other sessions wait for a lock (as seen from `locker`, the session holding it). */
export async function lockWaiters(locker: pg.Client): Promise<number> {
  const r = await locker.query(
    "SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()",
  );
  return r.rowCount ?? 0;
}
