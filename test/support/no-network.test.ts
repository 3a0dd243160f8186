/**
 * The no-network guard (no-network.ts): outbound connections and lookups fail at once with a
 * message naming the host, while loopback works. scripts/test.sh loads the guard into every test
 * process; the last test checks that this process got it from there, not from its own import.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import dns from 'node:dns';
import { once } from 'node:events';
import { createServer } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

const GUARD = Symbol.for('paperboy.test.noNetwork');
const preloaded = Boolean((globalThis as Record<symbol, unknown>)[GUARD]);
await import('./no-network.ts');

const refused = (err: unknown) => {
  const cause = (err as { cause?: unknown }).cause ?? err;
  return cause instanceof Error && /no-network guard .*only loopback is allowed/.test(cause.message);
};

test('fetch to an outside address or name fails at once, naming it', async () => {
  for (const url of ['http://192.0.2.1/', 'https://example.com/', 'http://[2001:db8::1]:8080/']) {
    await assert.rejects(fetch(url, { signal: AbortSignal.timeout(10_000) }), refused, url);
  }
});

test('raw sockets and name lookups to the outside are refused too', async () => {
  const socket = net.connect(25, 'smtp.example.org');
  const [err] = (await once(socket, 'error')) as [Error];
  assert.match(err.message, /smtp\.example\.org:25/);
  await assert.rejects(dns.promises.lookup('example.com'), refused);
  const [lookupErr] = await new Promise<unknown[]>((r) => dns.lookup('example.net', (...a) => r(a)));
  assert.ok(refused(lookupErr));
  await assert.rejects(dns.promises.resolveTxt('_dmarc.example.com'), refused);
});

test('loopback works: 127.0.0.1 and localhost', async () => {
  const server = createServer((_req, res) => res.end('local'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  try {
    assert.equal(await (await fetch(`http://127.0.0.1:${port}/`)).text(), 'local');
    assert.equal(await (await fetch(`http://localhost:${port}/`)).text(), 'local');
    assert.deepEqual(await dns.promises.lookup('localhost', { family: 4 }), {
      address: '127.0.0.1',
      family: 4,
    });
  } finally {
    server.close();
  }
});

test('child processes the tests spawn carry the guard (NODE_OPTIONS from scripts/test.sh)', async (t) => {
  if (!process.env.PAPERBOY_TEST_SUITE) {
    t.skip('run through scripts/test.sh (npm test / npm run test:fast), which loads the guard');
    return;
  }
  assert.ok(preloaded, 'the guard was loaded before this file, by the test command');
  const run = promisify(execFile);
  const script =
    "fetch('http://192.0.2.1/').then(() => console.log('reached'), (e) => console.log(e.cause?.message))";
  const { stdout } = await run(process.execPath, ['-e', script], { cwd: path.resolve('/') });
  assert.match(stdout, /no-network guard/);
});
