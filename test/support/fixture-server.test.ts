import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseArxivAtom } from '../../src/ingest/parsers/atom.ts';
import { parseDailyPapers } from '../../src/ingest/parsers/daily-papers.ts';
import { parseOaiListRecords } from '../../src/ingest/parsers/oai.ts';
import { parseArxivRss } from '../../src/ingest/parsers/rss.ts';
import { fakePapers } from '../fixtures/upstream/fake-papers.ts';
import { FIXTURE_NOW } from '../fixtures/upstream/load.ts';
import {
  arxivApiEmulator,
  dailyPapersEmulator,
  type FixtureServer,
  oaiEmulator,
  rssEmulator,
  startFixtureServer,
} from './fixture-server.ts';

const opts = { now: FIXTURE_NOW };
const papers = fakePapers(45, { perDay: 10, deletedEvery: 9 });

describe('fixture server: scripted behaviours', () => {
  let server: FixtureServer;
  before(async () => {
    server = await startFixtureServer({
      '/static': 'hello',
      '/busy': { status: 503, headers: { 'Retry-After': '2' }, body: 'busy' },
      '/limited': { status: 429, body: 'slow down' },
      '/flaky': { sequence: [{ status: 503, headers: { 'Retry-After': '1' } }, 'ok now'] },
      '/hang': { hang: true },
      '/reset': { resetMidBody: 'x'.repeat(10_000) },
      '/fn': (_req, url) => ({ status: 201, body: `q=${url.searchParams.get('q')}` }),
      '/prefix/*': 'under prefix',
    });
  });
  after(() => server.close());

  it('static, status + headers, functions, prefixes, 404', async () => {
    assert.equal(await (await fetch(`${server.url}/static`)).text(), 'hello');
    const busy = await fetch(`${server.url}/busy`);
    assert.deepEqual([busy.status, busy.headers.get('retry-after')], [503, '2']);
    assert.equal((await fetch(`${server.url}/limited`)).status, 429);
    const fn = await fetch(`${server.url}/fn?q=abc`);
    assert.deepEqual([fn.status, await fn.text()], [201, 'q=abc']);
    assert.equal(await (await fetch(`${server.url}/prefix/a/b`)).text(), 'under prefix');
    assert.equal((await fetch(`${server.url}/nope`)).status, 404);
  });

  it('sequence: first 503, then 200 forever', async () => {
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`${server.url}/flaky`)).status);
    assert.deepEqual(statuses, [503, 200, 200]);
  });

  it('hang never answers (client times out); resetMidBody truncates the body', async () => {
    await assert.rejects(fetch(`${server.url}/hang`, { signal: AbortSignal.timeout(150) }), /timeout|abort/i);
    const res = await fetch(`${server.url}/reset`);
    assert.equal(res.headers.get('content-length'), '10000');
    await assert.rejects(res.text());
  });

  it('logs every request with method, path, query, headers and a high-resolution timestamp', async () => {
    const before = server.requests.length;
    await fetch(`${server.url}/static?a=1&b=two`, { headers: { 'user-agent': 'paperboy-test/1.0' } });
    await new Promise((r) => setTimeout(r, 30));
    await fetch(`${server.url}/static`, { method: 'POST', body: 'x' });
    const [a, b] = server.requests.slice(before);
    assert.deepEqual([a?.method, a?.path, a?.query], ['GET', '/static', { a: '1', b: 'two' }]);
    assert.equal(a?.headers['user-agent'], 'paperboy-test/1.0');
    assert.equal(b?.method, 'POST');
    assert.ok(b!.at - a!.at >= 25, 'interval between requests is measurable');
    assert.ok(!Number.isInteger(a!.at) || !Number.isInteger(b!.at), 'sub-millisecond timestamps');
  });
});

