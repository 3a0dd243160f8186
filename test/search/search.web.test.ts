/**
 * The search page and API over HTTP on the real app: highlighted results, friendly parse errors
 * (400 with the message, never a 500), the arXiv-id jump, `?like=` and similar papers on the
 * paper page, keyword fallback with a notice before reindex, each result's match explained.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { reindex } from '../../src/search/reindex.ts';
import { semanticFor } from '../../src/search/semantic.ts';
import { startApp, type TestApp } from '../support/app.ts';
import { searchCorpus } from './corpus.ts';

describe('search over HTTP', () => {
  let t: TestApp;
  const papers = searchCorpus(8);
  const get = (p: string) => fetch(`${t.url}${p}`, { redirect: 'manual' });

  before(async () => {
    t = await startApp();
    await t.store.papers.upsertMany(papers.map((p) => p.input));
  });
  after(() => t.close());

  it('falls back to keyword search and says so before reindex', async () => {
    const res = await get('/search?q=telescope');
    assert.equal(res.status, 200);
    const body = await res.text();
    assert.match(body, /class="notice search-notice"/);
    assert.match(body, /<mark>telescope<\/mark>/i);
  });

  it('explains a query it cannot read, with a 400 and a caret', async () => {
    const res = await get(`/search?q=${encodeURIComponent('galaxy foo:bar')}`);
    assert.equal(res.status, 400);
    const body = await res.text();
    assert.match(body, /Unknown filter &quot;foo:&quot;|Unknown filter "foo:"/);
    assert.match(body, /galaxy foo:bar\n {7}\^/);
  });

  it('the API answers 400 with the message, never 500', async () => {
    for (const q of ['"open', 'x sort:best', 'year:abc cats', '-', 'OR', '))((', 'a'.repeat(240)]) {
      const res = await get(`/api/papers/search?q=${encodeURIComponent(q)}`);
      assert.ok(res.status === 200 || res.status === 400, `${q}: ${res.status}`);
      if (res.status === 400) assert.match(((await res.json()) as { error: string }).error, /character \d+/);
    }
    const ok = await get('/api/papers/search?q=protein&limit=3');
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as unknown[]).length, 3);
  });

  it('jumps to the paper for an arXiv id in the box', async () => {
    const id = papers[0]!.input.arxivId;
    const res = await get(`/search?q=${encodeURIComponent(`arXiv:${id}`)}`);
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), `/papers/${id}`);
    const other = await (await get('/search?q=2401.99999')).text();
    assert.match(other, /not in this library yet/);
  });

  it('after reindex: hybrid results, ?like= and similar papers on the paper page', async () => {
    await reindex(t.store, t.config, { sample: 1000 });
    await (await semanticFor(t.store, t.config)).open();
    const body = await (await get('/search?q=automobile')).text();
    assert.doesNotMatch(body, /search-notice/);
    assert.match(body, /matched automobile, and by meaning|matched by meaning only/);
    const vehicle = papers.find((p) => p.variant === 'car')!.input.arxivId;
    const like = await get(`/search?like=${vehicle}`);
    assert.equal(like.status, 200);
    assert.match(await like.text(), /Papers similar to/);
    const page = await (await get(`/papers/${vehicle}`)).text();
    assert.match(page, /<ol class="similar">/);
    assert.equal((await get('/search?like=2401.99999')).status, 404);
  });

  // Issue 17: each result says what of the query it holds, and partial matches are labelled.
  it('explains each result: which words matched, meaning, or both', async () => {
    const body = await (await get(`/search?q=${encodeURIComponent('protein enzyme zebra')}`)).text();
    assert.match(body, /No paper has every word you asked for/);
    assert.match(body, /matched 2 of 3 words: protein, enzyme/);
    const all = await (await get(`/search?q=${encodeURIComponent('protein enzyme')}`)).text();
    assert.match(all, /matched all 2 words: protein, enzyme/);
  });
});
