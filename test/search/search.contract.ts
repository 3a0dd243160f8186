/**
 * Search behaviour, run against every store (search.sqlite.test.ts, search.postgres.test.ts):
 * query language on the keyword side, the built-in embedder through `reindex`, hybrid fusion,
 * filters on both sides, similar papers, fallback before the index exists.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Store } from '../../src/app/store.ts';
import { reindex } from '../../src/search/reindex.ts';
import { semanticFor } from '../../src/search/semantic.ts';
import { searchPapers, similarPapers } from '../../src/search/service.ts';
import { vectorizePending } from '../../src/search/vectorize.ts';
import { makePaper } from '../support/papers.ts';
import { searchCorpus, type TestPaper } from './corpus.ts';

export function runSearchContract(name: string, open: () => Promise<Store>): void {
  describe(`search (${name})`, () => {
    let store: Store;
    let papers: TestPaper[];
    const data = mkdtempSync(path.join(tmpdir(), 'paperboy-search-'));
    const config = { data, embedder: 'builtin' as const };
    const deps = () => ({ store, config });
    const byId = (id: string) => papers.find((p) => p.input.arxivId === id)!;
    const ready = async () => {
      const s = await semanticFor(store, config);
      await s.open();
      return s;
    };

    before(async () => {
      store = await open();
      papers = searchCorpus();
      await store.papers.upsertMany(papers.map((p) => p.input));
    });
    after(async () => {
      await store.close();
      rmSync(data, { recursive: true, force: true });
    });

    it('answers by keyword, and says so, before the semantic index exists', async () => {
      const r = await searchPapers(deps(), { q: 'galaxy' });
      assert.equal(r.mode, 'keyword');
      assert.match(r.notice ?? '', /paperboy reindex|loading/);
      assert.ok(r.hits.length > 0);
      for (const h of r.hits) assert.equal(byId(h.arxivId).topic, 2);
    });

    it('reindex trains the built-in embedder and embeds every paper', async () => {
      const report = await reindex(store, config, { sample: 1000 });
      assert.equal(report.trained, true);
      assert.equal(report.embedded, papers.length);
      assert.equal(report.vectors, papers.length);
      assert.equal((await ready()).state, 'ready');
    });

    it('finds papers that use another word for the concept (vector and hybrid, not keyword)', async () => {
      const carOnly = new Set(papers.filter((p) => p.variant === 'car').map((p) => p.input.arxivId));
      const kw = await searchPapers(deps(), { q: 'automobile', mode: 'keyword', pageSize: 20 });
      assert.equal(kw.hits.filter((h) => carOnly.has(h.arxivId)).length, 0);
      for (const mode of ['vector', 'hybrid'] as const) {
        const r = await searchPapers(deps(), { q: 'automobile', mode, pageSize: 20 });
        assert.equal(r.mode, mode);
        assert.ok(
          r.hits.filter((h) => carOnly.has(h.arxivId)).length >= 3,
          `${mode}: ${r.hits.map((h) => h.arxivId).join(' ')}`,
        );
        assert.ok(
          r.hits.slice(0, 8).every((h) => byId(h.arxivId).topic === 0),
          `${mode} stays on topic`,
        );
      }
    });

    it('applies filters to both sides', async () => {
      const cases: [string, (p: TestPaper) => boolean][] = [
        ['driving cat:cs.RO', (p) => p.input.categories.includes('cs.RO')],
        ['protein year:2023', (p) => p.input.submittedAt.startsWith('2023')],
        ['road author:hopper', (p) => p.input.authors[0]!.name === 'Grace Hopper'],
        ['galaxy -cat:astro-ph.GA', (p) => !p.input.categories.includes('astro-ph.GA')],
        ['protein before:2022-06-01', (p) => p.input.submittedAt < '2022-06-01'],
      ];
      for (const [q, ok] of cases) {
        const r = await searchPapers(deps(), { q, pageSize: 50 });
        assert.equal(r.error, undefined, q);
        for (const h of r.hits) assert.ok(ok(byId(h.arxivId)), `${q}: ${h.arxivId}`);
        assert.ok(r.hits.length > 0, q);
      }
    });

    it('excludes -words from every result', async () => {
      const r = await searchPapers(deps(), { q: 'protein -enzyme', pageSize: 50 });
      assert.ok(r.hits.length > 0);
      for (const h of r.hits)
        assert.doesNotMatch(`${byId(h.arxivId).input.title} ${byId(h.arxivId).input.abstract}`, /enzyme/);
    });

    it('OR joins alternatives', async () => {
      const r = await searchPapers(deps(), { q: 'nebula OR peptide', mode: 'keyword', pageSize: 50 });
      const topics = new Set(r.hits.map((h) => byId(h.arxivId).topic));
      assert.deepEqual([...topics].sort(), [1, 2]);
    });

    it('sorts by date on request and pages without overlap', async () => {
      const r = await searchPapers(deps(), { q: 'protein sort:date', pageSize: 5 });
      const dates = r.hits.map((h) => h.submittedAt);
      assert.deepEqual(dates, [...dates].sort().reverse());
      assert.equal(r.hasMore, true);
      const p2 = await searchPapers(deps(), { q: 'protein sort:date', pageSize: 5, page: 2 });
      assert.ok(p2.hits.length > 0);
      assert.ok(p2.hits.every((h) => !r.hits.some((x) => x.arxivId === h.arxivId)));
      assert.ok(p2.hits[0]!.submittedAt <= dates.at(-1)!);
    });

    it('returns parse errors with their position instead of throwing', async () => {
      const r = await searchPapers(deps(), { q: 'galaxy "unclosed' });
      assert.equal(r.hits.length, 0);
      assert.equal(r.error?.position, 7);
      assert.match(r.error!.message, /quote/);
    });

    it('highlights the matched words', async () => {
      const r = await searchPapers(deps(), { q: 'telescope', mode: 'keyword' });
      const h = r.hits[0]!;
      const marked = [...h.highlights.title, ...h.highlights.snippet]
        .filter((s) => s.hit)
        .map((s) => s.text.toLowerCase());
      assert.ok(marked.includes('telescope'), JSON.stringify(h.highlights));
    });

    it('offers the paper for an arXiv id typed into the box', async () => {
      const id = papers[0]!.input.arxivId;
      const r = await searchPapers(deps(), { q: `arXiv:${id}` });
      assert.deepEqual(r.didYouMean, { arxivId: id, inLibrary: true, exact: true });
      const missing = await searchPapers(deps(), { q: 'see 2401.99999 please' });
      assert.deepEqual(missing.didYouMean, { arxivId: '2401.99999', inLibrary: false, exact: false });
    });

    it('finds similar papers by meaning', async () => {
      const vehicle = papers.find((p) => p.variant === 'car')!;
      const r = await similarPapers(deps(), vehicle.input.arxivId, 5);
      assert.equal(r?.mode, 'vector');
      assert.equal(r!.hits.length, 5);
      assert.ok(r!.hits.every((h) => h.arxivId !== vehicle.input.arxivId));
      assert.ok(
        r!.hits.every((h) => byId(h.arxivId).topic === 0),
        r!.hits.map((h) => h.arxivId).join(' '),
      );
      assert.equal(await similarPapers(deps(), '2401.99999', 5), null);
    });

    it('embeds new papers incrementally and serves them after a sync', async () => {
      const fresh = makePaper({
        arxivId: '2412.99001',
        title: 'car engine braking on the highway',
        abstract: 'We study road traffic, lane steering, fuel and parking for the car.',
        categories: ['cs.RO'],
      });
      await store.papers.upsertMany([fresh]);
      const s = await ready();
      assert.equal(await vectorizePending(store, s.embedder!), 1);
      await s.sync();
      assert.ok(s.index!.size === papers.length + 1);
      const r = await searchPapers(deps(), { q: 'automobile', mode: 'vector', pageSize: 50 });
      assert.ok(r.hits.some((h) => h.arxivId === '2412.99001'));
    });

    it('a serving process embeds papers that arrive, on its own sync', async () => {
      await store.papers.upsertMany([
        makePaper({
          arxivId: '2412.99002',
          title: 'galaxy halo redshift',
          abstract: 'Stellar nebula and cosmic orbit.',
        }),
      ]);
      const s = await ready();
      await s.sync();
      assert.equal(s.index!.size, papers.length + 2);
      const r = await searchPapers(deps(), { q: 'telescope luminosity', mode: 'vector', pageSize: 50 });
      assert.ok(r.hits.some((h) => h.arxivId === '2412.99002'));
    });

    // Issue 17 item 1: one word no paper holds no longer empties the keyword side.
    it('degrades to partial matches, the paper holding the rare words first', async () => {
      await store.papers.upsertMany([
        makePaper({
          arxivId: '2412.99010',
          title: 'Quokkanet: gradient modulation balances multimodal fusion',
          abstract: 'We modulate the gradients of each modality so that neither dominates training.',
          categories: ['cs.LG'],
        }),
      ]);
      const r = await searchPapers(deps(), { q: 'quokkanet zebra thermostat protein', mode: 'keyword' });
      assert.equal(r.hits[0]?.arxivId, '2412.99010', JSON.stringify(r.hits.map((h) => h.arxivId)));
      assert.deepEqual(r.hits[0]!.match, { words: ['quokkanet'], of: 4 });
      assert.ok(r.hits.slice(1).every((h) => byId(h.arxivId).topic === 1));
      assert.match(r.notice ?? '', /No paper has every word.*rarest/);
      // A question: its stop words are not required, its rare word decides.
      const q = await searchPapers(deps(), {
        q: 'which paper was about the protein quokkanet thing',
        mode: 'keyword',
      });
      assert.equal(q.hits[0]?.arxivId, '2412.99010');
      // Papers holding every word some paper holds come first ("zebra" is in none).
      const all = await searchPapers(deps(), { q: 'protein enzyme zebra', mode: 'keyword', pageSize: 100 });
      const both = papers.filter(
        (p) => /\bprotein\b/.test(p.input.abstract) && /\benzyme\b/.test(p.input.abstract),
      );
      assert.ok(both.length > 0);
      assert.deepEqual(all.hits[0]!.match, { words: ['protein', 'enzyme'], of: 3 });
      assert.ok(all.hits.length > both.length);
      // Words glued by punctuation are not a quoted phrase: they may be missing too.
      const glued = await searchPapers(deps(), { q: 'quokkanet zebra-like thermostat', mode: 'keyword' });
      assert.equal(glued.hits[0]?.arxivId, '2412.99010');
      // A partial match still never holds an excluded word.
      const minus = await searchPapers(deps(), {
        q: 'quokkanet zebra thermostat -modulation',
        mode: 'keyword',
      });
      assert.ok(!minus.hits.some((h) => h.arxivId === '2412.99010'));
    });

    it('answers a query of only common words, none of which papers hold all together', async () => {
      // Each word in more papers than the fallback's cap (keyword-relaxed.ts dfCap: 50 here).
      const filler = (i: number, words: string) =>
        makePaper({
          arxivId: `2412.${String(95000 + i)}`,
          title: `${words} note ${i}`,
          abstract: `On ${words}.`,
          categories: ['math.GM'],
        });
      await store.papers.upsertMany([
        ...Array.from({ length: 60 }, (_, i) => filler(i, 'lorem ipsum')),
        ...Array.from({ length: 60 }, (_, i) => filler(100 + i, 'dolor')),
      ]);
      const r = await searchPapers(deps(), { q: 'lorem ipsum dolor zebra', mode: 'keyword' });
      assert.ok(r.hits.length > 0);
      assert.deepEqual(r.hits[0]!.match, { words: ['lorem', 'ipsum'], of: 4 });
    });

    // Issue 17 item 4: a phrase is a request for those words in that order.
    it('says plainly when no paper holds a quoted phrase, and offers meaning results as such', async () => {
      const r = await searchPapers(deps(), { q: '"protein quokkanet"', mode: 'hybrid' });
      assert.equal(r.mode, 'hybrid');
      assert.match(r.notice ?? '', /No paper has the phrase “protein quokkanet”/);
      assert.ok(r.hits.length > 0);
      for (const h of r.hits) {
        assert.deepEqual(h.matchedBy, ['vector']);
        assert.deepEqual(h.match?.lacks, ['“protein quokkanet”']);
      }
      // Words beside the phrase do not turn papers without it into matches.
      const w = await searchPapers(deps(), { q: '"protein quokkanet" enzyme folding', mode: 'keyword' });
      assert.deepEqual(w.hits, []);
      assert.match(w.notice ?? '', /No paper has the phrase/);
    });
  });
}
