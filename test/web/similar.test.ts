/**
 * "Similar papers" on the paper page come from stored lists (src/search/similar.ts): the page
 * never waits for a computation (here: not at all, `similarWaitMs: 0`), says where to look
 * without JavaScript, fills in through /similar/<id> with it (real Chromium), reuses the stored
 * list on later views, and recomputes it when `paperboy reindex` brings a new embedder model.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { reindex } from '../../src/search/reindex.ts';
import { semanticFor } from '../../src/search/semantic.ts';
import { KEYWORD_MODEL } from '../../src/search/similar.ts';
import { fusedModel } from '../../src/search/similar-fuse.ts';
import { searchCorpus } from '../search/corpus.ts';
import { startApp, type TestApp } from '../support/app.ts';
import { launchBrowser } from '../support/browser.ts';
import { makePaper } from '../support/papers.ts';

const A = '2503.00001';
const B = '2503.00002';
const C = '2503.00003';
const D = '2503.00004';
const E = '2503.00005';

describe('similar papers on the paper page', () => {
  let t: TestApp;
  const get = async (p: string) => {
    const res = await fetch(`${t.url}${p}`);
    return { status: res.status, body: await res.text() };
  };
  const stored = async (arxivId: string) => {
    const p = (await t.store.papers.get(arxivId))!;
    return (await t.store.similar.get(p.id))!.list;
  };

  before(async () => {
    t = await startApp({ siteOptions: { similarWaitMs: 0 }, config: { pageCacheMs: 0 } });
    await t.store.papers.upsertMany([
      ...searchCorpus(6).map((p) => p.input),
      makePaper({ arxivId: A, title: 'Topological superconductors in lattice gauge theories' }),
      makePaper({ arxivId: B, title: 'Lattice gauge theories of topological superconductors at scale' }),
      makePaper({ arxivId: C, title: 'Superconductors, topological phases and lattice gauge theories' }),
      makePaper({ arxivId: D, title: 'Parking garages and traffic flow' }),
      makePaper({ arxivId: E, title: 'Topological superconductors beyond lattice gauge theories' }),
    ]);
  });
  after(() => t.close());

  it('first view: no list yet, a link to the similar-papers search instead; never a wait', async () => {
    const { status, body } = await get(`/papers/${A}`);
    assert.equal(status, 200);
    assert.match(body, new RegExp(`data-similar="/similar/${A}"`));
    assert.match(body, new RegExp(`href="/search\\?like=${A}"`));
    assert.doesNotMatch(body, /<ol class="similar">/);
  });

  it('the list is computed in the background, served by /similar/<id> and stored', async () => {
    const { status, body } = await get(`/similar/${A}`);
    assert.equal(status, 200);
    assert.match(body, /<ol class="similar">/);
    assert.match(body, new RegExp(`/papers/${B}`));
    assert.match(body, new RegExp(`/papers/${C}`));
    assert.doesNotMatch(body, new RegExp(`/papers/${D}`));
    assert.doesNotMatch(body, /<html/, 'a fragment, not a page');
    const list = await stored(A);
    assert.equal(list?.model, KEYWORD_MODEL);
    assert.ok(!list.ids.includes((await t.store.papers.get(A))!.id));
  });

  it('later views read the stored list', async () => {
    const { body } = await get(`/papers/${A}`);
    assert.match(body, /<ol class="similar">/);
    assert.match(body, new RegExp(`/papers/${B}`));
    assert.doesNotMatch(body, /data-similar=/);
    const like = await get(`/search?like=${A}`);
    assert.equal(like.status, 200);
    assert.match(like.body, /Papers similar to/);
    assert.match(like.body, /these share title words/);
    assert.match(like.body, new RegExp(`/papers/${C}`));
  });

  it('with JavaScript the page fills the list in by itself (Chromium)', async () => {
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage();
      const res = await page.goto(`${t.url}/papers/${E}`);
      assert.equal(res?.status(), 200);
      assert.match((await res?.text()) ?? '', /data-similar=/, 'the server sent the page without the list');
      await page.waitForSelector('#similar ol.similar a', { timeout: 15_000 });
      const links = await page.$$eval('#similar ol.similar a', (as) => as.map((a) => a.getAttribute('href')));
      assert.ok(links.includes(`/papers/${A}`), links.join(' '));
    } finally {
      await browser.close();
    }
  });

  it('a new embedder model (reindex) invalidates stored lists; they are recomputed from vectors', async () => {
    await reindex(t.store, t.config, { sample: 1000 });
    const sem = await semanticFor(t.store, t.config);
    await sem.sync();
    assert.equal(sem.state, 'ready');
    const first = await get(`/papers/${A}`);
    assert.match(first.body, /data-similar=/, 'the keyword list is not shown once vectors exist');
    const fragment = await get(`/similar/${A}`);
    assert.match(fragment.body, /<ol class="similar">/);
    const list = await stored(A);
    assert.equal(list?.model, fusedModel(sem.index!.model), 'vectors fused with keywords');
    assert.notEqual(list?.model, KEYWORD_MODEL);
    assert.match((await get(`/papers/${A}`)).body, /<ol class="similar">/);
  });
});
