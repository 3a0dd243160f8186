/** Headless Chromium loads the paper page with hostile data: it renders, and no script runs. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { startApp, type TestApp } from '../support/app.ts';
import { artifactPath, launchBrowser } from '../support/browser.ts';
import { makePaper } from '../support/papers.ts';

let t: TestApp;
let browser: Browser;

before(async () => {
  t = await startApp();
  await t.store.papers.upsertMany([
    makePaper({
      arxivId: '2402.01234',
      title: 'Diffusion <script>window.__pwned=1</script> models <img src=x onerror="window.__pwned=2">',
      abstract: 'We propose $O(n)$ sampling & show <b>bold</b> claims. <svg onload="window.__pwned=3"></svg>',
      authors: [
        {
          name: 'Jürgen <i>Müller</i>',
          keyname: 'Müller',
          forenames: 'Jürgen',
          suffix: '',
          affiliation: 'ETH',
        },
      ],
      links: [{ kind: 'code', url: 'https://github.com/acme/diffusion', host: 'github.com' }],
    }),
  ]);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await t?.close();
});

test('paper page renders in Chromium and no injected script runs', async () => {
  const page = await browser.newPage();
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const res = await page.goto(`${t.url}/papers/2402.01234`);
  assert.equal(res?.status(), 200);
  const h1 = (await page.locator('h1').textContent()) ?? '';
  assert.ok(h1.includes('<script>window.__pwned=1</script>'), `title shown as text: ${h1}`);
  assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
  assert.deepEqual(dialogs, []);
  assert.equal(await page.locator('a[href="https://github.com/acme/diffusion"]').count(), 1);
  await page.screenshot({ path: artifactPath('paper-page.png'), fullPage: true });
  await page.close();
});
