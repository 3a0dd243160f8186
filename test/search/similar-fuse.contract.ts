/**
 * Fused "similar papers" (issue 17 item 5, src/search/similar-fuse.ts) on a real store of each
 * dialect. The library: the three-topic corpus, plus a multimodal-learning paper whose abstract is
 * mostly road-traffic words (so its vector sits among the vehicle papers) and its true companion,
 * which shares its rare method words, its category and an author but otherwise talks proteins.
 * Vector neighbours alone list vehicle papers; the fused list starts with the companion — both in
 * `similarPapers` (service.ts) and in the stored lists (similar-setup.ts; on SQLite through the
 * worker thread).
 * And rare or unseen query words (issue 17 item 2, src/search/rare-words.ts): a word the
 * embedder never saw, in a paper added after training, still finds that paper by meaning.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Store } from '../../src/app/store.ts';
import { reindex } from '../../src/search/reindex.ts';
import { resetSemantic, semanticFor } from '../../src/search/semantic.ts';
import { searchPapers, similarPapers } from '../../src/search/service.ts';
import { FUSION_VERSION } from '../../src/search/similar-fuse.ts';
import { createSimilarLists } from '../../src/search/similar-setup.ts';
import { vectorizePending } from '../../src/search/vectorize.ts';
import { makePaper } from '../support/papers.ts';
import { searchCorpus } from './corpus.ts';

const ines = { name: 'Ines Yilmaz', keyname: 'Yilmaz', forenames: 'Ines', suffix: '', affiliation: null };
const road = 'road traffic driving engine highway lane braking steering fuel parking';
const protein = 'protein enzyme folding amino binding residue peptide ligand catalysis chain';

const QUERY_PAPER = makePaper({
  arxivId: '2598.00001',
  title: 'Gradient modulation for balanced multimodal learning',
  abstract: `${road} ${road} ${road} ${road} unimodal imbalance ogmge modality.`,
  categories: ['cs.MM'],
  authors: [ines],
});
const COMPANION = makePaper({
  arxivId: '2598.00002',
  title: 'Modality imbalance in unimodal encoders',
  abstract: `${protein} ${protein} ogmge modality imbalance unimodal.`,
  categories: ['cs.MM'],
  authors: [ines],
});

export function runSimilarFuseContract(name: string, open: () => Promise<Store>): void {
  describe(`fused similar papers (${name})`, () => {
    let store: Store;
    const data = mkdtempSync(path.join(tmpdir(), 'paperboy-similar-fuse-'));
    const config = { data, embedder: 'builtin' as const };

    before(async () => {
      store = await open();
      await store.papers.upsertMany([...searchCorpus().map((p) => p.input), QUERY_PAPER, COMPANION]);
      await reindex(store, config, { sample: 1000 });
      await (await semanticFor(store, config)).open();
    });
    after(async () => {
      resetSemantic(store);
      await store.close();
      rmSync(data, { recursive: true, force: true });
    });

    it('the vector neighbours alone are vehicle papers (what the fusion corrects)', async () => {
      const sem = await semanticFor(store, config);
      const own = (await store.papers.get(QUERY_PAPER.arxivId))!.id;
      const companion = (await store.papers.get(COMPANION.arxivId))!.id;
      const v = Float32Array.from(sem.index!.vectorOf(own)!, (x) => x / 127);
      const near = sem.index!.search(v, 4).map((h) => h.paperId);
      assert.ok(!near.includes(companion), 'the companion is not among the 3 nearest vectors');
    });

    it('similarPapers lists the companion first', async () => {
      const r = await similarPapers({ store, config }, QUERY_PAPER.arxivId, 5);
      assert.equal(r?.hits[0]?.arxivId, COMPANION.arxivId, r?.hits.map((h) => h.title).join(' | '));
      assert.ok(r!.hits.every((h) => h.arxivId !== QUERY_PAPER.arxivId));
    });

    it('stored lists are fused too, labelled with the fusion, and shown as found both ways', async () => {
      const setup = createSimilarLists(store, config);
      try {
        const own = (await store.papers.get(QUERY_PAPER.arxivId))!.id;
        const got = await setup.lists.get(own, 60_000);
        assert.ok(got?.list, 'computed within the wait');
        assert.ok(got.list.model.endsWith(`+${FUSION_VERSION}`), got.list.model);
        const hits = await setup.hits(got.list.ids.slice(0, 5), got.list.model);
        assert.equal(hits[0]?.arxivId, COMPANION.arxivId, hits.map((h) => h.title).join(' | '));
        assert.deepEqual(hits[0]?.matchedBy, ['vector', 'keyword']);
      } finally {
        await setup.close();
      }
    });

    it('a query of a word the embedder never saw finds the papers holding it, by meaning', async () => {
      const late = makePaper({
        arxivId: '2598.00003',
        title: 'Zyxoflux kinetics of enzyme folding',
        abstract: `${protein} zyxoflux zyxoflux.`,
        categories: ['q-bio.BM'],
      });
      await store.papers.upsertMany([late]);
      const sem = await semanticFor(store, config);
      assert.equal(await vectorizePending(store, sem.embedder!), 1);
      await sem.sync();
      assert.equal(sem.embedder!.idf?.('zyxoflux'), null, 'unknown to the trained model');
      const r = await searchPapers({ store, config }, { q: 'zyxoflux', mode: 'vector', pageSize: 5 });
      assert.equal(r.hits[0]?.arxivId, late.arxivId, r.hits.map((h) => h.title).join(' | '));
      // The meaning came along: the rest are protein papers, which never use the word.
      assert.ok(
        r.hits.slice(1).every((h) => h.categories.includes('q-bio.BM')),
        r.hits.map((h) => h.title).join(' | '),
      );
    });
  });
}
