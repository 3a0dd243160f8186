/**
 * Connections of `serve` with `workers` > 1 (primary.ts): the primary holds the port and hands
 * each new connection to the ready worker with the fewest open connections.
 *
 * Not node:cluster's round-robin: it hands a connection to a worker only after that worker has
 * acknowledged the previous one, so a worker busy with requests takes new connections more slowly
 * and a burst of them lands mostly on the other: bench/foryou-http.bench.ts's 32 connections were
 * split as unevenly as 22 to 10, and the worker with 22 answered each of them half as often. Here
 * the primary counts what it handed out (a worker reports each close) and the split is even.
 */
import type { Worker } from 'node:cluster';
import type { Server as HttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';

/** A worker as the balancer sees it: connections handed to it and not yet closed. */
export interface Backend {
  worker: Worker;
  open: number;
  ready: boolean;
}

interface ConnMessage {
  paperboy: 'conn' | 'ready' | 'closed';
}

const isMessage = (m: unknown, kind: ConnMessage['paperboy']) =>
  typeof m === 'object' && m !== null && (m as { paperboy?: unknown }).paperboy === kind;

/**
 * The primary's listener. `backends()` is read at every connection (workers come and go);
 * connections that arrive while no worker is ready wait, paused, for the first that is.
 */
export class Balancer {
  readonly #server: Server;
  readonly #backends: () => Iterable<Backend>;
  readonly #waiting: Socket[] = [];
  #turn = 0;

  constructor(backends: () => Iterable<Backend>) {
    this.#backends = backends;
    // Paused: the worker reads the request, not the primary.
    this.#server = createServer({ pauseOnConnect: true, noDelay: true }, (socket) => this.#handOut(socket));
  }

  listen(port: number, host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => {
        this.#server.off('error', reject);
        resolve();
      });
    });
  }

  /** A worker's messages about connections: call with each message it sends. */
  receive(backend: Backend, message: unknown): void {
    if (isMessage(message, 'closed')) backend.open = Math.max(0, backend.open - 1);
    else if (isMessage(message, 'ready')) {
      backend.ready = true;
      for (const s of this.#waiting.splice(0)) this.#handOut(s);
    }
  }

  /** Stops accepting; connections already handed out stay with their workers. */
  close(): Promise<void> {
    for (const s of this.#waiting.splice(0)) s.destroy();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  #handOut(socket: Socket): void {
    // Fewest open connections; among equals, the next in turn (as round-robin would).
    const all = [...this.#backends()];
    let best: Backend | null = null;
    for (let k = 0; k < all.length; k++) {
      const b = all[(this.#turn + k) % all.length]!;
      if (b.ready && b.worker.isConnected() && (!best || b.open < best.open)) best = b;
    }
    this.#turn++;
    if (!best) {
      this.#waiting.push(socket);
      return;
    }
    best.open++;
    const to = best;
    // The handle goes to the worker and is closed here once sent.
    to.worker.send({ paperboy: 'conn' } satisfies ConnMessage, socket, (err) => {
      if (!err) return;
      to.open = Math.max(0, to.open - 1);
      socket.destroy();
    });
  }
}

/**
 * A worker's side: connections the primary hands over go to `server` as if it had accepted them,
 * and each close is reported. Call once the server is ready to answer. `drained()` resolves when
 * every connection taken is closed (serve-lifecycle.ts closes them as their requests end).
 */
export function takeConnections(server: HttpServer): { drained: () => Promise<void> } {
  // What listen() would start: the connection list behind closeIdleConnections and the checks
  // of requestTimeout/headersTimeout (node:http starts them on 'listening').
  server.emit('listening');
  let open = 0;
  let onEmpty: (() => void) | null = null;
  process.on('message', (m: unknown, handle: unknown) => {
    if (!isMessage(m, 'conn') || !handle) return;
    const socket = handle as Socket;
    open++;
    socket.once('close', () => {
      open--;
      if (process.connected) process.send?.({ paperboy: 'closed' } satisfies ConnMessage);
      if (open === 0) onEmpty?.();
    });
    server.emit('connection', socket);
    socket.resume();
  });
  process.send?.({ paperboy: 'ready' } satisfies ConnMessage);
  return {
    drained: () =>
      open === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            onEmpty = resolve;
          }),
  };
}
