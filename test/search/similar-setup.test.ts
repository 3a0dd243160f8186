/**
 * createSimilarLists on a real SQLite file: before vectors, the title-word fallback runs in the
 * worker thread and is stored as a 'keyword' list; after `reindex`, lists come from vectors, the
 * keyword lists are no longer shown (lists fused from vectors and keywords replace them), and `warm()` fills lists for featured papers nobody opened.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SqliteStore } from '../../src/app/sqlite.store.ts';
import { reindex } from '../../src/search/reindex.ts';
import { resetSemantic, semanticFor } from '../../src/search/semantic.ts';
import { KEYWORD_MODEL } from '../../src/search/similar.ts';
import { fusedModel } from '../../src/search/similar-fuse.ts';
import { createSimilarLists, type SimilarSetup } from '../../src/search/similar-setup.ts';
import { tempDir } from '../support/app.ts';
import { searchCorpus } from './corpus.ts';

describe('similar lists wired to a SQLite store', () => {
  const dir = tempDir('paperboy-similar-setup-');
  const config = { data: dir, embedder: 'builtin' as const };
  let store: SqliteStore;
  let setup: SimilarSetup;
  const papers = searchCorpus(6);
  const idOf = async (arxivId: string) => (await store.papers.get(arxivId))!.id;

  before(async () => {
    store = new SqliteStore(path.join(dir, 'paperboy.db'));
    await store.papers.upsertMany(papers.map((p) => p.input));
    setup = createSimilarLists(store, config);
  });
  after(async () => {
    await setup.close();
    resetSemantic(store);
    await store.close();
  });

  it('before vectors: the worker finds papers sharing title words; stored as a keyword list', async () => {
    const p = papers[0]!;
    const got = await setup.lists.get(await idOf(p.input.arxivId), 10_000);
    assert.ok(got?.list, 'computed within the wait');
    assert.equal(got.list.model, KEYWORD_MODEL);
    assert.ok(got.list.ids.length > 0);
    const titles = await setup.titles(got.list.ids);
    const words = new Set(p.input.title.toLowerCase().match(/[a-z]{4,}/g));
    for (const t of titles)
      assert.ok(
        t.title
          .toLowerCase()
          .match(/[a-z]{4,}/g)
          ?.some((w) => words.has(w)),
        `${t.title} shares a word with ${p.input.title}`,
      );
    assert.equal((await store.similar.get(await idOf(p.input.arxivId)))!.list!.model, KEYWORD_MODEL);
  });

  it('after reindex: vector lists replace keyword ones, and warm() fills featured papers', async () => {
    await reindex(store, config, { sample: 1000 });
    const sem = await semanticFor(store, config);
    await sem.sync();
    assert.equal(sem.state, 'ready');
    // Lists from vectors are fused with "more like this" (similar-fuse.ts), and say so.
    const model = fusedModel(sem.index!.model);
    const first = await idOf(papers[0]!.input.arxivId);
    assert.deepEqual(await setup.lists.get(first), { list: null }, 'the keyword list is invalid now');
    await setup.lists.idle();
    assert.equal((await setup.lists.get(first))!.list!.model, model);

    const featured = papers.slice(1, 4).map((p) => p.input.arxivId);
    await store.papers.ingestBatch({
      papers: [],
      featured: featured.map((arxivId) => ({
        arxivId,
        day: '2031-01-01',
        source: 'rule' as const,
        submittedBy: null,
        importedUpvotes: 0,
      })),
    });
    assert.equal(await setup.warm(), featured.length);
    await setup.lists.idle();
    const repo = store.similar;
    for (const arxivId of featured) assert.equal((await repo.get(await idOf(arxivId)))!.list!.model, model);
    assert.equal(await setup.warm(), 0, 'nothing left to warm');
  });
});
