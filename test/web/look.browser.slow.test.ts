/**
 * Issue 16 "Done when", the look of the site in Chromium (items 1, 2, 10, 17): at 320, 390 and
 * 1280 px, light and dark (from the OS setting and from the theme buttons), on the pages a reader
 * and an admin meet, (a) no two header controls overlap, (b) every visible text meets WCAG AA
 * against the background it is drawn on (computed in the page), (c) nothing scrolls sideways, and
 * at 1280 px the admin tables fit without scrolling. Also: the theme choice without JavaScript
 * (a form post and a cookie; the first HTML already carries it) and /admin's self-refreshing
 * harvest status with the `paperboy demo` hint when arXiv could not be reached.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { loadDemo } from '../../src/demo/demo.ts';
import { preferencesUrl } from '../../src/digest/links.ts';
import { tokenSecret } from '../../src/digest/tokens.ts';
import { PasswordHasher } from '../../src/users/password.ts';
import { startApp, type TestApp } from '../support/app.ts';
import { launchBrowser } from '../support/browser.ts';
import { makePaper } from '../support/papers.ts';
import { STRONG_PASSWORD } from '../support/passwords.ts';
import { signUpAndLogIn } from '../support/web-client.ts';

let t: TestApp;
let browser: Browser;
let prefsPath: string;
let signedIn: Awaited<ReturnType<BrowserContext['storageState']>>;
const PAPER = '2406.00001';
const COUNTS = { seen: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0, withdrawn: 0, featured: 0 };

before(async () => {
  t = await startApp({ config: { pageCacheMs: 0 } });
  await loadDemo(t.store, new PasswordHasher(), { papers: 40, days: 5, readers: 3 });
  await t.store.papers.upsertMany([
    makePaper({
      arxivId: PAPER,
      title: 'Sparse diffusion with $\\ell_1$ penalties',
      abstract: 'Diffusion models, made sparse. Denoising diffusion at scale.',
      submittedAt: new Date().toISOString(),
    }),
  ]);
  // A harvest that could not reach arXiv: a "failed" label on /admin/ingest and the demo hint.
  const run = await t.store.ingestRuns.start({ source: 'oai', params: {}, holder: 'test', resumed: false });
  await t.store.ingestRuns.finish(run, {
    status: 'failed',
    message: 'fetch failed (connect ECONNREFUSED export.arxiv.org)',
    counts: COUNTS,
    requests: 1,
    errorCount: 0,
    errors: [],
  });
  const now = Date.now();
  const { subscriber } = await t.store.digest.requestSubscription(
    'reader@example.org',
    {
      frequency: 'weekly',
      weekday: 2,
      paperCount: 10,
      interests: { categories: ['cs.LG'], keywords: ['diffusion'], authors: ['Ada Lovelace'] },
    },
    now,
    now + 86_400_000,
  );
  await t.store.digest.confirm(subscriber.id, now);
  const secret = await tokenSecret(t.config, t.store.digest);
  prefsPath = new URL(preferencesUrl({ baseUrl: t.config.baseUrl!, secret }, subscriber)).pathname;

  await signUpAndLogIn(t.url, t.dataDir, 'root');
  await t.store.users.setRole((await t.store.users.byName('root'))!.id, 'admin');
  browser = await launchBrowser();
  // One browser login, reused by every context below.
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${t.url}/login`);
  await page.fill('#email', 'root@example.org');
  await page.fill('#password', STRONG_PASSWORD);
  await Promise.all([page.waitForURL(`${t.url}/`), page.click('form.stack button[type="submit"]')]);
  signedIn = await context.storageState();
  await context.close();
});
after(async () => {
  await browser?.close();
  await t?.close();
});

const ANONYMOUS = () => ['/', `/papers/${PAPER}`, '/search?q=diffusion', '/login', '/signup', prefsPath];
const SIGNED_IN = [
  '/',
  '/for-you',
  '/library',
  '/admin',
  '/admin/ingest',
  '/admin/digests',
  '/admin/moderation',
  '/admin/settings',
];

interface Look {
  overlaps: string[];
  contrast: string[];
  scrollWidth: number;
  innerWidth: number;
  unfitTables: string[];
  theme: string | null;
}

/** Everything measured in the page itself, from computed styles and layout boxes. */
function measure(): Look {
  const rgba = (c: string): number[] => {
    const m = /rgba?\(([^)]+)\)/.exec(c);
    if (!m) return [0, 0, 0, 0];
    const v = m[1]!
      .split(/[\s,/]+/)
      .filter(Boolean)
      .map(Number);
    return [v[0]!, v[1]!, v[2]!, v[3] ?? 1];
  };
  const over = (top: number[], under: number[]) =>
    [0, 1, 2].map((i) => top[i]! * top[3]! + under[i]! * (1 - top[3]!)).concat(1);
  const lum = (c: number[]) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
  };
  // The first non-transparent background up the ancestors, translucent layers composited.
  const background = (el: Element): number[] => {
    const layers: number[][] = [];
    for (let e: Element | null = el; e; e = e.parentElement) {
      const c = rgba(getComputedStyle(e).backgroundColor);
      if (c[3]! > 0) layers.push(c);
      if (c[3] === 1) break;
    }
    return layers.reduceRight((under, top) => over(top, under), [255, 255, 255, 1]);
  };
  const opacity = (el: Element) => {
    let o = 1;
    for (let e: Element | null = el; e; e = e.parentElement) o *= Number(getComputedStyle(e).opacity);
    return o;
  };
  const shown = (el: Element) => {
    const r = el.getBoundingClientRect();
    return (
      r.width > 0 && r.height > 0 && el.checkVisibility({ opacityProperty: true, visibilityProperty: true })
    );
  };
  const name = (el: Element) =>
    `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''}`;

  const contrast: string[] = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (['SCRIPT', 'STYLE', 'OPTION', 'NOSCRIPT'].includes(el.tagName)) continue;
    const field = el.matches('input:not([type=hidden],[type=checkbox],[type=radio]), textarea, select');
    const text = field
      ? ((el as HTMLInputElement).value ?? '')
      : [...el.childNodes]
          .filter((n) => n.nodeType === Node.TEXT_NODE)
          .map((n) => n.textContent)
          .join('');
    if (!text.trim() || !shown(el)) continue;
    const style = getComputedStyle(el);
    const bg = background(el);
    const fg = rgba(style.color);
    const fgOnBg = over([fg[0]!, fg[1]!, fg[2]!, fg[3]! * opacity(el)], bg);
    const [a, b] = [lum(fgOnBg), lum(bg)];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    const size = Number.parseFloat(style.fontSize);
    const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
    if (ratio < (large ? 3 : 4.5))
      contrast.push(
        `${name(el)} "${text.trim().slice(0, 30)}" ${ratio.toFixed(2)}:1 (${style.color} on rgb(${bg.slice(0, 3).map(Math.round).join(',')}))`,
      );
  }

  const items = [...document.querySelectorAll('header.site :is(a, button, input, label, select)')].filter(
    shown,
  );
  const overlaps: string[] = [];
  items.forEach((x, i) => {
    const p = x.getBoundingClientRect();
    for (const y of items.slice(i + 1)) {
      const q = y.getBoundingClientRect();
      const w = Math.min(p.right, q.right) - Math.max(p.left, q.left);
      const h = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
      if (w > 0.5 && h > 0.5)
        overlaps.push(`${name(x)} "${x.textContent?.trim()}" × ${name(y)} "${y.textContent?.trim()}"`);
    }
  });
  const unfitTables = [...document.querySelectorAll('main .table-wrap, main table')]
    .filter((e) => e.scrollWidth > e.clientWidth + 1)
    .map((e) => `${name(e)} ${e.scrollWidth}>${e.clientWidth}`);
  return {
    overlaps,
    contrast,
    scrollWidth: document.scrollingElement!.scrollWidth,
    innerWidth: window.innerWidth,
    unfitTables,
    theme: document.documentElement.getAttribute('data-theme'),
  };
}

