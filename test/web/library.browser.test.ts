/**
 * The save button in Chromium (issue 14, library): with JavaScript it flips in place (no page
 * load), survives a reload, and the state is the server's.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { startApp, type TestApp } from '../support/app.ts';
import { launchBrowser } from '../support/browser.ts';
import { makePaper } from '../support/papers.ts';
import { STRONG_PASSWORD } from '../support/passwords.ts';
import { signUpAndLogIn } from '../support/web-client.ts';

let t: TestApp;
let browser: Browser;
const today = new Date().toISOString().slice(0, 10);

before(async () => {
  t = await startApp({ config: { pageCacheMs: 0 } });
  await t.store.papers.upsertMany([makePaper({ arxivId: '2401.00030', title: 'Keep me' })]);
  await t.store.papers.feature({
    arxivId: '2401.00030',
    day: today,
    source: 'import',
    submittedBy: null,
    importedUpvotes: 0,
  });
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await t?.close();
});

test('save on a card updates in place with JavaScript, and the server has it', async () => {
  await signUpAndLogIn(t.url, t.dataDir, 'saver'); // signs up and confirms the address
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${t.url}/login`);
  await page.fill('#email', 'saver@example.org');
  await page.fill('#password', STRONG_PASSWORD);
  await Promise.all([page.waitForURL(`${t.url}/`), page.click('form.stack button[type="submit"]')]);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${t.url}/`);
  let navigations = 0;
  page.on('framenavigated', () => navigations++);
  const button = page.locator('form.save button').first();
  assert.equal(await button.textContent(), 'Save');
  await button.click();
  await page.waitForSelector('form.save button[aria-pressed="true"]');
  assert.equal(await button.textContent(), 'Saved ✓');
  assert.equal(navigations, 0, 'no page load');
  const userId = (await t.store.users.byName('saver'))!.id;
  assert.equal((await t.store.library.savedPaperIds(userId)).length, 1);
  await button.click();
  await page.waitForSelector('form.save button[aria-pressed="false"]');
  assert.equal((await t.store.library.savedPaperIds(userId)).length, 0);
  await button.click();
  await page.waitForSelector('form.save button[aria-pressed="true"]');
  await page.reload();
  assert.equal(
    await page.locator('form.save button').first().textContent(),
    'Saved ✓',
    'the state is stored',
  );
  assert.deepEqual(errors, []);
  await context.close();
});