describe('fixture server: upstream emulators', () => {
  let server: FixtureServer;
  const oai = oaiEmulator({ papers, pageSize: 10, tokenMaxUses: 1 });
  before(async () => {
    server = await startFixtureServer({
      '/oai': oai,
      '/api/query': arxivApiEmulator({ papers }),
      '/rss/*': rssEmulator({ papers, day: '2024-02-01' }),
      '/api/daily_papers': dailyPapersEmulator({ days: { '2024-01-20': papers.slice(0, 5) } }),
    });
  });
  after(() => server.close());
  const get = async (path: string) => Buffer.from(await (await fetch(`${server.url}${path}`)).arrayBuffer());

  it('OAI-PMH ListRecords: paging by resumptionToken, filters, expired token, noRecordsMatch', async () => {
    const ids: string[] = [];
    let page = parseOaiListRecords(
      await get('/oai?verb=ListRecords&metadataPrefix=arXivRaw&from=2024-01-03'),
      opts,
    );
    for (;;) {
      assert.equal(page.fatal, null);
      for (const r of page.records) ids.push(r.kind === 'paper' ? r.paper.arxivId : r.arxivId);
      if (!page.resumptionToken) break;
      const token = encodeURIComponent(page.resumptionToken.token);
      page = parseOaiListRecords(await get(`/oai?verb=ListRecords&resumptionToken=${token}`), opts);
    }
    assert.equal(page.done, true);
    assert.deepEqual(
      ids,
      papers.filter((p) => p.datestamp >= '2024-01-03').map((p) => p.id),
    );
    const reused = parseOaiListRecords(
      await get(`/oai?verb=ListRecords&resumptionToken=${oai.issued[0]}`),
      opts,
    );
    assert.equal(reused.oaiError?.code, 'badResumptionToken', 'token expired after one use');
    const none = parseOaiListRecords(
      await get('/oai?verb=ListRecords&metadataPrefix=arXiv&from=2030-01-01'),
      opts,
    );
    assert.deepEqual([none.oaiError?.code, none.done], ['noRecordsMatch', true]);
    const set = parseOaiListRecords(await get('/oai?verb=ListRecords&metadataPrefix=arXiv&set=stat'), opts);
    assert.ok(set.records.length > 0);
    const bad = parseOaiListRecords(
      await get('/oai?verb=ListRecords&metadataPrefix=arXiv&from=2024-01-03T00:00:00Z'),
      opts,
    );
    assert.equal(bad.oaiError?.code, 'badArgument');
  });

  it('arXiv API: id_list, search_query paging, error feed', async () => {
    const byId = parseArxivAtom(await get('/api/query?id_list=2401.00003,2401.00005v1'), opts);
    assert.deepEqual(
      byId.records.map((r) => (r.kind === 'paper' ? r.paper.arxivId : '')),
      ['2401.00003', '2401.00005'],
    );
    const search = parseArxivAtom(await get('/api/query?search_query=cat:cs.LG&start=2&max_results=3'), opts);
    const total = papers.filter((p) => !p.deleted && p.categories.includes('cs.LG')).length;
    assert.deepEqual([search.totalResults, search.startIndex, search.records.length], [total, 2, 3]);
    const err = parseArxivAtom(await get('/api/query?id_list=1234.12345v'), opts);
    assert.equal(err.apiError?.message, 'incorrect id format for 1234.12345v');
  });

  it('RSS /rss/<cats>: combined categories, announce types, ETag', async () => {
    const res = await fetch(`${server.url}/rss/cs.LG+cs.CV`);
    const feed = parseArxivRss(Buffer.from(await res.arrayBuffer()), opts);
    assert.equal(feed.fatal, null);
    assert.ok(feed.records.length > 0);
    const types = new Set(feed.records.map((r) => (r.kind === 'paper' ? r.announceType : '')));
    assert.deepEqual([...types].sort(), ['cross', 'new', 'replace', 'replace-cross']);
    const again = await fetch(`${server.url}/rss/cs.LG+cs.CV`, {
      headers: { 'if-none-match': res.headers.get('etag')! },
    });
    assert.equal(again.status, 304);
  });

  it('daily papers: ?date= list, invalid date answers 400', async () => {
    const r = parseDailyPapers(await get('/api/daily_papers?date=2024-01-20'), opts);
    assert.equal(r.items.length, 5);
    assert.equal(r.items[0]?.featuredDay, '2024-01-20');
    assert.equal(parseDailyPapers(await get('/api/daily_papers?date=2024-01-21'), opts).items.length, 0);
    assert.equal((await fetch(`${server.url}/api/daily_papers?date=yesterday`)).status, 400);
  });
});
