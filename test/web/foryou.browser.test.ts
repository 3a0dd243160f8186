/**
 * Issue 14 "Done when", walked in Chromium on SQLite: sign up → cold start (pick a category) →
 * save a paper → follow an author, a category and a search → For you shows items with reasons →
 * tune → "less like this" → the personal RSS URL (valid XML with items) → BibTeX export of a
 * collection.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { startApp, type TestApp } from '../support/app.ts';
import { launchBrowser } from '../support/browser.ts';
import { makePaper } from '../support/papers.ts';
import { STRONG_PASSWORD } from '../support/passwords.ts';
import { lastMail, linkIn } from '../support/web-client.ts';

let t: TestApp;
let browser: Browser;
const DAY = 86_400_000;
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString();
const person = (name: string) => {
  const [forenames, keyname] = name.split(' ');
  return { name, keyname: keyname!, forenames: forenames!, suffix: '', affiliation: null };
};

before(async () => {
  t = await startApp({ config: { pageCacheMs: 0 } });
  await t.store.papers.upsertMany([
    makePaper({
      arxivId: '2405.00001',
      title: 'Denoising diffusion for $\\mathcal{O}(n)$ image synthesis',
      abstract: 'Generative image synthesis with denoising diffusion.',
      categories: ['cs.CV'],
      submittedAt: ago(1),
    }),
    makePaper({
      arxivId: '2405.00002',
      title: 'Faster diffusion samplers',
      abstract: 'Sampling denoising diffusion image models faster.',
      categories: ['cs.CV'],
      authors: [person('Zed Smith')],
      submittedAt: ago(2),
    }),
    makePaper({
      arxivId: '2405.00003',
      title: 'Language models that plan',
      abstract: 'Planning with language models.',
      categories: ['cs.LG'],
      submittedAt: ago(2),
    }),
    makePaper({
      arxivId: '2405.00004',
      title: 'Galaxy rotation curves',
      abstract: 'Dark matter halos.',
      categories: ['astro-ph.GA'],
      submittedAt: ago(3),
    }),
  ]);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await t?.close();
});

test('sign up → start → save → follow → For you with reasons → tune → less like this → personal RSS → .bib', async () => {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const url = (p: string) => `${t.url}${p}`;

  // Sign up, confirm the address from the mail (which signs in), then the start-out questions.
  await page.goto(url('/signup'));
  await page.fill('#email', 'walker@example.org');
  await page.fill('#name', 'walker');
  await page.fill('#password', STRONG_PASSWORD);
  await page.click('form.stack button[type="submit"]');
  await page.waitForSelector('text=Check your inbox');
  await page.goto(url(linkIn((await lastMail(t.dataDir, 'walker@example.org')).text, 'verify')));
  await page.click('form[action="/verify"] button');
  await page.waitForSelector('text=Email confirmed');
  // Following the link signed the reader in (issue 16 item 14): straight to the questions.
  await page.goto(url('/for-you/start'));

  // Cold start: pick a category.
  await page.check('input[name="category"][value="cs.LG"]');
  await page.click('form[action="/for-you/start"] button:not([name="skip"])');
  await page.waitForSelector('text=Your For you list is set up');

  // Save a paper from its page (in place with JavaScript).
  await page.goto(url('/papers/2405.00001'));
  await page.click('form.save button');
  await page.waitForSelector('form.save button[aria-pressed="true"]');

  // Follow an author, a category and a search from their pages.
  await page.goto(url('/authors/Zed%20Smith'));
  await Promise.all([page.waitForEvent('load'), page.click('form.follow button')]);
  await page.waitForSelector('form.follow >> text=You follow');
  await page.goto(url('/categories/cs.CV'));
  await page.click('form.follow button');
  await page.waitForSelector('form.follow >> text=You follow');
  await page.goto(url('/search?q=diffusion'));
  await page.click('form.follow button:has-text("Follow this search")');
  await page.waitForSelector('form.follow >> text=You follow this search');

  // For you: items, each with its reasons in words.
  await page.goto(url('/for-you'));
  const why = await page.locator('p.why').allTextContents();
  assert.ok(why.length >= 2, `items with reasons: ${why.join(' | ')}`);
  const all = why.join(' ');
  assert.match(all, /by Zed Smith, whom you follow/);
  assert.match(all, /matches your followed search/);
  assert.match(all, /in cs\.(CV|LG), which you follow/);

  // Tune: towards trending, applied at once and kept.
  await page.selectOption('#fy-trending', '4');
  // Both forms answer with a redirect to the page they are on: wait for that page load itself.
  await Promise.all([page.waitForEvent('load'), page.click('form.foryou-controls button')]);
  assert.equal(await page.locator('#fy-trending').inputValue(), '4');

  // Less like this: the item leaves the list.
  const firstId = await page.locator('ol.foryou h2 a').first().getAttribute('href');
  await Promise.all([
    page.waitForEvent('load'),
    page.locator('button:has-text("Less like this")').first().click(),
  ]);
  assert.ok(
    !(
      await page.locator('ol.foryou h2 a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))
    ).includes(firstId),
  );

  // The personal RSS URL: valid XML with items, opened without the session.
  await page.goto(url('/for-you'));
  await page.click('a[href="/settings/feeds"]');
  const rss = await page.locator('input.feed-url').first().inputValue();
  assert.match(rss, /\/feeds\/\d+\/for-you\.rss\?key=/);
  // The page shows absolute URLs on the configured baseUrl; the test server listens elsewhere.
  const u = new URL(rss);
  const feed = await (await fetch(url(u.pathname + u.search))).text();
  const parsed = await page.evaluate((xml) => {
    const doc = new DOMParser().parseFromString(xml, 'application/xml');
    return {
      error: doc.querySelector('parsererror')?.textContent ?? null,
      items: doc.querySelectorAll('item').length,
    };
  }, feed);
  assert.equal(parsed.error, null);
  assert.ok(parsed.items >= 1, `items in the RSS: ${parsed.items}`);

  // BibTeX export of the collection holding the saved paper.
  await page.goto(url('/library'));
  await page.click('ul.collections a');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.click('a:has-text("BibTeX (.bib)")'),
  ]);
  const bib = readFileSync((await download.path())!, 'utf8');
  assert.match(bib, /^@\w+\{[^,]+,/m);
  assert.match(bib, /2405\.00001/);
  assert.match(bib, /\\mathcal\{O\}\(n\)/, 'LaTeX in the title kept');
  assert.deepEqual(errors, []);
  await context.close();
});
