/**
 * Issue 18 item 6: `X-Request-Id`. A proxy's well-formed id is kept, anything else is replaced by
 * a random UUID (unique across instances, unlike Fastify's per-process `req-1`); the id is in the
 * answer's header and in every log line of that request.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { SqliteStore } from '../../src/app/sqlite.store.ts';
import type { Store } from '../../src/app/store.ts';
import { loadConfig } from '../../src/config/config.ts';
import { buildApp } from '../../src/web/app.ts';
import { tempDir } from '../support/app.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let app: FastifyInstance;
let store: Store;
let base: string;
const lines: string[] = [];

before(async () => {
  const dataDir = tempDir();
  const config = loadConfig({
    env: {},
    flags: { data: dataDir, port: 0, logLevel: 'info', overloadMaxEventLoopDelayMs: 0 },
  });
  store = new SqliteStore(path.join(dataDir, 'paperboy.db'));
  app = await buildApp({ store, config, logStream: { write: (line) => void lines.push(line) } });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
after(async () => {
  await app.close();
  await store.close();
});

/** The parsed log lines of the request to `url`. */
const logOf = (url: string) => {
  const all = lines.map((l) => JSON.parse(l) as { reqId?: string; req?: { url: string } });
  const ids = new Set(all.filter((l) => l.req?.url === url).map((l) => l.reqId));
  return all.filter((l) => l.reqId !== undefined && ids.has(l.reqId));
};

test("a proxy's well-formed id is echoed and is the reqId of every log line of the request", async () => {
  const id = 'edge-7f3a9c1e.5b:42';
  const res = await fetch(`${base}/?from=proxy`, { headers: { 'X-Request-Id': id } });
  await res.arrayBuffer();
  assert.equal(res.headers.get('x-request-id'), id);
  const log = logOf('/?from=proxy');
  assert.ok(log.length >= 2, 'incoming and completed lines');
  for (const l of log) assert.equal(l.reqId, id);
});

test('without an id each request gets a fresh UUID, on errors too', async () => {
  const ids = [];
  // A refused address (bad escape) is answered before any hook runs: it has an id all the same.
  for (const p of ['/', '/no/such/page', '/%zz', '/']) {
    const res = await fetch(`${base}${p}`);
    await res.arrayBuffer();
    ids.push(res.headers.get('x-request-id') ?? '');
  }
  for (const id of ids) assert.match(id, UUID);
  assert.equal(new Set(ids).size, 4);
});

test('a hostile or malformed id is replaced, never echoed or logged', async () => {
  const hostile = [
    'x'.repeat(129),
    'a b',
    'id"},"level":60,"msg":"forged',
    '<script>alert(1)</script>',
    'naïve',
    '',
  ];
  for (const [i, bad] of hostile.entries()) {
    const url = `/?hostile=${i}`;
    const res = await app.inject({ url, headers: { 'x-request-id': bad } });
    const echoed = String(res.headers['x-request-id']);
    assert.match(echoed, UUID, `replaced: ${JSON.stringify(bad)}`);
    const log = logOf(url);
    assert.ok(log.length >= 2);
    for (const l of log) assert.equal(l.reqId, echoed);
    if (bad) assert.ok(!lines.join('').includes(bad), `${bad.slice(0, 20)} is in the log`);
  }
});