/**
 * Item 10: the digest preferences form laid out like the site's other forms: each label on its
 * own line above its control, and the controls one column as wide as the form.
 */
function formShape(): string[] {
  const form = document.querySelector('main form:has(select[name="frequency"])');
  if (!form) return ['no preferences form'];
  const width = form.getBoundingClientRect().width;
  const out: string[] = [];
  for (const control of form.querySelectorAll<HTMLInputElement>(
    'input:not([type=hidden]), select, textarea',
  )) {
    const box = control.getBoundingClientRect();
    const label = control.labels?.[0]?.getBoundingClientRect();
    if (!label || label.bottom > box.top + 1) out.push(`${control.name}: label not above its control`);
    if (box.width < width * 0.95)
      out.push(`${control.name}: ${Math.round(box.width)} px of a ${Math.round(width)} px form`);
  }
  return out;
}

async function check(page: Page, where: string, width: number): Promise<string[]> {
  const look = await page.evaluate(measure);
  const out = [
    ...look.overlaps.map((o) => `${where}: header overlap ${o}`),
    ...look.contrast.map((c) => `${where}: contrast ${c}`),
  ];
  if (look.scrollWidth > look.innerWidth)
    out.push(`${where}: scrolls sideways (${look.scrollWidth} > ${look.innerWidth})`);
  if (width >= 1280) out.push(...look.unfitTables.map((u) => `${where}: table does not fit: ${u}`));
  return out;
}

