/**
 * Issue 16 item 5, on the generated demo corpus (src/demo/generate.ts) with the built-in model:
 * a -word is never looked for, by name or by meaning; papers with the required words come before
 * those found by meaning alone (or the page says why only meaning matched); each expansion names
 * the word it came from; `searchExpansion: false` turns expansion off.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SqliteStore } from '../../src/app/sqlite.store.ts';
import { generateDemo } from '../../src/demo/generate.ts';
import type { PaperInput } from '../../src/papers/paper.ts';
import { reindex } from '../../src/search/reindex.ts';
import { semanticFor } from '../../src/search/semantic.ts';
import { searchPapers } from '../../src/search/service.ts';
import { tempDir } from '../support/app.ts';

describe('search expansion and -words (issue 16 item 5)', () => {
  const data = tempDir();
  const store = new SqliteStore(path.join(data, 'paperboy.db'));
  const config = { data, embedder: 'builtin' as const };
  let papers: Map<string, PaperInput>;
  const search = (q: string, extra: { searchExpansion?: boolean } = {}) =>
    searchPapers({ store, config: { ...config, ...extra } }, { q, pageSize: 100 });
  const text = (id: string) => {
    const p = papers.get(id)!;
    return `${p.title} ${p.abstract}`;
  };

  before(async () => {
    const corpus = generateDemo({
      papers: 1500,
      days: 28,
      readers: 4,
      seed: 7,
      now: new Date('2026-01-10T12:00:00Z'),
    });
    papers = new Map(corpus.papers.map((p) => [p.arxivId, p]));
    await store.papers.upsertMany(corpus.papers);
    await reindex(store, config, { sample: 1500 });
    await (await semanticFor(store, config)).open();
  });
  after(() => store.close());

  it('shows each expansion with the word it came from', async () => {
    const r = await search('language');
    assert.equal(r.mode, 'hybrid');
    assert.ok(
      (r.related ?? []).some((e) => e.word === 'vision' && e.from === 'language'),
      JSON.stringify(r.related),
    );
  });

  it('never expands a -word, nor looks for it by meaning', async () => {
    // "vision" is the model's neighbour of "language" (the test above).
    const r = await search('language -vision');
    assert.doesNotMatch(JSON.stringify(r.related ?? []), /"vision"/);
    assert.ok(r.hits.length > 0);
    for (const h of r.hits) assert.doesNotMatch(text(h.arxivId), /\bvision\b/i);
  });

  it('"pruning -token": no result has the -word, and meaning-only results say so', async () => {
    const r = await search('pruning -token');
    assert.doesNotMatch(JSON.stringify(r.related ?? []), /"token"/);
    for (const h of r.hits) assert.doesNotMatch(text(h.arxivId), /\btoken\b/i);
    const byMeaning = r.hits.filter((h) => !h.matchedBy.includes('keyword'));
    if (byMeaning.length && byMeaning.every((h) => !/\bpruning\b/i.test(text(h.arxivId))))
      assert.match(r.notice ?? '', /by meaning/);
  });

  it('papers with every required word come before those found by meaning alone', async () => {
    for (const q of ['protein', 'diffusion', 'graph', 'reinforcement learning']) {
      const r = await search(q);
      // Partial matches (issue 17: some of the words) rank with meaning matches, below.
      const full = (h: (typeof r.hits)[number]) =>
        h.matchedBy.includes('keyword') && h.match !== undefined && h.match.words.length === h.match.of;
      const first = r.hits.findIndex((h) => !full(h));
      if (first < 0) continue;
      assert.ok(
        r.hits.slice(first).every((h) => !full(h)),
        `${q}: ${r.hits.map((h) => h.matchedBy.join('+')).join(' ')}`,
      );
    }
  });

  it('an operator can turn expansion off (searchExpansion: false)', async () => {
    const r = await search('language', { searchExpansion: false });
    assert.equal(r.mode, 'hybrid');
    assert.equal(r.related, undefined);
  });
});
