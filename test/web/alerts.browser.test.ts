/**
 * Issue 15 "Done when": `/alerts` in Chromium on SQLite, without touching JavaScript-only paths:
 * sign up → add an alert with the form (kind, target, delivery checkboxes) → a vote fires it →
 * the page says when it last fired and why → change its delivery → pause → delete.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { startApp, type TestApp } from '../support/app.ts';
import { artifactPath, launchBrowser } from '../support/browser.ts';
import { makePaper } from '../support/papers.ts';
import { STRONG_PASSWORD } from '../support/passwords.ts';
import { lastMail, linkIn } from '../support/web-client.ts';

let t: TestApp;
let browser: Browser;
let computed: (() => void) | null = null;
const ago = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString();

before(async () => {
  t = await startApp({
    config: { pageCacheMs: 0 },
    siteOptions: { alertsComputed: () => computed?.() },
  });
  await t.store.papers.upsertMany([
    makePaper({ arxivId: '2410.00001', title: 'Sparse attention at scale', submittedAt: ago(2) }),
  ]);
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  await t?.close();
});

test('/alerts: add with the form, fires on a vote, last fired and why, delivery, pause, delete', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const url = (p: string) => `${t.url}${p}`;

  await page.goto(url('/signup'));
  await page.fill('#email', 'watcher@example.org');
  await page.fill('#name', 'watcher');
  await page.fill('#password', STRONG_PASSWORD);
  await page.click('form.stack button[type="submit"]');
  await page.waitForSelector('text=Check your inbox');
  await page.goto(url(linkIn((await lastMail(t.dataDir, 'watcher@example.org')).text, 'verify')));
  await page.click('form[action="/verify"] button');
  await page.waitForSelector('text=Email confirmed');
  // Following the link signed the reader in (issue 16 item 14).
  await page.goto(url('/alerts'));
  await page.waitForSelector('text=No alerts yet.');

  // A vote threshold on a paper, delivered to the feed instead of the digest.
  await page.selectOption('#al-kind', 'trending');
  await page.fill('#al-target', '2410.00001');
  await page.fill('#al-threshold', '1');
  await page.uncheck('#al-new-digest');
  await page.check('#al-new-feed');
  await Promise.all([page.waitForEvent('load'), page.click('form[action="/alerts"] button[type="submit"]')]);
  if (!(await page.locator('li.alert').count())) assert.fail(await page.locator('main').innerText());
  const row = page.locator('li.alert').first();
  assert.match(await row.innerText(), /2410\.00001 reaches 1 vote(?!s)[\s\S]*not fired yet/);

  // The vote (a plain form on the paper's page) fires it.
  const fired = new Promise<void>((resolve) => (computed = resolve));
  await page.goto(url('/papers/2410.00001'));
  await page.click('form.vote button');
  await fired;
  await page.goto(url('/alerts'));
  assert.match(await row.innerText(), /last fired .* UTC: reached 1 vote(?!s)/);
  assert.match(
    await page.locator('ul.alert-events').innerText(),
    /Sparse attention at scale — reached 1 vote(?!s)/,
  );

  // Delivery: add mail.
  const id = await row.getAttribute('data-alert');
  await page.check(`#d${id}-mail`);
  await Promise.all([page.waitForEvent('load'), row.locator('button:has-text("Save delivery")').click()]);
  assert.equal(await page.isChecked(`#d${id}-mail`), true);
  assert.equal(await page.isChecked(`#d${id}-feed`), true);
  // Pause, then delete.
  await Promise.all([page.waitForEvent('load'), row.locator('button:has-text("Pause")').click()]);
  assert.match(await row.innerText(), /\(paused\)/);
  await page.screenshot({ path: artifactPath('alerts.png'), fullPage: true });
  await Promise.all([page.waitForEvent('load'), row.locator('button:has-text("Delete")').click()]);
  await page.waitForSelector('text=No alerts yet.');
  assert.deepEqual(errors, []);
  await context.close();
});