type Mode = { os: 'light' | 'dark'; pick?: 'light' | 'dark' };
const MODES: Mode[] = [
  { os: 'light' },
  { os: 'dark' },
  { os: 'light', pick: 'dark' },
  { os: 'dark', pick: 'light' },
];

// 320 px, the narrowest phone the header is laid out for, in the two OS schemes.
for (const width of [320, 390, 1280]) {
  for (const mode of width === 320 ? MODES.slice(0, 2) : MODES) {
    const label = `${width} px, OS ${mode.os}${mode.pick ? `, picked ${mode.pick} with the theme buttons` : ''}`;
    test(`look at ${label}: header, contrast (AA), no sideways scroll on every page, preferences form shape`, async () => {
      const problems: string[] = [];
      const errors: string[] = [];
      for (const [who, paths] of [
        ['anonymous', ANONYMOUS()],
        ['admin', SIGNED_IN],
      ] as const) {
        const context = await browser.newContext({
          viewport: { width, height: 900 },
          colorScheme: mode.os,
          ...(who === 'admin' ? { storageState: signedIn } : {}),
        });
        const page = await context.newPage();
        page.on('pageerror', (e) => errors.push(e.message));
        if (mode.pick) {
          // The footer buttons switch this page at once (app.js) and store the choice.
          await page.goto(`${t.url}/`);
          const stored = page.waitForResponse((r) => r.url().endsWith('/theme'));
          await page.click(`form.theme button[value="${mode.pick}"]`);
          await stored;
          assert.equal(await page.getAttribute('html', 'data-theme'), mode.pick);
        }
        for (const p of paths) {
          const res = await page.goto(`${t.url}${p}`);
          assert.equal(res?.status(), 200, `${p} as ${who}`);
          // The server marked the page before it was painted: no flash of the other scheme.
          if (mode.pick)
            assert.match(await res!.text(), new RegExp(`<html lang="en" data-theme="${mode.pick}"`));
          problems.push(...(await check(page, `${p} (${who})`, width)));
          if (p === prefsPath) problems.push(...(await page.evaluate(formShape)).map((f) => `${p}: ${f}`));
          if (width < 640 && (p === '/' || p === '/admin')) {
            // The folded menu: opened, its links show and still overlap nothing.
            const menu = page.locator('.menu-button');
            if (!(await menu.isVisible())) {
              problems.push(`${p} (${who}): no menu button at ${width} px`);
              continue;
            }
            await menu.click();
            assert.ok(await page.locator('header.site nav.account a').first().isVisible(), 'menu opens');
            problems.push(...(await check(page, `${p} (${who}, menu open)`, width)));
          }
        }
        await context.close();
      }
      assert.deepEqual(problems, [], `${label}:\n${problems.join('\n')}`);
      assert.deepEqual(errors, []);
    });
  }
}

