/**
 * Admin pages (issue 12, item 3): /admin/ingest lists runs; before setup the admin pages answer a
 * request made on this machine itself; once an admin exists only the role counts, whatever the
 * client address (a same-host TCP proxy, a foreign Host), and a moderator sees moderation only.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { test } from 'node:test';
import { startApp, type TestApp } from '../support/app.ts';
import { signUpAndLogIn, type WebClient } from '../support/web-client.ts';

const counts = { seen: 12, inserted: 9, updated: 1, unchanged: 0, rejected: 2, withdrawn: 0, featured: 0 };
const ADMIN_ONLY = ['/admin', '/admin/ingest', '/admin/ingest.json', '/admin/digests'];
const MODERATION = ['/admin/moderation'];

/** A GET with headers fetch() will not send (Host); no cookies. */
function rawGet(base: string, path: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}${path}`, { headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
  });
}

/** stunnel / haproxy in TCP mode / nginx stream: bytes relayed from 127.0.0.1, no headers added. */
async function tcpProxy(target: string): Promise<{ url: string; close(): Promise<void> }> {
  const { port } = new URL(target);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(port), '127.0.0.1');
    sockets.add(client).add(upstream);
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}`,
    close: () =>
      new Promise<void>((r) => {
        server.close(() => r());
        for (const s of sockets) s.destroy();
      }),
  };
}

async function makeAdmin(t: TestApp, name: string): Promise<WebClient> {
  const c = await signUpAndLogIn(t.url, t.dataDir, name);
  await t.store.users.setRole((await t.store.users.byName(name))!.id, 'admin');
  return c;
}

test('lists runs with counts and escaped first errors; before setup, refuses non-local and proxied requests', async () => {
  const t = await startApp();
  try {
    const id = await t.store.ingestRuns.start({ source: 'oai', params: {}, holder: 'h:1:x', resumed: false });
    await t.store.ingestRuns.finish(id, {
      counts,
      requests: 4,
      errorCount: 2,
      errors: [
        { where: 'page 1, record 2 (2401.00402)', reason: 'invalid UTF-8 in title' },
        { where: 'page 2', reason: '<script>alert(1)</script> in an upstream message' },
      ],
      status: 'partial',
      message: 'finished: 12 seen, 9 inserted',
    });
    const res = await fetch(`${t.url}/admin/ingest`);
    assert.equal(res.status, 200);
    const body = await res.text();
    assert.match(body, /<td>#1<\/td>\s*<td>oai<\/td>\s*<td><strong>partial<\/strong><\/td>/);
    assert.match(body, /<td>12<\/td><td>9<\/td><td>1<\/td><td>0<\/td><td>2<\/td>/);
    assert.match(body, /invalid UTF-8 in title/);
    assert.ok(body.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(!body.includes('<script>alert'));
    const json = (await (await fetch(`${t.url}/admin/ingest.json`)).json()) as { runs: { id: number }[] };
    assert.equal(json.runs[0]?.id, id);

    const proxied = await fetch(`${t.url}/admin/ingest`, { headers: { 'X-Forwarded-For': '203.0.113.9' } });
    assert.equal(proxied.status, 403);
    const remote = await t.app.inject({ method: 'GET', url: '/admin/ingest', remoteAddress: '203.0.113.5' });
    assert.equal(remote.statusCode, 403);
    assert.match(remote.body, /only on this machine/);
    assert.equal((await fetch(`${t.url}/`)).status, 200, 'other pages are unaffected');
  } finally {
    await t.close();
  }
});

test('before setup: loopback with our own Host opens the admin pages; a foreign Host (DNS rebinding) does not', async () => {
  const t = await startApp();
  try {
    const port = new URL(t.url).port;
    for (const path of ADMIN_ONLY) {
      assert.equal(await rawGet(t.url, path, { host: `localhost:${port}` }), 200, path);
      assert.equal(await rawGet(t.url, path, { host: `evil.example:${port}` }), 403, `${path} foreign Host`);
      assert.equal(await rawGet(t.url, path, { host: 'evil.example' }), 403, `${path} foreign Host`);
    }
    // Nobody can hold the moderator role yet: the overview does not link to it.
    const overview = await (await fetch(`${t.url}/admin`)).text();
    assert.match(overview, /href="\/admin\/ingest"/);
    assert.match(overview, /href="\/admin\/digests"/);
    assert.doesNotMatch(overview, /<p>[^\n]*href="\/admin\/moderation"/);
  } finally {
    await t.close();
  }
});

test('after setup: anonymous requests are refused from loopback, through a same-host TCP proxy, and with any Host', async () => {
  const t = await startApp({ config: { trustProxy: 1 } });
  const proxy = await tcpProxy(t.url);
  try {
    await makeAdmin(t, 'root');
    const port = new URL(t.url).port;
    for (const path of [...ADMIN_ONLY, ...MODERATION]) {
      const direct = await fetch(`${t.url}${path}`);
      assert.ok([401, 403].includes(direct.status), `${path} from loopback: ${direct.status}`);
      const relayed = await fetch(`${proxy.url}${path}`);
      assert.ok([401, 403].includes(relayed.status), `${path} through a TCP proxy: ${relayed.status}`);
      const foreign = await rawGet(t.url, path, { host: `evil.example:${port}` });
      assert.ok([401, 403].includes(foreign), `${path} with a foreign Host: ${foreign}`);
      const own = await rawGet(t.url, path, { host: `localhost:${port}` });
      assert.ok([401, 403].includes(own), `${path} with our own Host: ${own}`);
    }
    // Refusals are the site's pages, and say what to do.
    const page = await fetch(`${t.url}/admin/ingest`);
    assert.equal(page.status, 401);
    assert.match(await page.text(), /Log in as an admin/);
  } finally {
    await proxy.close();
    await t.close();
  }
});

test('the signed-in admin behind a proxy opens every admin page, rendered as signed in; a moderator only moderation', async () => {
  const t = await startApp({ config: { trustProxy: 1 } });
  try {
    const admin = await makeAdmin(t, 'root');
    const forwarded = { 'x-forwarded-for': '198.51.100.7', 'x-forwarded-proto': 'http' };
    for (const path of [...ADMIN_ONLY, ...MODERATION]) {
      const r = await admin.get(path, forwarded);
      assert.equal(r.status, 200, path);
      const body = await r.text();
      if (!path.endsWith('.json')) {
        assert.match(body, /href="\/users\/root"/, `${path} shows the admin signed in`);
        assert.doesNotMatch(body, /Sign up<\/a>/, `${path} does not offer "Log in | Sign up"`);
      }
    }
    const overview = await (await admin.get('/admin', forwarded)).text();
    for (const link of ['/admin/ingest', '/admin/moderation', '/admin/digests'])
      assert.ok(overview.includes(`href="${link}"`), link);

    const mod = await signUpAndLogIn(t.url, t.dataDir, 'mod');
    await t.store.users.setRole((await t.store.users.byName('mod'))!.id, 'moderator');
    for (const path of MODERATION) assert.equal((await mod.get(path, forwarded)).status, 200, path);
    for (const path of ADMIN_ONLY) assert.equal((await mod.get(path, forwarded)).status, 403, path);

    const user = await signUpAndLogIn(t.url, t.dataDir, 'reader');
    for (const path of [...ADMIN_ONLY, ...MODERATION]) assert.equal((await user.get(path)).status, 403, path);
  } finally {
    await t.close();
  }
});
