/** A real `paperboy serve` child process for end-to-end tests, and a free loopback port for it. */
import { type ChildProcess, spawn } from 'node:child_process';
import { type AddressInfo, createServer } from 'node:net';
import path from 'node:path';

const MAIN = path.join(import.meta.dirname, '../../src/cli/main.ts');

/** A loopback port nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * The environment of a `paperboy serve` child on loopback `port`, data in `dataDir`: only what it
 * needs of this process's (PATH; the test command's no-network guard in NODE_OPTIONS and its fresh
 * TMPDIR, scripts/test.sh), UTC, and `extra` on top.
 */
export function serveEnv(dataDir: string, port: number, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '',
    NODE_OPTIONS: process.env.NODE_OPTIONS,
    TMPDIR: process.env.TMPDIR,
    TZ: 'UTC',
    PAPERBOY_DATA: dataDir,
    PAPERBOY_PORT: String(port),
    PAPERBOY_HOST: '127.0.0.1',
    PAPERBOY_BASE_URL: `http://127.0.0.1:${port}`,
    ...extra,
  };
}

export interface ServeChild {
  child: ChildProcess;
  /** Everything it wrote so far (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

/**
 * `paperboy serve` with exactly `env`; resolves when it says it is serving, rejects (with its
 * output) if it exits first.
 */
export async function serveChild(env: NodeJS.ProcessEnv): Promise<ServeChild> {
  const child = spawn(process.execPath, [MAIN, 'serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      if (out.includes('paperboy: serving')) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`paperboy serve exited (${code}):\n${out}`)));
  });
  return {
    child,
    output: () => out,
    async stop() {
      // Killed by a signal (a test's kill -9), a child has no exit code but is gone all the same.
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
