/**
 * The first five minutes, end to end: a real `paperboy serve` child process on an empty data
 * directory, upstream pointed at the local fixture server, driven by headless Chromium.
 * Online: console setup link → setup page (admin + two categories) → home lists fixture papers →
 * restart shows no setup link and the used token is refused. Offline: the admin page says arXiv
 * cannot be reached, `paperboy demo` fills the site (screenshots for the README come from here),
 * `paperboy demo --remove` restores every count.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { SqliteStore } from '../../src/app/sqlite.store.ts';
import { fakePapers } from '../fixtures/upstream/fake-papers.ts';
import { tempDir } from '../support/app.ts';
import { artifactPath, launchBrowser } from '../support/browser.ts';
import {
  arxivApiEmulator,
  type FixtureServer,
  rssEmulator,
  startFixtureServer,
} from '../support/fixture-server.ts';
import { freePort, serveChild, serveEnv } from '../support/serve.ts';

const MAIN = path.resolve('src/cli/main.ts');
// Into test-results/ on a test run; scripts/screenshots.sh (npm run screenshots) points this at
// docs/screenshots/ to refresh the README's pictures on demand.
const screenshots = () => {
  const dir = process.env.PAPERBOY_SCREENSHOTS_DIR;
  return path.resolve(dir || artifactPath('first-run'));
};
const run = promisify(execFile);

interface Server {
  child: ChildProcess;
  output: () => string;
  url: string;
  stop(): Promise<void>;
}

function envFor(dataDir: string, port: number, upstream: string): NodeJS.ProcessEnv {
  return serveEnv(dataDir, port, {
    HOME: process.env.HOME,
    PAPERBOY_ARXIV_API_URL: `${upstream}/api/query`,
    PAPERBOY_ARXIV_RSS_URL: `${upstream}/rss`,
    PAPERBOY_ARXIV_OAI_URL: `${upstream}/oai`,
    PAPERBOY_UPSTREAM_INTERVAL_MS: '0',
    PAPERBOY_UPSTREAM_RETRIES: '0',
    PAPERBOY_UPSTREAM_TIMEOUT_MS: '3000',
    PAPERBOY_SCHEDULER: 'false',
    PAPERBOY_LOG_LEVEL: 'info',
    PAPERBOY_PAGE_CACHE_MS: '0',
    // Load shedding would answer 503 for a busy test machine's noise (test/web/overload.test.ts tests it).
    PAPERBOY_OVERLOAD_MAX_EVENT_LOOP_DELAY_MS: '0',
  });
}

async function serve(env: NodeJS.ProcessEnv): Promise<Server> {
  return { ...(await serveChild(env)), url: env.PAPERBOY_BASE_URL! };
}

async function waitFor(cond: () => boolean | Promise<boolean>, ms: number, why: () => string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.fail(why());
}

const setupLink = (out: string) => out.match(/(http:\/\/127\.0\.0\.1:\d+\/setup\?token=[A-Za-z0-9_-]+)/)?.[1];

async function completeSetup(page: Page, link: string, cats: string[]): Promise<void> {
  await page.goto(link);
  await page.fill('#email', 'admin@example.org');
  await page.fill('#name', 'editor');
  await page.fill('#password', 'correct horse battery');
  await page.fill('#siteName', 'Lab papers');
  for (const box of await page.locator('input[name=cat]').all()) {
    const v = await box.getAttribute('value');
    if (cats.includes(v!)) await box.check();
    else await box.uncheck();
  }
  await page.check('input[name=featureMode][value=auto]');
  await Promise.all([page.waitForURL('**/admin'), page.click('button:text("Finish setup")')]);
}

let browser: Browser;
let upstream: FixtureServer;
const day = (ago: number) => new Date(Date.now() - ago * 86_400_000).toISOString().slice(0, 10);

before(async () => {
  browser = await launchBrowser();
  // 40 papers over the last four days; primaries cycle cs.LG, cs.CV, cs.CL, stat.ML, cs.AI.
  const papers = fakePapers(40, { startDay: day(4), perDay: 10 });
  upstream = await startFixtureServer({
    '/api/query': arxivApiEmulator({ papers }),
    '/rss/*': rssEmulator({ papers, day: day(0) }),
  });
});
after(async () => {
  await browser?.close();
  await upstream?.close();
});

