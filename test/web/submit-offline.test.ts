/**
 * Issue 16 item 7: submitting a paper while arXiv cannot be reached. It used to wait through every
 * retry (18 s with the defaults) and answer a generic 503 page with the input lost. Now the wait
 * is bounded (SUBMIT_FETCH_MS), the page says plainly that arXiv cannot be reached, and the form
 * comes back with what was typed. Two local upstreams: one that accepts and never answers, one
 * that refuses connections. The upstream settings are the defaults (30 s timeout, 4 retries).
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SUBMIT_FETCH_MS } from '../../src/users/community.ts';
import { startApp, type TestApp } from '../support/app.ts';
import { freePort } from '../support/serve.ts';
import { signUpAndLogIn } from '../support/web-client.ts';

/** Accepts connections and never says a word. */
async function silentServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const cases: [string, () => Promise<{ url: string; close(): Promise<void> }>][] = [
  ['never answers', silentServer],
  [
    'refuses connections',
    async () => ({ url: `http://127.0.0.1:${await freePort()}`, close: async () => {} }),
  ],
];

for (const [name, upstreamOf] of cases) {
  describe(`submit while arXiv ${name}`, () => {
    let t: TestApp;
    let upstream: { url: string; close(): Promise<void> };

    before(async () => {
      upstream = await upstreamOf();
      t = await startApp({ config: { pageCacheMs: 0, arxivApiUrl: `${upstream.url}/api/query` } });
    });
    after(async () => {
      await t.close();
      await upstream.close();
    });

    it('answers within a few seconds, says arXiv cannot be reached, and keeps the input', async () => {
      const reader = await signUpAndLogIn(t.url, t.dataDir, 'reader');
      const started = performance.now();
      const res = await reader.submit('/submit', '/submit', { paper: 'https://arxiv.org/abs/2405.01234' });
      const took = performance.now() - started;
      // The issue's own measure: the old code waited 18 s and more here.
      assert.ok(took < SUBMIT_FETCH_MS + 3000, `answered after ${Math.round(took)} ms`);
      assert.equal(res.status, 503);
      const html = await res.text();
      assert.match(html, /arXiv cannot be reached right now/);
      assert.match(
        html,
        /2405\.01234 could not be fetched\. Nothing was submitted; try again in a few minutes\./,
      );
      assert.match(html, /name="paper"[^>]*value="https:\/\/arxiv\.org\/abs\/2405\.01234"/);
      assert.equal(await t.store.papers.get('2405.01234'), null);
    });
  });
}