test('the theme without JavaScript: the form post stores it in a cookie, the next HTML carries it, "system" clears it', async () => {
  const set = await fetch(`${t.url}/theme`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', referer: `${t.url}/trending?x=1` },
    body: 'theme=dark',
  });
  assert.equal(set.status, 303);
  assert.equal(set.headers.get('location'), '/trending?x=1');
  const cookie = set.headers.get('set-cookie')!.split(';')[0]!;
  assert.equal(cookie, 'pb_theme=dark');
  const page = await fetch(`${t.url}/`, { headers: { cookie } });
  assert.match(await page.text(), /^<!doctype html>\n<html lang="en" data-theme="dark">/);
  assert.match(page.headers.get('vary') ?? '', /Cookie/i);
  const plain = await (await fetch(`${t.url}/`)).text();
  assert.match(plain, /^<!doctype html>\n<html lang="en">/);
  const system = await fetch(`${t.url}/theme`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'theme=system',
  });
  assert.equal(system.headers.get('location'), '/');
  assert.match(system.headers.get('set-cookie') ?? '', /^pb_theme=; .*Max-Age=0/);

  // In a browser without JavaScript: the button posts, the answer comes back to the same page, dark.
  const context = await browser.newContext({ javaScriptEnabled: false, colorScheme: 'light' });
  const tab = await context.newPage();
  await tab.goto(`${t.url}/trending`);
  await Promise.all([tab.waitForEvent('load'), tab.click('form.theme button[value="dark"]')]);
  assert.equal(new URL(tab.url()).pathname, '/trending');
  assert.equal(await tab.getAttribute('html', 'data-theme'), 'dark');
  assert.equal(await tab.evaluate(() => getComputedStyle(document.body).backgroundColor), 'rgb(17, 20, 24)');
  await context.close();
});

test('/admin refreshes the harvest progress by itself and suggests `paperboy demo` when arXiv was unreachable', async () => {
  const context = await browser.newContext({ storageState: signedIn });
  const page = await context.newPage();
  await page.goto(`${t.url}/admin`);
  // The newest run failed with a network error.
  assert.match((await page.textContent('#harvest'))!, /could not reach arXiv.*paperboy demo/s);

  const running = await t.store.ingestRuns.start({
    source: 'oai',
    params: {},
    holder: 'test',
    resumed: false,
  });
  await page.goto(`${t.url}/admin`);
  await page.waitForSelector('#harvest >> text=0 papers seen');
  await t.store.ingestRuns.progress(running, {
    counts: { ...COUNTS, seen: 120, inserted: 7 },
    requests: 2,
    errorCount: 0,
    errors: [],
  });
  // No reload: app.js polls /admin/status.json and swaps the block in.
  await page.waitForSelector('#harvest >> text=120 papers seen, 7 new so far', { timeout: 10_000 });
  await t.store.ingestRuns.finish(running, {
    status: 'failed',
    message: 'getaddrinfo ENOTFOUND export.arxiv.org',
    counts: COUNTS,
    requests: 2,
    errorCount: 0,
    errors: [],
  });
  await page.waitForSelector('#harvest >> text=paperboy demo', { timeout: 10_000 });
  const status = (await (await context.request.get(`${t.url}/admin/status.json`)).json()) as {
    running: boolean;
  };
  assert.equal(status.running, false);
  await context.close();
});
