/**
 * RELIABILITY Web: abstracts, titles, author names, comments and search queries holding `<script>`,
 * `onerror=`, `javascript:` URLs, `&`, `<` and `$...$` render as text in headless Chromium, on every
 * page that shows them, and no script runs.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { startApp, type TestApp } from '../support/app.ts';
import { launchBrowser } from '../support/browser.ts';
import { makePaper } from '../support/papers.ts';
import { signUpAndLogIn } from '../support/web-client.ts';

let t: TestApp;
let browser: Browser;
const PWN = (n: number) =>
  `<script>window.__pwned=${n}</script><img src=x onerror="window.__pwned=${n + 100}"><svg onload="window.__pwned=${n + 200}"></svg>`;
const MATH_PWN =
  '$\\href{javascript:window.__pwned=9}{click}$ $<img src=x onerror=window.__pwned=10>$ $a<b & c$';
const AUTHOR = `Eve ${PWN(1)}`;

before(async () => {
  t = await startApp({ config: { pageCacheMs: 0 } });
  await t.store.papers.upsertMany([
    makePaper({
      arxivId: '2408.00001',
      title: `Title ${PWN(2)} & <b>more</b> ${MATH_PWN}`,
      abstract: `Abstract ${PWN(3)} <a href="javascript:window.__pwned=4">link</a> & < ${MATH_PWN}`,
      authors: [{ name: AUTHOR, keyname: 'Eve', forenames: 'Eve', suffix: '', affiliation: PWN(5) }],
      comments: `Comments ${PWN(6)}`,
      categories: ['cs.CR'],
    }),
  ]);
  await t.store.papers.feature({
    arxivId: '2408.00001',
    day: new Date().toISOString().slice(0, 10),
    source: 'import',
    submittedBy: `sub${PWN(7)}`,
    importedUpvotes: 1,
  });
  const c = await signUpAndLogIn(t.url, t.dataDir, 'mallory');
  const csrf = await c.csrf('/papers/2408.00001');
  const r = await c.post('/papers/2408.00001/comments', {
    csrf,
    body: `Comment ${PWN(8)} javascript:window.__pwned=11 https://example.org/"onmouseover="window.__pwned=12 $x<y$`,
  });
  assert.equal(r.status, 303);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await t?.close();
});

test('RELIABILITY Web: hostile titles, abstracts, author names, comments and search queries render as text; no script runs', async () => {
  const pages = [
    '/',
    '/papers/2408.00001',
    '/trending',
    '/categories/cs.CR',
    `/authors/${encodeURIComponent(AUTHOR)}`,
    `/search?q=${encodeURIComponent(`attention ${PWN(13)} javascript:alert(1) $x$`)}`,
    `/papers?date=${encodeURIComponent('<script>window.__pwned=14</script>')}`,
  ];
  for (const path of pages) {
    const page = await browser.newPage();
    const dialogs: string[] = [];
    const errors: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on('pageerror', (e) => errors.push(e.message));
    const res = await page.goto(`${t.url}${path}`);
    assert.ok(res && [200, 400, 404].includes(res.status()), `${path}: ${res?.status()}`);
    // Give any injected handler (onerror, onload) a chance to fire.
    await page.waitForLoadState('load');
    await page.mouse.move(200, 300);
    assert.equal(
      await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned),
      undefined,
      path,
    );
    assert.deepEqual(dialogs, [], path);
    assert.deepEqual(errors, [], path);
    // Injected markup never became elements; any javascript: link is absent.
    const injected = await page.evaluate(() => ({
      scripts: [...document.scripts].filter((s) => !s.src.endsWith('/static/app.js')).length,
      imgs: document.querySelectorAll('img').length,
      svgs: document.querySelectorAll('svg').length,
      jsLinks: [...document.querySelectorAll('a')].filter((a) =>
        a.getAttribute('href')?.trim().toLowerCase().startsWith('javascript'),
      ).length,
      handlers: [...document.querySelectorAll('*')].filter((e) =>
        [...e.attributes].some((a) => a.name.startsWith('on')),
      ).length,
    }));
    assert.deepEqual(injected, { scripts: 0, imgs: 0, svgs: 0, jsLinks: 0, handlers: 0 }, path);
    if (path === '/papers/2408.00001') {
      const text = (await page.locator('main').textContent()) ?? '';
      for (const literal of [
        '<script>window.__pwned=2</script>',
        '& <b>more</b>',
        '<script>window.__pwned=8</script>',
        'Eve <script>',
      ])
        assert.ok(text.includes(literal), `shown as text: ${literal}`);
      assert.equal((await page.locator('math').count()) > 0, true, 'benign math is rendered');
    }
    await page.close();
  }
});
