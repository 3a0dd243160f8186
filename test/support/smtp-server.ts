/**
 * A real SMTP server on a loopback port for tests (the `smtp-server` package), keeping what it
 * accepted and producing the faults a mail relay produces: 421 on connect, 451/452 and 550 5.1.1
 * replies, a hang after DATA, a dropped connection, and being down (stop() then start()).
 * An 'error' listener is attached so a client resetting its connection cannot kill the test run.
 */
import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';

/** What to do with one delivery; `undefined` from a rule means accept. */
type SmtpFault =
  | { kind: 'connect421' }
  | { kind: 'rcpt'; code: 451 | 452 | 550 | 553; message?: string }
  | { kind: 'data'; code: 451 | 452 | 550 | 554; message?: string }
  | { kind: 'hangAfterData' }
  | { kind: 'dropAfterData' }
  | { kind: 'dropAfterAccept' };

export type SmtpFaultRule = (
  stage: 'connect' | 'rcpt' | 'data',
  recipient: string | null,
  delivery: number,
) => SmtpFault | undefined;

interface ReceivedMail {
  envelopeFrom: string;
  recipients: string[];
  raw: Buffer;
}

export interface TestSmtpServer {
  readonly port: number;
  /** `smtp://127.0.0.1:<port>` */
  readonly url: string;
  readonly received: ReceivedMail[];
  /** Replace the fault rule (undefined: accept everything). */
  setFault(rule: SmtpFaultRule | undefined): void;
  parsed(index: number): Promise<ParsedMail>;
  /** Resolves once `n` messages have been accepted. */
  waitFor(n: number, timeoutMs?: number): Promise<void>;
  /** Connections closed at once (no 30 s grace): a "server down" outage. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  start(): Promise<void>;
  readonly deliveries: number;
}

function smtpError(code: number, message: string): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode: code });
}

const DEFAULT_TEXT: Record<number, string> = {
  421: '4.3.2 Service shutting down, try again later',
  451: '4.3.0 Temporary local problem, try again later',
  452: '4.2.2 Mailbox full, try again later',
  550: '5.1.1 User unknown',
  553: '5.1.3 Bad recipient address syntax',
  554: '5.7.1 Message refused',
};

export async function startSmtpServer(
  options: {
    port?: number;
    fault?: SmtpFaultRule;
    /** false: keep envelopes only (a bench sending tens of thousands of mails). */
    keepRaw?: boolean;
  } = {},
): Promise<TestSmtpServer> {
  const keepRaw = options.keepRaw ?? true;
  let rule = options.fault;
  const received: ReceivedMail[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  let deliveries = 0;
  let server: SMTPServer;
  let port = options.port ?? 0;

  const notify = () => {
    for (const w of [...waiters])
      if (received.length >= w.n) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
  };

  const dropConnection = (session: SMTPServerSession) => {
    const connections = (
      server as unknown as { connections: Set<{ id: string; _socket: { destroy(): void } }> }
    ).connections;
    for (const c of connections) if (c.id === session.id) c._socket.destroy();
  };

  const create = () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      // Large enough for a bench run; close() below destroys them anyway.
      maxClients: 1000,
      onConnect(_session, callback) {
        const f = rule?.('connect', null, deliveries);
        if (f?.kind === 'connect421') return callback(smtpError(421, DEFAULT_TEXT[421]!));
        callback();
      },
      onRcptTo(address, _session, callback) {
        const f = rule?.('rcpt', address.address, deliveries);
        if (f?.kind === 'rcpt') return callback(smtpError(f.code, f.message ?? DEFAULT_TEXT[f.code]!));
        callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => {
          if (keepRaw) chunks.push(c);
        });
        stream.on('end', () => {
          const recipients = session.envelope.rcptTo.map((r) => r.address);
          const f = rule?.('data', recipients[0] ?? null, deliveries++);
          if (f?.kind === 'hangAfterData') return; // never answers: the client's socket timeout fires
          if (f?.kind === 'dropAfterData') return dropConnection(session);
          if (f?.kind === 'data') return callback(smtpError(f.code, f.message ?? DEFAULT_TEXT[f.code]!));
          const from = session.envelope.mailFrom;
          received.push({ envelopeFrom: from ? from.address : '', recipients, raw: Buffer.concat(chunks) });
          notify();
          callback();
          if (f?.kind === 'dropAfterAccept') setImmediate(() => dropConnection(session));
        });
      },
    });
    // A client that resets mid-session emits 'error' here; without a listener it would crash the run.
    server.on('error', () => {});
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      create();
      const net = (server as unknown as { server: import('node:net').Server }).server;
      net.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        net.off('error', reject);
        port = (net.address() as AddressInfo).port;
        resolve();
      });
    });

  await listen();

  return {
    get port() {
      return port;
    },
    get url() {
      return `smtp://127.0.0.1:${port}`;
    },
    get deliveries() {
      return deliveries;
    },
    received,
    setFault(r) {
      rule = r;
    },
    async parsed(index) {
      const mail = received[index];
      if (!mail) throw new Error(`no message #${index} (have ${received.length})`);
      return simpleParser(mail.raw);
    },
    waitFor(n, timeoutMs = 10_000) {
      if (received.length >= n) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`waited ${timeoutMs} ms for ${n} messages, got ${received.length}`)),
          timeoutMs,
        );
        waiters.push({
          n,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
    async stop() {
      const connections = (server as unknown as { connections: Set<{ _socket: { destroy(): void } }> })
        .connections;
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const c of connections) c._socket.destroy();
      await closed;
    },
    start: listen,
  };
}
