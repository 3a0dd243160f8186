/**
 * The arXiv API, RSS and daily-papers sources against their emulators: what each adds, how it
 * merges into richer stored data, featuring, and what a repeated run costs.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { InvalidInputError, UpstreamUnavailableError } from '../../src/errors.ts';
import { ArxivApiSource, fetchArxivPapers } from '../../src/ingest/sources/arxiv-api.ts';
import { DailyPapersSource } from '../../src/ingest/sources/daily-papers.ts';
import { OaiSource } from '../../src/ingest/sources/oai.ts';
import { RssSource } from '../../src/ingest/sources/rss.ts';
import { type FakePaper, fakePapers } from '../fixtures/upstream/fake-papers.ts';
import { loadFixture } from '../fixtures/upstream/load.ts';
import {
  arxivApiEmulator,
  dailyPapersEmulator,
  oaiEmulator,
  rssEmulator,
} from '../support/fixture-server.ts';
import { harness } from './harness.ts';

describe('arXiv API', () => {
  it('fetchArxivPapers: id_list in batches, input order, missing ids named, versions stripped', async () => {
    const papers = fakePapers(6);
    const h = await harness({ '/api/query': arxivApiEmulator({ papers }) });
    try {
      const ids = [
        '2401.00005',
        'arXiv:2401.00002v1',
        'https://arxiv.org/abs/2401.00001',
        '2401.09999',
        '2401.00002',
      ];
      const r = await fetchArxivPapers(ids, {
        http: h.http,
        apiUrl: `${h.server.url}/api/query`,
        batchSize: 2,
      });
      assert.deepEqual(
        r.papers.map((p) => p.arxivId),
        ['2401.00005', '2401.00002', '2401.00001'],
      );
      assert.deepEqual(r.missing, ['2401.09999']);
      assert.deepEqual(
        h.server.requests.map((q) => q.query.id_list),
        ['2401.00005,2401.00002', '2401.00001,2401.09999'],
      );
      const p5 = r.papers[0]!;
      assert.equal(p5.version, papers[4]!.versions.length);
      assert.equal(p5.authors[0]?.affiliation, 'Example University');
      await assert.rejects(
        fetchArxivPapers(['2401.00001', 'javascript:alert(1)'], {
          http: h.http,
          apiUrl: `${h.server.url}/api/query`,
        }),
        InvalidInputError,
      );
    } finally {
      await h.close();
    }
  });

  it('fetchArxivPapers: an API error feed is an UpstreamUnavailableError with its message', async () => {
    const h = await harness({ '/api/query': loadFixture('api/error.xml') });
    try {
      await assert.rejects(
        fetchArxivPapers(['2401.00001'], { http: h.http, apiUrl: `${h.server.url}/api/query` }),
        (e: Error) => e instanceof UpstreamUnavailableError && /arXiv API error: /.test(e.message),
      );
    } finally {
      await h.close();
    }
  });

  it('ingest arxiv-api --ids merges into OAI data without losing submitter, license or versions', async () => {
    const papers = fakePapers(4);
    const h = await harness({ '/oai': oaiEmulator({ papers }), '/api/query': arxivApiEmulator({ papers }) });
    try {
      await h.run(new OaiSource({ baseUrl: `${h.server.url}/oai` }));
      const r = await h.run(
        new ArxivApiSource({ apiUrl: `${h.server.url}/api/query`, ids: papers.map((p) => p.id) }),
      );
      assert.equal(r.status, 'ok', r.message);
      const p = await h.store.papers.get(papers[2]!.id); // 3 versions; the API only shows v1 and v3
      assert.equal(p?.submitter, papers[2]!.submitter);
      assert.equal(p?.license, papers[2]!.license);
      assert.deepEqual(
        p?.versions.map((v) => v.version),
        [1, 2, 3],
      );
      assert.equal(p?.authors[0]?.affiliation, 'Example University', 'affiliations from the API');
      assert.equal(r.counts.inserted, 0);
    } finally {
      await h.close();
    }
  });

  it('ingest arxiv-api --categories pages through search results; --since stops at older updates', async () => {
    const papers = fakePapers(45);
    const h = await harness({ '/api/query': arxivApiEmulator({ papers }) });
    try {
      const api = `${h.server.url}/api/query`;
      const r = await h.run(new ArxivApiSource({ apiUrl: api, query: 'cat:cs.LG', pageSize: 4 }));
      const inLG = papers.filter((p) => p.categories.includes('cs.LG')).length;
      assert.equal(r.counts.inserted, inLG);
      assert.equal(h.server.requests.length, Math.ceil(inLG / 4));
      assert.deepEqual(
        h.server.requests.map((q) => Number(q.query.start)),
        [0, 4, 8, 12, 16].slice(0, h.server.requests.length),
      );
      assert.equal(h.server.requests[0]?.query.sortBy, 'lastUpdatedDate');

      const before = h.server.requests.length;
      const late = await h.run(
        new ArxivApiSource({ apiUrl: api, query: 'cat:cs.CV', pageSize: 4, since: '2030-01-01' }),
      );
      assert.equal(h.server.requests.length - before, 1, 'a page entirely older than --since ends the walk');
      assert.equal(late.counts.seen, 0);
    } finally {
      await h.close();
    }
  });
});

describe('RSS new-submission feeds', () => {
  // In the cs.LG feed: #0 new (v1), #4 replace-cross (v2), #5 replace (v3), #9 cross (v1).
  const papers = fakePapers(10);
  const stored: FakePaper[] = [
    // OAI has a corrected title the announcement feed does not know: the feed must not undo it.
    { ...papers[4]!, title: 'Corrected title from OAI' },
    { ...papers[5]!, versions: papers[5]!.versions.slice(0, 1) },
    { ...papers[9]!, categories: ['cs.AI'] },
  ];

  it('new adds, replace updates the version, cross adds categories; richer stored data survives; rules feature new papers', async () => {
    const h = await harness({
      '/oai': oaiEmulator({ papers: stored }),
      '/rss/*': rssEmulator({ papers, day: '2024-02-01' }),
    });
    try {
      await h.run(new OaiSource({ baseUrl: `${h.server.url}/oai` }));
      const before = await h.store.papers.get(papers[4]!.id);
      const r = await h.run(
        new RssSource({ rssUrl: h.server.url, categories: 'cs.LG', featureCategories: ['cs.LG'] }),
      );
      assert.equal(r.status, 'ok', r.message);
      assert.deepEqual(
        {
          seen: r.counts.seen,
          inserted: r.counts.inserted,
          updated: r.counts.updated,
          unchanged: r.counts.unchanged,
          featured: r.counts.featured,
        },
        { seen: 4, inserted: 1, updated: 2, unchanged: 1, featured: 1 },
      );
      // new
      assert.equal(
        (await h.store.papers.get(papers[0]!.id))?.title,
        'Synthetic study 1 of sparse attention at scale',
      );
      // replace: v3 now, but the v1 date, submitter and real v1 entry are kept
      const p5 = await h.store.papers.get(papers[5]!.id);
      assert.equal(p5?.version, 3);
      assert.equal(p5?.submitter, papers[5]!.submitter);
      assert.equal(
        p5?.versions[0]?.createdAt,
        new Date(Date.parse(papers[5]!.versions[0]!.date)).toISOString(),
      );
      assert.equal(p5?.submittedAt, p5?.versions[0]?.createdAt);
      assert.equal(p5?.versions.at(-1)?.version, 3);
      // cross: categories added, primary unchanged
      assert.deepEqual((await h.store.papers.get(papers[9]!.id))?.categories, ['cs.AI', 'cs.LG']);
      // same version listed again: the OAI record (comments, submission date) is untouched
      assert.deepEqual(await h.store.papers.get(papers[4]!.id), before);
      assert.equal(before?.title, 'Corrected title from OAI');
      // featuring: only the new paper whose primary category is cs.LG, on its announcement day
      const featured = await h.store.papers.featuredOn('2024-02-01');
      assert.deepEqual(
        featured.map((f) => [f.arxivId, f.source]),
        [[papers[0]!.id, 'rule']],
      );

      // The same feed again: ETag → 304, one request, nothing written.
      const n = h.server.requests.length;
      const again = await h.run(
        new RssSource({ rssUrl: h.server.url, categories: 'cs.LG', featureCategories: ['cs.LG'] }),
      );
      assert.equal(h.server.requests.length - n, 1);
      assert.ok(h.server.requests.at(-1)?.headers['if-none-match']);
      assert.match(again.message, /feed unchanged since the last run \(304 Not Modified\)/);
    } finally {
      await h.close();
    }
  });

  it('without featuring rules nothing is featured; a weekend feed (rss/weekend-empty.xml) is fine', async () => {
    const h = await harness({
      '/rss/*': { sequence: [loadFixture('rss/cs.LG.xml'), loadFixture('rss/weekend-empty.xml')] },
    });
    try {
      const r = await h.run(new RssSource({ rssUrl: h.server.url, categories: 'cs.LG' }));
      assert.ok(r.counts.inserted > 0);
      assert.equal(r.counts.featured, 0);
      const empty = await h.run(new RssSource({ rssUrl: h.server.url, categories: 'cs.LG' }));
      assert.equal(empty.status, 'ok');
      assert.match(empty.message, /no announcements in cs\.LG/);
    } finally {
      await h.close();
    }
  });
});

describe('daily-papers', () => {
  const now = () => new Date('2024-02-01T22:00:00Z');

  it('imports picks as papers featured that day, upvotes kept apart and raised on a later run; unknown papers enriched from the API', async () => {
    const papers = fakePapers(3);
    let bump = 0;
    const daily = dailyPapersEmulator({ days: { '2024-02-01': papers } });
    const h = await harness({
      '/api/daily_papers': async (req, url) => {
        const reply = (await daily(req, url)) as { body: string };
        const items = JSON.parse(reply.body) as { paper: { upvotes: number } }[];
        for (const i of items) i.paper.upvotes += bump;
        return { ...reply, body: JSON.stringify(items) };
      },
      // The API knows the first two picks only.
      '/api/query': arxivApiEmulator({ papers: papers.slice(0, 2) }),
    });
    try {
      const source = () =>
        new DailyPapersSource({
          url: `${h.server.url}/api/daily_papers`,
          enrich: async (ids, get) =>
            (await fetchArxivPapers(ids, { http: { get }, apiUrl: `${h.server.url}/api/query` })).papers,
        });
      const r = await h.run(source(), { now });
      assert.equal(r.status, 'ok', r.message);
      assert.equal(r.counts.inserted, 3);
      assert.equal(r.counts.featured, 3);
      assert.equal(r.requests, 2, 'one daily-papers page and one API lookup, both counted in the run');
      const featured = await h.store.papers.featuredOn('2024-02-01');
      assert.deepEqual(
        featured.map((f) => [f.arxivId, f.source, f.submittedBy, f.importedUpvotes]),
        papers.map((p, i) => [p.id, 'import', 'curator', (i * 7) % 50]),
      );
      assert.deepEqual(
        (await h.store.papers.get(papers[0]!.id))?.categories,
        papers[0]!.categories,
        'enriched from the API',
      );
      assert.deepEqual(
        (await h.store.papers.get(papers[2]!.id))?.categories,
        [],
        'not at the API: stored as picked',
      );
      assert.ok(
        (await h.store.papers.get(papers[0]!.id))?.links.some(
          (l) => l.url === 'https://github.com/example/p0',
        ),
      );

      bump = 5;
      const again = await h.run(source(), { now });
      assert.equal(again.counts.featured, 0, 'already featured');
      const raised = await h.store.papers.featuredOn('2024-02-01');
      assert.deepEqual(
        raised.map((f) => f.importedUpvotes),
        papers.map((_, i) => ((i * 7) % 50) + 5),
      );
      assert.equal(
        h.server.requests.at(-1)?.query.date,
        '2024-02-01',
        'the last day is read again for upvotes',
      );
    } finally {
      await h.close();
    }
  });

  it('a 400 for a bad day and a truncated JSON list end with clear messages; complete items are kept', async () => {
    const papers = fakePapers(3);
    const body = JSON.stringify(
      papers.map((p, i) => ({
        paper: {
          id: p.id,
          title: `T${i}`,
          summary: 'S',
          authors: [],
          publishedAt: '2024-01-30T00:00:00Z',
          upvotes: 1,
        },
        publishedAt: '2024-02-01T01:00:00Z',
      })),
    );
    const h = await harness({
      '/api/daily_papers': {
        sequence: [{ status: 400, body: '{"error":"Invalid date"}' }, body.slice(0, body.length - 40)],
      },
    });
    try {
      const src = () => new DailyPapersSource({ url: `${h.server.url}/api/daily_papers` });
      const bad = await h.run(src(), { now });
      assert.equal(bad.status, 'failed');
      assert.match(bad.message, /2024-02-01 page 0: HTTP 400 \{"error":"Invalid date"\}/);
      const cut = await h.run(src(), { now });
      assert.equal(cut.status, 'failed');
      assert.match(cut.message, /invalid JSON.*kept 2 complete items/);
      assert.equal(await h.store.papers.count(), 2);
      assert.equal((await h.store.papers.featuredOn('2024-02-01')).length, 2);
    } finally {
      await h.close();
    }
  });
});
