/**
 * The walkthrough in real headless Chromium: sign up → verify by the link in the emailed
 * file → log in → submit a paper (fetched from the arXiv API emulator on a local fixture server) →
 * it is on today's feed → upvote with JavaScript (in place) and without (form post) → comment →
 * log out; a second user sees the count and the comment. Screenshots of `/`, a paper page and
 * `/trending` at desktop and phone width go to test-results/.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { fakePapers } from '../fixtures/upstream/fake-papers.ts';
import { startApp, type TestApp } from '../support/app.ts';
import { artifactPath, launchBrowser } from '../support/browser.ts';
import { arxivApiEmulator, type FixtureServer, startFixtureServer } from '../support/fixture-server.ts';
import { makePaper } from '../support/papers.ts';
import { lastMail, linkIn } from '../support/web-client.ts';

let t: TestApp;
let upstream: FixtureServer;
let browser: Browser;
const today = new Date().toISOString().slice(0, 10);
const SUBMITTED = '2407.00002';

before(async () => {
  upstream = await startFixtureServer({
    '/api/query': arxivApiEmulator({ papers: fakePapers(4, { idPrefix: '2407' }) }),
  });
  // The default page cache stays on: signed-out pages are cached, and every change must still show.
  t = await startApp({
    config: { arxivApiUrl: `${upstream.url}/api/query`, upstreamIntervalMs: 0, upstreamRetries: 0 },
  });
  const seed = Array.from({ length: 5 }, (_, i) =>
    makePaper({
      arxivId: `2407.1000${i}`,
      title: `Seeded paper ${i}: sparse $k$-means for vision transformers`,
      abstract: `We show that $\\mathcal{O}(n \\log n)$ clustering works. Code: https://github.com/acme/seed${i}.`,
      categories: ['cs.CV', 'cs.LG'],
      links: [{ kind: 'code', url: `https://github.com/acme/seed${i}`, host: 'github.com' }],
    }),
  );
  await t.store.papers.upsertMany(seed);
  for (const [i, p] of seed.entries())
    await t.store.papers.feature({
      arxivId: p.arxivId,
      day: today,
      source: 'import',
      submittedBy: 'curator',
      importedUpvotes: 10 - i * 2,
    });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await t?.close();
  await upstream?.close();
});

function watchErrors(page: Page, errors: string[]): void {
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
}

async function signUpVerifyLogIn(context: BrowserContext, name: string, errors: string[]): Promise<Page> {
  const page = await context.newPage();
  watchErrors(page, errors);
  const email = `${name}@example.org`;
  await page.goto(`${t.url}/signup`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel(/^Name/).fill(name);
  await page.getByLabel(/Password/).fill('a long enough password');
  await page.getByRole('button', { name: 'Sign up' }).click();
  await page.getByRole('heading', { name: 'Check your inbox' }).waitFor();

  const link = linkIn((await lastMail(t.dataDir, email)).text, 'verify');
  await page.goto(`${t.url}${link}`);
  await page.getByRole('button', { name: 'Confirm my email address' }).click();
  await page.getByRole('heading', { name: 'Email confirmed' }).waitFor();
  // Following the link signed the reader in (issue 16 item 14).
  await page.locator('header').getByRole('link', { name, exact: true }).waitFor();

  // Logging in again with the password still works.
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.goto(`${t.url}/login`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill('a long enough password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${t.url}/`);
  await page.locator('header').getByRole('link', { name, exact: true }).waitFor();
  return page;
}

const apiVotes = async (id: string) =>
  ((await (await fetch(`${t.url}/api/papers/${id}`)).json()) as { upvotes: number }).upvotes;

test('walkthrough: sign up, verify, log in, submit, feed, upvote with and without JS, comment, log out; a second user sees it', async () => {
  const errors: string[] = [];
  const first = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await signUpVerifyLogIn(first, 'walker', errors);

  // Submit by arXiv URL: fetched through the arXiv API emulator.
  await page.getByRole('link', { name: 'Submit' }).click();
  await page.getByLabel('arXiv id or URL').fill(`https://arxiv.org/abs/${SUBMITTED}v1`);
  await page.getByRole('button', { name: 'Submit' }).click();
  await page.getByRole('heading', { name: 'Submitted' }).waitFor();
  assert.ok(
    upstream.requests.some((r) => r.query.id_list === SUBMITTED),
    'fetched from the fixture server',
  );

  // On today's feed.
  await page.goto(`${t.url}/`);
  const card = page.locator('li.card', { has: page.locator(`a[href="/papers/${SUBMITTED}"]`) });
  await card.waitFor();
  assert.match((await card.textContent()) ?? '', /by walker/);

  // Upvote with JavaScript, from the keyboard: the count changes in place, no navigation.
  const button = card.locator('form.vote button');
  assert.equal(await button.getAttribute('aria-pressed'), 'false');
  await button.focus();
  await page.keyboard.press('Enter');
  await card.locator('form.vote button[aria-pressed="true"]').waitFor();
  assert.equal((await card.locator('.count').textContent())?.trim(), '1');
  assert.equal(page.url(), `${t.url}/`);
  assert.equal(await apiVotes(SUBMITTED), 1);
  // Toggle off and on again.
  await button.click();
  await card.locator('form.vote button[aria-pressed="false"]').waitFor();
  assert.equal(await apiVotes(SUBMITTED), 0);
  await button.click();
  await card.locator('form.vote button[aria-pressed="true"]').waitFor();
  assert.equal(await apiVotes(SUBMITTED), 1);

  // Comment on the paper page.
  await card.getByRole('link', { name: /Synthetic study 2/ }).click();
  await page.waitForURL(`${t.url}/papers/${SUBMITTED}`);
  await page
    .getByLabel(/Add a comment/)
    .fill('Nice result; code at https://github.com/acme/walk <b>not bold</b>');
  await page.getByRole('button', { name: 'Post comment' }).click();
  await page.waitForURL(/#c\d+$/);
  await page.locator('.comment .text', { hasText: 'Nice result' }).waitFor();
  assert.equal(await page.locator('.comment .text a[href="https://github.com/acme/walk"]').count(), 1);
  assert.equal(await page.locator('.comment .text b').count(), 0, 'comment markup stays text');

  // Log out.
  await page.getByRole('button', { name: 'Log out' }).click();
  await page.waitForURL(`${t.url}/`);
  await page.locator('header').getByRole('link', { name: 'Log in', exact: true }).waitFor();
  await first.close();

  // A second user, without JavaScript: sees the count and the comment, upvotes by form post.
  const second = await browser.newContext({
    viewport: { width: 1280, height: 900 },
    javaScriptEnabled: false,
  });
  const other = await signUpVerifyLogIn(second, 'reader', errors);
  await other.goto(`${t.url}/papers/${SUBMITTED}`);
  const vote = other.locator('.paper-head form.vote button');
  assert.equal((await vote.locator('.count').textContent())?.trim(), '1');
  await other.locator('.comment .text', { hasText: 'Nice result' }).waitFor();
  assert.match((await other.locator('.comment .who').first().textContent()) ?? '', /walker/);
  await vote.click();
  await other.waitForURL(`${t.url}/papers/${SUBMITTED}`);
  assert.equal((await other.locator('.paper-head form.vote .count').textContent())?.trim(), '2');
  assert.equal(await other.locator('.paper-head form.vote button').getAttribute('aria-pressed'), 'true');
  assert.equal(await apiVotes(SUBMITTED), 2);
  await second.close();

  // Signed out, the (cached) pages show the new count at once.
  const anon = await browser.newPage();
  await anon.goto(`${t.url}/papers/${SUBMITTED}`);
  assert.equal((await anon.locator('.paper-head .vote .count').textContent())?.trim(), '2');
  await anon.close();
  assert.deepEqual(errors, []);
});

test('screenshots of /, a paper page and /trending at desktop and phone width; controls have accessible names', async () => {
  for (const [width, height, label] of [
    [1280, 900, 'desktop'],
    [360, 780, 'phone'],
  ] as const) {
    const page = await browser.newPage({ viewport: { width, height } });
    for (const [path, name] of [
      ['/', 'home'],
      [`/papers/${SUBMITTED}`, 'paper'],
      ['/trending', 'trending'],
    ] as const) {
      const res = await page.goto(`${t.url}${path}`);
      assert.equal(res?.status(), 200, path);
      await page.screenshot({ path: artifactPath(`site-${name}-${label}.png`), fullPage: false });
      // Nothing wider than the screen: the page reflows down to 360 px.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `${path} at ${width}px overflows by ${overflow}px`);
      const unnamed = await page.evaluate(() =>
        [...document.querySelectorAll('a, button, input:not([type=hidden]), textarea, select')]
          .filter((el) => {
            const e = el as HTMLElement & { labels?: NodeListOf<HTMLLabelElement> };
            const name =
              e.getAttribute('aria-label') ||
              (e.labels?.length ? e.labels[0]!.textContent : '') ||
              e.textContent ||
              e.getAttribute('title') ||
              '';
            return name.trim() === '';
          })
          .map((e) => e.outerHTML.slice(0, 120)),
      );
      assert.deepEqual(unnamed, [], `${path}: controls without an accessible name`);
    }
    await page.close();
  }
});
