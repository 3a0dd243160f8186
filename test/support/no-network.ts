/**
 * Tests refuse outbound network. Loaded before every test process (and every `node` child the
 * tests spawn) by scripts/test.sh through NODE_OPTIONS=--import; a test may also import it.
 *
 * Every TCP/TLS connection goes through net.Socket.prototype.connect (net.connect, tls.connect,
 * http, undici's fetch, pg, nodemailer), so patching it catches them all: a connection to anything
 * but this machine (127.0.0.0/8, ::1, localhost, a Unix socket) fails with an error naming the
 * host, and the same line goes to stderr so that code which swallows the error (a retry loop)
 * still shows it. Name lookups for other hosts are refused as well, so no DNS query leaves either.
 */
import dns from 'node:dns';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';

const INSTALLED = Symbol.for('paperboy.test.noNetwork');

export class OutboundNetworkError extends Error {
  override readonly name = 'OutboundNetworkError';
  readonly code = 'ERR_TEST_NO_NETWORK';
  constructor(what: string) {
    super(
      `no-network guard (test/support/no-network.ts): tests may not reach ${what}; only loopback is allowed`,
    );
  }
}

/** Loopback addresses and names, plus the unspecified address (which connects to this host). */
export function isLocal(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  const family = net.isIP(h);
  if (family === 4) return h.startsWith('127.') || h === '0.0.0.0';
  if (family === 6) return h === '::1' || h === '::' || /^::ffff:127\./.test(h) || /^(0+:){7}0*1$/.test(h);
  return false;
}

type Target = { host: string; port: unknown } | null; // null: a Unix socket or named pipe

/** The (host, port) a Socket#connect call names, in any of its argument shapes. */
function targetOf(args: unknown[]): Target {
  // net.connect and tls.connect pass their normalised [options, callback] array.
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (first !== null && typeof first === 'object') {
    const o = first as { host?: string; port?: unknown; path?: string };
    if (o.path !== undefined) return null;
    return { host: o.host ?? 'localhost', port: o.port };
  }
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first)))
    return { host: typeof args[1] === 'string' ? args[1] : 'localhost', port: first };
  return null; // connect(path)
}

function refuse(what: string): OutboundNetworkError {
  const err = new OutboundNetworkError(what);
  process.stderr.write(`${err.message}\n`);
  return err;
}

export function installNoNetwork(): void {
  const g = globalThis as Record<symbol, unknown>;
  if (g[INSTALLED]) return;
  g[INSTALLED] = true;

  const connect = net.Socket.prototype.connect as (...args: unknown[]) => net.Socket;
  net.Socket.prototype.connect = function guardedConnect(this: net.Socket, ...args: unknown[]) {
    const target = targetOf(args);
    if (target && !isLocal(target.host)) {
      const err = refuse(`${target.host}:${String(target.port)}`);
      // Fail the way a refused connection fails: asynchronously, through 'error'.
      process.nextTick(() => this.destroy(err));
      return this;
    }
    return connect.apply(this, args);
  } as typeof net.Socket.prototype.connect;

  // dns.lookup (what sockets use) and the resolver functions, callback and promise forms.
  const guard = (target: Record<string, unknown>, promised: boolean) => {
    for (const key of Object.keys(target)) {
      if (key !== 'lookup' && key !== 'reverse' && !key.startsWith('resolve')) continue;
      const original = target[key];
      if (typeof original !== 'function') continue;
      target[key] = function guardedLookup(this: unknown, name: unknown, ...rest: unknown[]) {
        if (typeof name === 'string' && !isLocal(name)) {
          const err = refuse(`the name ${name}`);
          if (promised) return Promise.reject(err);
          const cb = rest.at(-1);
          if (typeof cb === 'function') process.nextTick(() => cb(err));
          return undefined;
        }
        return original.call(this, name, ...rest);
      };
    }
  };
  guard(dns as unknown as Record<string, unknown>, false);
  guard(dns.promises as unknown as Record<string, unknown>, true);
  syncBuiltinESMExports(); // `import { lookup } from 'node:dns'` sees the guarded functions too
}

installNoNetwork();
