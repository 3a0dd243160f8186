/**
 * Issue 18 item 5: the HNSW graph is available to every instance, not only to the one whose data
 * directory `paperboy reindex` wrote it into. An instance with another data directory (another
 * machine) on the same database loads the vectors, answers by exact scan at once, builds the graph
 * in a worker thread without blocking, then answers through it and saves it for its next start.
 * On both stores (the approximate-index threshold lowered for the test, as in reindex.test.ts).
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { describe, it } from 'node:test';
import { searchDir } from '../../src/search/embedder/load.ts';
import { reindex } from '../../src/search/reindex.ts';
import { Semantic } from '../../src/search/semantic.ts';
import { toInt8 } from '../../src/search/vectors/quantize.ts';
import { bothStores } from '../digest/helpers.ts';
import { tempDir } from '../support/app.ts';
import { searchCorpus } from './corpus.ts';

for (const [dialect, open] of bothStores) {
  describe(`the HNSW graph on every instance (${dialect})`, () => {
    it('an instance without the graph file builds it off the event loop, then answers through it', async () => {
      const { store, close } = await open();
      const here = tempDir('paperboy-graph-a-');
      const elsewhere = tempDir('paperboy-graph-b-');
      try {
        await store.papers.upsertMany(searchCorpus().map((p) => p.input));
        const built = await reindex(store, { data: here, embedder: 'builtin' }, { approxFrom: 10 });
        assert.equal(built.graph, true);
        const graphs = (dir: string) =>
          existsSync(searchDir(dir)) ? readdirSync(searchDir(dir)).filter((f) => f.endsWith('.hnsw')) : [];
        assert.equal(graphs(here).length, 1, 'reindex saved its graph in its own data directory');

        const settings = { data: elsewhere, embedder: 'builtin' as const };
        const other = new Semantic(store.search, settings, store, { approxFrom: 10 });
        let ticks = 0;
        const ticker = setInterval(() => ticks++, 1).unref();
        await other.open();
        assert.equal(other.state, 'ready', 'searchable at once');
        assert.ok(other.graphBuild, 'building the graph');
        const [query] = await other.embedder!.embed(['automobile traffic on the highway']);
        assert.equal(other.index!.search(query!, 10).length, 10);
        assert.equal(other.index!.approximate, false, 'exact scan while the graph is built');
        // A paper embedded while the worker builds (its vector: the query's own) joins the graph after.
        other.index!.upsert(987_654, toInt8(query!));
        await other.graphBuild.finally(() => clearInterval(ticker));
        assert.ok(ticks > 0, 'the event loop kept turning while the graph was built');
        assert.equal(other.error, null);
        assert.equal(other.index!.approximate, true, 'answers through its own graph now');
        const viaGraph = other.index!.search(query!, 10).map((r) => r.paperId);
        assert.equal(viaGraph[0], 987_654, 'the vector that arrived during the build is in the graph');
        assert.deepEqual(
          viaGraph,
          other.index!.exact(query!, 10).map((r) => r.paperId),
        );
        assert.equal(graphs(elsewhere).length, 1, 'saved for its next start');
        assert.deepEqual(
          readdirSync(searchDir(elsewhere)).filter((f) => f.includes('graph-build')),
          [],
          'no scratch file left',
        );
        const restarted = new Semantic(store.search, settings, store, { approxFrom: 10 });
        await restarted.open();
        assert.equal(restarted.index!.approximate, true, 'loaded, not rebuilt');
        assert.equal(restarted.graphBuild, null);
      } finally {
        await close();
        rmSync(here, { recursive: true, force: true });
        rmSync(elsewhere, { recursive: true, force: true });
      }
    });
  });
}
