/**
 * The lists: daily/weekly/monthly feed with prev/next, trending, categories, authors; each also as
 * RSS, Atom and JSON; the JSON API (daily_papers, papers/<id>, openapi, 429 with RateLimit headers).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { SaxesParser } from 'saxes';
import { startApp, type TestApp } from '../support/app.ts';
import { makePaper } from '../support/papers.ts';

let t: TestApp;
const author = (name: string) => ({
  name,
  keyname: name.split(' ').at(-1)!,
  forenames: name.split(' ')[0]!,
  suffix: '',
  affiliation: null,
});

before(async () => {
  t = await startApp({ config: { pageCacheMs: 0, apiRateLimit: 1000 } });
  await t.store.papers.upsertMany([
    makePaper({
      arxivId: '2403.00001',
      title: 'Most voted <b>&</b> paper',
      categories: ['cs.CV'],
      authors: [author('Grace Hopper'), author('Alan Turing')],
      submittedAt: '2024-02-28T10:00:00.000Z',
    }),
    makePaper({
      arxivId: '2403.00002',
      title: 'Less voted',
      categories: ['cs.LG', 'cs.CV'],
      authors: [author('Alan Turing')],
      links: [{ kind: 'code', url: 'https://github.com/x/y', host: 'github.com' }],
    }),
    makePaper({ arxivId: '2403.00003', title: 'Next day', categories: ['cs.LG'] }),
    makePaper({ arxivId: '2403.00004', title: 'Far away', categories: ['math.AG'] }),
  ]);
  const f = (arxivId: string, day: string, importedUpvotes: number, submittedBy: string | null = null) =>
    t.store.papers.feature({ arxivId, day, source: 'import', submittedBy, importedUpvotes });
  await f('2403.00001', '2024-03-04', 9, 'hopper');
  await f('2403.00002', '2024-03-04', 2);
  await f('2403.00003', '2024-03-06', 1);
  await f('2403.00004', '2024-01-15', 0);
});
after(() => t.close());

const get = (path: string) => fetch(`${t.url}${path}`, { redirect: 'manual' });
const text = async (path: string) => (await get(path)).text();

function wellFormed(xml: string): string[] {
  const names: string[] = [];
  const p = new SaxesParser();
  p.on('opentag', (n) => names.push(n.name));
  p.write(xml).close();
  return names;
}

interface JsonFeedItem {
  id: string;
  url: string;
  title: string;
  content_text: string;
  date_published: string;
  authors: { name: string }[];
}

/** Checks the JSON Feed 1.1 shape (https://jsonfeed.org/version/1.1) and that feed_url is `self`. */
function jsonFeedItems(body: unknown, self: string): JsonFeedItem[] {
  const f = body as Record<string, unknown>;
  assert.equal(f.version, 'https://jsonfeed.org/version/1.1', self);
  assert.equal(typeof f.title, 'string');
  assert.match(String(f.home_page_url), /^http:\/\/localhost:0\//);
  assert.equal(f.feed_url, `http://localhost:0${self}`, 'feed_url is the address asked for');
  assert.ok(Array.isArray(f.items), self);
  const items = f.items as JsonFeedItem[];
  for (const i of items) {
    assert.ok(i.id && typeof i.id === 'string', `${self}: item id`);
    assert.match(i.url, /^http:\/\/localhost:0\/papers\//);
    assert.equal(typeof i.title, 'string');
    assert.equal(typeof i.content_text, 'string');
    assert.ok(
      !Number.isNaN(Date.parse(i.date_published)) && /T.*Z$/.test(i.date_published),
      i.date_published,
    );
    assert.ok(Array.isArray(i.authors) && i.authors.every((a) => typeof a.name === 'string'));
  }
  return items;
}

test('issue 16 item 6: every .json list is a JSON Feed 1.1; a feed’s self link is the address asked for', async () => {
  for (const path of [
    '/papers.json',
    '/papers.json?date=2024-03-04',
    '/papers.json?week=2024-W10&sort=date',
    '/trending.json',
    '/trending.json?cat=cs.CV&window=month',
    '/categories/cs.CV.json',
    '/authors/Alan%20Turing.json',
    '/search.json?q=voted',
  ]) {
    const r = await get(path);
    assert.match(r.headers.get('content-type')!, /^application\/feed\+json/, path);
    jsonFeedItems(await r.json(), path);
  }
  // /papers.rss is "the latest day" and says so: its self link does not pin the day it was read on.
  const rss = await text('/papers.rss');
  assert.match(rss, /<atom:link href="http:\/\/localhost:0\/papers\.rss" rel="self"/);
  assert.match(
    await text('/papers.atom'),
    /<link rel="self" type="application\/atom\+xml" href="http:\/\/localhost:0\/papers\.atom"\/>/,
  );
  // Canonical: known parameters in one order, format and defaults dropped.
  assert.match(
    await text('/papers?format=rss&sort=votes&date=2024-03-04&utm=x'),
    /<atom:link href="http:\/\/localhost:0\/papers\.rss\?date=2024-03-04" rel="self"/,
  );
});

test('issue 16 item 12: lists sort by votes or date, trending has windows, and a category picker', async () => {
  const byVotes = await text('/papers?date=2024-03-04');
  assert.match(byVotes, /<a href="\/papers\?date=2024-03-04&amp;sort=date">newest<\/a>/);
  assert.ok(byVotes.indexOf('2403.00001') < byVotes.indexOf('2403.00002'), '9 imported votes before 2');
  const byDate = await text('/papers?week=2024-W10&sort=date');
  assert.match(byDate, /newest \(arXiv date\) first/);
  // In week 10: 2403.00001 (arXiv 2024-02-28) is the newest; 00002 and 00003 share the factory's
  // date, so the later row comes first by date, while by votes 00002 (2) leads 00003 (1).
  const order = (page: string) =>
    ['2403.00001', '2403.00002', '2403.00003'].sort(
      (a, b) => page.indexOf(`/papers/${a}"`) - page.indexOf(`/papers/${b}"`),
    );
  assert.deepEqual(order(byDate), ['2403.00001', '2403.00003', '2403.00002']);
  assert.deepEqual(order(await text('/papers?week=2024-W10')), ['2403.00001', '2403.00002', '2403.00003']);
  assert.match(byDate, /href="\/papers\?week=2024-W10&amp;sort=date"/, 'the tabs keep the order');
  assert.equal((await get('/papers?sort=random')).status, 400);

  const trending = await text('/trending');
  for (const w of ['Today', 'This week', 'This month', 'All time'])
    assert.match(trending, new RegExp(`>${w}</a>`));
  assert.match(
    trending,
    /<select id="cat" name="cat"><option value="">All categories<\/option><option>cs\.CV<\/option><option>cs\.LG<\/option><option>math\.AG<\/option><\/select>/,
  );
  // Featured in 2024: nothing entered the feed in the last week of the app's clock.
  const week = await text('/trending?window=week');
  assert.match(week, /Nothing featured this week/);
  assert.ok(!week.includes('/papers/2403.00001"'));
  assert.match(await text('/trending?window=all&cat=cs.CV'), /<option selected>cs\.CV<\/option>/);
  assert.equal((await get('/trending?window=year')).status, 400);
});

test('daily feed ranks by upvotes, shows card fields, and navigates to neighbouring featured days', async () => {
  const body = await text('/papers?date=2024-03-04');
  assert.ok(body.indexOf('2403.00001') < body.indexOf('2403.00002'), 'most upvoted first');
  assert.match(body, /Most voted &lt;b&gt;&amp;&lt;\/b&gt; paper/);
  assert.match(
    body,
    /<a href="\/authors\/Grace%20Hopper">Grace Hopper<\/a>, <a href="\/authors\/Alan%20Turing">Alan Turing<\/a> · 2 authors/,
  );
  assert.match(body, /featured <time datetime="[^"]+">2024-03-04<\/time> by hopper/);
  assert.match(body, /code \(github\.com\)/);
  assert.match(body, /title="0 here \+ 9 imported">9</);
  assert.match(body, /href="\/papers\?date=2024-03-06" rel="next"/, 'next skips the empty day');
  assert.match(body, /href="\/papers\?date=2024-01-15" rel="prev"/);
  assert.doesNotMatch(body, /class="new"/, 'old featurings are not new');
});

test('week and month views; invalid periods answer 400', async () => {
  const week = await text('/papers?week=2024-W10');
  for (const id of ['2403.00001', '2403.00002', '2403.00003']) assert.ok(week.includes(`/papers/${id}"`), id);
  assert.match(week, /Papers of the week/);
  // Issue 16 item 12: weeks and months skip empty ones, as days do (W04–W09 and February are empty).
  assert.match(week, /href="\/papers\?week=2024-W03" rel="prev"/);
  const month = await text('/papers?month=2024-03');
  assert.match(month, /3 papers, most upvoted first/);
  assert.match(month, /href="\/papers\?month=2024-01" rel="prev">← January 2024/);
  assert.doesNotMatch(month, /rel="next"/, 'nothing featured after March');
  assert.match(await text('/papers?month=2024-01'), /href="\/papers\?month=2024-03" rel="next"/);
  for (const bad of ['date=2024-02-30', 'week=2024-W60', 'month=2024-13', 'date=x&week=2024-W01']) {
    assert.equal((await get(`/papers?${bad}`)).status, 400, bad);
  }
});

test('home falls back to the latest featured day', async () => {
  const body = await text('/');
  assert.match(body, /Nothing featured today yet/);
  assert.match(body, /2403\.00003/);
  assert.match(body, /action="\/digest\/subscribe"/, 'subscribe form on the home page');
});

test('trending, category and author pages', async () => {
  const trending = await text('/trending');
  assert.ok(trending.indexOf('2403.00001') < trending.indexOf('2403.00002'));
  const cv = await text('/trending?cat=cs.CV');
  assert.ok(cv.includes('2403.00001') && !cv.includes('/papers/2403.00003"'));
  assert.equal((await get('/trending?cat=%3Cscript%3E')).status, 400);
  const cat = await text('/categories/cs.LG');
  assert.ok(
    cat.includes('/papers/2403.00002"') &&
      cat.includes('/papers/2403.00003"') &&
      !cat.includes('/papers/2403.00001"'),
  );
  const turing = await text('/authors/Alan%20Turing');
  assert.ok(turing.includes('/papers/2403.00001"') && turing.includes('/papers/2403.00002"'));
  assert.equal((await get('/authors/Nobody%20Here')).status, 404);
  assert.equal((await get('/categories/..%2Fetc')).status, 404);
});

test('every list is also RSS 2.0, Atom and JSON (suffix or ?format=)', async () => {
  for (const path of ['/papers', '/trending', '/categories/cs.CV', '/authors/Alan%20Turing']) {
    const q = path === '/papers' ? '?date=2024-03-04' : '';
    const rss = await get(`${path}.rss${q}`);
    assert.match(rss.headers.get('content-type')!, /application\/rss\+xml/);
    const rssBody = await rss.text();
    assert.equal(wellFormed(rssBody)[0], 'rss', path);
    assert.match(rssBody, /<link>http:\/\/localhost:0\/papers\/2403\.0000\d<\/link>/);
    const atom = await (await get(`${path}.atom${q}`)).text();
    assert.equal(wellFormed(atom)[0], 'feed', path);
    const json = await get(`${path}.json${q}`);
    const items = jsonFeedItems(await json.json(), `${path}.json${q}`);
    assert.ok(items.length > 0 && items.every((i) => /\/papers\/2403\./.test(i.url)), path);
  }
  const viaQuery = await get('/trending?format=atom');
  assert.match(viaQuery.headers.get('content-type')!, /atom/);
  assert.equal((await get('/trending?format=pdf')).status, 400);
  const escaped = await text('/papers.rss?date=2024-03-04');
  assert.match(escaped, /<title>Most voted &lt;b&gt;&amp;&lt;\/b&gt; paper<\/title>/);
  const html = await text('/trending');
  assert.match(
    html,
    /<link rel="alternate" type="application\/rss\+xml" title="RSS" href="\/trending\.rss">/,
  );
});

test('GET /api/daily_papers: daily-papers item shape, both publishedAt fields, sorting and paging', async () => {
  const res = await get('/api/daily_papers?date=2024-03-04');
  assert.equal(res.status, 200);
  // biome-ignore lint/suspicious/noExplicitAny: asserting on the public JSON shape field by field
  const items = (await res.json()) as Record<string, any>[];
  assert.equal(items.length, 2);
  const [first] = items;
  assert.equal(first!.paper.id, '2403.00001');
  assert.equal(first!.paper.publishedAt, '2024-02-28T10:00:00.000Z', 'paper.publishedAt is the arXiv date');
  assert.match(first!.publishedAt, /^\d{4}-\d\d-\d\dT/, 'item publishedAt is the featuring time');
  assert.equal(first!.featuredDay, '2024-03-04');
  assert.equal(first!.paper.upvotes, 9);
  assert.equal(first!.paper.importedUpvotes, 9);
  assert.deepEqual(first!.paper.authors[0], { name: 'Grace Hopper', hidden: false });
  assert.deepEqual(first!.submittedBy, { name: 'hopper', fullname: 'hopper', avatarUrl: null });
  assert.equal(first!.numComments, 0);
  const paged = (await (await get('/api/daily_papers?date=2024-03-04&limit=1&p=1')).json()) as {
    paper: { id: string };
  }[];
  assert.deepEqual(
    paged.map((i) => i.paper.id),
    ['2403.00002'],
  );
  const month = (await (await get('/api/daily_papers?month=2024-03&sort=publishedAt')).json()) as {
    paper: { id: string };
  }[];
  assert.deepEqual(
    month.map((i) => i.paper.id),
    ['2403.00001', '2403.00003', '2403.00002'],
    'newest arXiv date first',
  );
  const bySubmitter = (await (
    await get('/api/daily_papers?month=2024-03&submitter=hopper')
  ).json()) as unknown[];
  assert.equal(bySubmitter.length, 1);
  const bad = await get('/api/daily_papers?date=2024-13-01');
  assert.equal(bad.status, 400);
  assert.match(((await bad.json()) as { error: string }).error, /YYYY-MM-DD/);
  assert.equal((await get('/api/daily_papers?limit=101')).status, 400);
});

test('GET /api/papers/<id>, /api/papers/search and /api/openapi.json', async () => {
  const p = (await (await get('/api/papers/2403.00001')).json()) as Record<string, unknown>;
  assert.equal(p.id, '2403.00001');
  assert.equal(p.upvotes, 9);
  assert.deepEqual(
    (p.featured as { day: string }[]).map((f) => f.day),
    ['2024-03-04'],
  );
  const search = (await (await get('/api/papers/search?q=voted')).json()) as { paper: { id: string } }[];
  assert.ok(search.some((i) => i.paper.id === '2403.00002'));
  const doc = (await (await get('/api/openapi.json')).json()) as {
    openapi: string;
    paths: Record<string, unknown>;
  };
  assert.equal(doc.openapi, '3.1.0');
  for (const path of [
    '/api/daily_papers',
    '/api/papers/{id}',
    '/api/papers/{id}/vote',
    '/api/submit',
    '/api/papers/search',
  ])
    assert.ok(path in doc.paths, path);
});

test('API rate limit: RateLimit headers on every answer, 429 with JSON past the quota', async () => {
  const limited = await startApp({ config: { apiRateLimit: 3 } });
  try {
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 4; i++) {
      last = await fetch(`${limited.url}/api/daily_papers`);
      statuses.push(last.status);
      if (i === 0) {
        assert.match(last.headers.get('ratelimit')!, /^"api";r=2;t=\d+$/);
        assert.equal(last.headers.get('ratelimit-policy'), '"fixed window";"api";q=3;w=60');
      }
    }
    assert.deepEqual(statuses, [200, 200, 200, 429]);
    assert.match(last!.headers.get('ratelimit')!, /^"api";r=0;t=\d+$/);
    assert.ok(Number(last!.headers.get('retry-after')) > 0);
    assert.equal(((await last!.json()) as { status: number }).status, 429);
    assert.equal((await fetch(`${limited.url}/trending`)).status, 200, 'pages are not API-limited');
  } finally {
    await limited.close();
  }
});

test('issue 16 item 6: a search is a feed too (suffix or ?format=), newest first', async () => {
  const rss = await get('/search.rss?q=voted');
  assert.equal(rss.status, 200);
  assert.match(rss.headers.get('content-type')!, /application\/rss\+xml/);
  const body = await rss.text();
  assert.equal(wellFormed(body)[0], 'rss');
  assert.match(body, /<title>Search: voted<\/title>/);
  const links = [...body.matchAll(/<link>http:\/\/localhost:0\/papers\/(2403\.\d+)<\/link>/g)].map(
    (m) => m[1],
  );
  // 2403.00001 was submitted 2024-02-28, 2403.00002 on 2024-01-02 (the factory's default).
  assert.deepEqual(links, ['2403.00001', '2403.00002'], 'both matches, the newest submitted first');
  const atom = await get('/search?q=voted&format=atom');
  assert.match(atom.headers.get('content-type')!, /atom/);
  assert.equal(wellFormed(await atom.text())[0], 'feed');
  const json = jsonFeedItems(await (await get('/search.json?q=voted')).json(), '/search.json?q=voted');
  assert.deepEqual(json.map((i) => i.url.split('/').at(-1)).sort(), ['2403.00001', '2403.00002']);
  assert.equal(
    (await get('/search.rss?q=%22unclosed')).status,
    400,
    'a query error is a 400, not an empty feed',
  );
});

test('issue 16 item 13: the results page says how many papers matched and sorts by relevance, date or votes', async () => {
  const page = await text('/search?q=voted');
  assert.match(page, /<p class="muted result-count">2 papers<\/p>/);
  assert.match(page, /<a href="\/search\?q=voted" aria-current="true">relevance<\/a>/);
  assert.match(page, /<a href="\/search\?q=voted%20sort%3Adate">newest<\/a>/);
  assert.match(page, /<a href="\/search\?q=voted%20sort%3Avotes">votes<\/a>/);
  const newest = await text('/search?q=voted%20sort%3Adate');
  assert.match(newest, /<a href="\/search\?q=voted%20sort%3Adate" aria-current="true">newest<\/a>/);
  assert.match(
    newest,
    /<a href="\/search\?q=voted">relevance<\/a>/,
    'the sort: word is replaced, not added to',
  );
  // 2403.00001 (arXiv 2024-02-28) is newer than 2403.00002 (2024-01-02).
  assert.ok(newest.indexOf('/papers/2403.00001"') < newest.indexOf('/papers/2403.00002"'));
});
