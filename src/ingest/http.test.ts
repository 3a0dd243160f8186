import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startFixtureServer } from '../../test/support/fixture-server.ts';
import { UpstreamUnavailableError } from '../errors.ts';
import { HttpClient, type HttpClientOptions, retryAfterMs } from './http.ts';

async function withServer(
  routes: Parameters<typeof startFixtureServer>[0],
  o: Partial<HttpClientOptions>,
  fn: (c: HttpClient, url: string, log: () => number) => Promise<void>,
) {
  const server = await startFixtureServer(routes);
  const c = new HttpClient({
    userAgent: 'ua',
    intervalMs: 0,
    timeoutMs: 1000,
    allowedBases: [server.url],
    backoffMs: 10,
    ...o,
  });
  try {
    await fn(c, server.url, () => server.requests.length);
  } finally {
    await server.close();
  }
}

describe('HttpClient', () => {
  it('refuses hosts that are not configured upstreams, before any connection', async () => {
    await withServer({}, {}, async (c) => {
      await assert.rejects(c.get('http://127.0.0.2:9/x'), /not a configured upstream/);
      await assert.rejects(c.get('http://169.254.169.254/latest/meta-data'), UpstreamUnavailableError);
      assert.equal(c.requests, 0);
    });
  });

  it('follows a redirect only to a configured upstream', async () => {
    await withServer(
      {
        '/old': { status: 301, headers: { location: '/new' } },
        '/new': 'moved here',
        '/away': { status: 302, headers: { location: 'http://example.org/' } },
      },
      {},
      async (c, url) => {
        assert.equal((await c.get(`${url}/old`)).body.toString(), 'moved here');
        await assert.rejects(c.get(`${url}/away`), /refusing to fetch http:\/\/example\.org/);
      },
    );
  });

  it('returns 4xx answers to the caller without retrying', async () => {
    await withServer({ '/x': { status: 404, body: 'nope' } }, {}, async (c, url, n) => {
      assert.equal((await c.get(`${url}/x`)).status, 404);
      assert.equal(n(), 1);
    });
  });

  it('gives up at once when Retry-After is longer than it may wait', async () => {
    await withServer(
      { '/x': { status: 503, headers: { 'Retry-After': '3600' } } },
      { maxRetryAfterMs: 60_000 },
      async (c, url, n) => {
        await assert.rejects(c.get(`${url}/x`), /asked to wait 3600 s \(HTTP 503\): giving up for now/);
        assert.equal(n(), 1);
      },
    );
  });

  it('an abort cancels a long wait promptly', async () => {
    await withServer({ '/x': { status: 503, headers: { 'Retry-After': '30' } } }, {}, async (c, url) => {
      const ac = new AbortController();
      const t0 = performance.now();
      setTimeout(() => ac.abort(), 100);
      await assert.rejects(c.get(`${url}/x`, { signal: ac.signal }));
      assert.ok(performance.now() - t0 < 2000);
    });
  });

  it('caps the body size', async () => {
    await withServer({ '/big': 'x'.repeat(5000) }, { maxBodyBytes: 1000 }, async (c, url) => {
      await assert.rejects(c.get(`${url}/big`), /response larger than 1000 bytes/);
    });
  });

  it('parses Retry-After seconds and dates', () => {
    assert.equal(retryAfterMs('2'), 2000);
    assert.equal(retryAfterMs('Thu, 01 Feb 2024 00:00:10 GMT', Date.parse('2024-02-01T00:00:00Z')), 10_000);
    assert.equal(retryAfterMs('soon'), null);
  });
});