test('online first run: setup link, setup page, papers within a minute, token used once', async () => {
  const dataDir = tempDir('paperboy-first-run-');
  const env = envFor(dataDir, await freePort(), upstream.url);
  const first = await serve(env);
  const page = await browser.newPage();
  try {
    await waitFor(
      () => setupLink(first.output()) !== undefined,
      5000,
      () => `no setup link:\n${first.output()}`,
    );
    const link = setupLink(first.output())!;
    // `paperboy setup` prints the same link again while setup is pending.
    const again = await run(process.execPath, [MAIN, 'setup'], { env });
    assert.equal(setupLink(again.stdout), link);
    // Nothing else is blocked meanwhile.
    assert.equal((await page.goto(`${first.url}/`))!.status(), 200);

    await completeSetup(page, link, ['cs.LG', 'cs.CV']);
    assert.match((await page.textContent('main'))!, /Admin/);
    // Within a minute the home page lists papers from the fixtures (cs.LG and cs.CV only).
    await waitFor(
      async () => {
        await page.goto(`${first.url}/`);
        return (await page.locator('ol.cards li').count()) > 0;
      },
      60_000,
      () => `home stayed empty:\n${first.output()}`,
    );
    const titles = await page.locator('ol.cards h2').allTextContents();
    assert.ok(
      titles.some((t) => /Synthetic study \d+/.test(t)),
      titles.join('\n'),
    );
    assert.match(first.output(), /bootstrap: /);
    await page.goto(`${first.url}/admin`);
    assert.match((await page.textContent('#bootstrap'))!, /First harvest finished/);
    const apiCats = upstream.requests.filter((r) => r.path === '/api/query').map((r) => r.query.search_query);
    assert.deepEqual([...new Set(apiCats)].sort(), ['cat:cs.CV', 'cat:cs.LG']);
    assert.equal(await page.title(), 'Admin · Lab papers');
  } finally {
    await first.stop();
  }

  const second = await serve(env);
  try {
    // serve prints the setup link (if any) before it starts semantic search, which then reports
    // its state: once that line is out, a missing link is missing for good.
    await waitFor(
      () => second.output().includes('paperboy: semantic search'),
      30_000,
      () => `no semantic search line:\n${second.output()}`,
    );
    assert.equal(setupLink(second.output()), undefined, 'no setup link once an admin exists');
    const res = await page.goto(setupLink(first.output())!);
    assert.equal(res!.status(), 403);
    assert.match((await page.textContent('main'))!, /no longer works/);
    const cli = await run(process.execPath, [MAIN, 'setup'], { env });
    assert.match(cli.stdout, /Setup is done/);
  } finally {
    await second.stop();
    await page.close();
  }
});

test('offline first run: a plain notice, demo fills the site, demo --remove restores the counts', async () => {
  const dataDir = tempDir('paperboy-offline-');
  const closed = `http://127.0.0.1:${await freePort()}`;
  const env = envFor(dataDir, await freePort(), closed);
  const server = await serve(env);
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const counts = async () => {
    const store = new SqliteStore(path.join(dataDir, 'paperboy.db'));
    try {
      return await store.firstRun.counts();
    } finally {
      await store.close();
    }
  };
  try {
    await waitFor(
      () => setupLink(server.output()) !== undefined,
      5000,
      () => server.output(),
    );
    await completeSetup(page, setupLink(server.output())!, ['cs.LG', 'cs.CL']);
    await waitFor(
      async () => {
        await page.goto(`${server.url}/admin`);
        return /Cannot reach arXiv/.test((await page.textContent('#bootstrap')) ?? '');
      },
      30_000,
      () => `no offline notice:\n${server.output()}`,
    );
    assert.match((await page.textContent('#bootstrap'))!, /paperboy demo/);
    const fresh = await counts();
    assert.equal(fresh.papers, 0);

    const loaded = await run(process.execPath, [MAIN, 'demo', '--papers', '1500'], { env });
    assert.match(loaded.stdout, /loaded demo data: 1500 papers/);
    // The server re-checks for demo data every few seconds (it is in every page's frame), so
    // reload until the banner shows rather than racing that interval.
    await waitFor(
      async () => {
        await page.goto(`${server.url}/`);
        return (await page.locator('.demo-banner').count()) > 0;
      },
      15_000,
      () => 'no demo banner after `paperboy demo`',
    );
    assert.match((await page.textContent('.demo-banner'))!, /Demo data/);
    assert.ok((await page.locator('ol.cards li').count()) >= 5);

    const SCREENSHOTS = screenshots();
    mkdirSync(SCREENSHOTS, { recursive: true });
    // Logged out, as a first visitor sees it.
    const visitor = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await visitor.goto(`${server.url}/`);
    await visitor.screenshot({ path: path.join(SCREENSHOTS, 'home.png') });
    await visitor.click('ol.cards li h2 a');
    await visitor.waitForLoadState();
    await visitor.screenshot({ path: path.join(SCREENSHOTS, 'paper.png') });
    await visitor.goto(`${server.url}/search?q=diffusion`);
    await visitor.screenshot({ path: path.join(SCREENSHOTS, 'search.png') });
    await visitor.close();
    // The same home page on a phone, and in the dark scheme (issue 16).
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await phone.goto(`${server.url}/`);
    await phone.screenshot({ path: path.join(SCREENSHOTS, 'home-mobile.png') });
    await phone.close();
    const dark = await browser.newPage({ viewport: { width: 1200, height: 900 }, colorScheme: 'dark' });
    await dark.goto(`${server.url}/`);
    await dark.screenshot({ path: path.join(SCREENSHOTS, 'home-dark.png') });
    await dark.close();

    const removed = await run(process.execPath, [MAIN, 'demo', '--remove'], { env });
    assert.match(removed.stdout, /removed the demo data: 1500 papers and 40 demo readers/);
    assert.deepEqual(await counts(), fresh);
    await waitFor(
      async () => {
        await page.goto(`${server.url}/`);
        return (await page.locator('.demo-banner').count()) === 0;
      },
      15_000,
      () => 'demo banner still shown after `paperboy demo --remove`',
    );
  } finally {
    await server.stop();
    await page.close();
  }
});
