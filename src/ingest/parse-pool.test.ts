import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fakePapers } from '../../test/fixtures/upstream/fake-papers.ts';
import { oaiListRecordsXml } from '../../test/fixtures/upstream/oai/generate.ts';
import { preparePaper } from '../papers/prepared.ts';
import type { HttpResponse } from './http.ts';
import { ParsePool, parseOaiPage } from './parse-pool.ts';
import { PageReader, peekToken } from './sources/oai-pages.ts';

const now = new Date('2024-03-01T00:00:00Z');
const page = (n: number, token?: string) =>
  Buffer.from(
    oaiListRecordsXml(fakePapers(n), { format: 'arXivRaw', ...(token ? { token: { value: token } } : {}) }),
  );

describe('ParsePool', () => {
  it('a worker returns exactly what parsing in place returns, flattened or not', async () => {
    const body = page(400); // over WORKER_MIN_BYTES
    assert.ok(body.length > 256 * 1024);
    const pool = new ParsePool(1);
    try {
      for (const prepare of [true, false]) {
        assert.deepEqual(await pool.parse(body, now, prepare), parseOaiPage(body, now, prepare));
      }
      const flat = await pool.parse(body, now, true);
      assert.equal(flat.prepared.length, 400);
      assert.deepEqual(flat.prepared[7], preparePaper(parseOaiPage(body, now, false).papers[7]!));
    } finally {
      await pool.close();
    }
  });
});

describe('PageReader', () => {
  it('peeks the token at the end of a page; none on a last page or a truncated one', () => {
    assert.equal(peekToken(page(2, 'a&b|100')), 'a&b|100');
    assert.equal(peekToken(page(2)), null);
    const cut = page(2, 'x|1');
    assert.equal(peekToken(cut.subarray(0, cut.length - 30)), null);
  });

  it('requests the next page while the current one is being stored; a wrong guess is refetched', async () => {
    const bodies: Record<string, Buffer> = { p1: page(3, 't2'), t2: page(3, 't3'), t3: page(3) };
    const fetched: string[] = [];
    const fetch = async (url: string): Promise<HttpResponse> => {
      fetched.push(url);
      return { status: 200, headers: new Headers(), body: bodies[url] ?? page(1), url };
    };
    const reader = new PageReader({ fetch, pool: new ParsePool(0), now, tokenUrl: (t) => t, prepare: true });
    const first = await reader.read('p1');
    assert.equal(first.page?.prepared.length, 3);
    await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(fetched, ['p1', 't2', 't3'], 'two pages read ahead');
    await reader.read('t2');
    assert.deepEqual(fetched.length, 3, 'served from the read-ahead');
    await reader.read('other'); // the harvester went elsewhere (e.g. restarted after an expired token)
    assert.deepEqual(fetched.slice(3), ['other']);
  });
});
