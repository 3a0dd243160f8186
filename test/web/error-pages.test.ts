/**
 * Issue 12, item 7: Fastify's own refusals (bad URL encoding, JSON that does not parse, bodies too
 * large, unsupported types) come as the site's error page or JSON error with the usual headers;
 * a route's own Referrer-Policy (the digest web version's no-referrer) is kept.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { webUrl } from '../../src/digest/links.ts';
import { slotOn } from '../../src/digest/period.ts';
import { planDigests } from '../../src/digest/plan.ts';
import { tokenSecret } from '../../src/digest/tokens.ts';
import { addConfirmed, SLOT_DAY, SLOT_MS, seedPapers } from '../digest/helpers.ts';
import { startApp, type TestApp } from '../support/app.ts';
import { signUpAndLogIn, WebClient } from '../support/web-client.ts';

let t: TestApp;
before(async () => {
  t = await startApp({ config: { digestTime: '06:00', digestTimeZone: 'UTC', searchRateLimit: 1 } });
});
after(() => t.close());

function assertSiteHeaders(res: Response, what: string): void {
  const csp = res.headers.get('content-security-policy') ?? '';
  assert.match(csp, /script-src 'self'/, `${what}: CSP`);
  assert.match(csp, /frame-ancestors 'none'/, `${what}: CSP`);
  assert.equal(res.headers.get('x-content-type-options'), 'nosniff', `${what}: nosniff`);
  assert.equal(res.headers.get('x-frame-options'), 'DENY', `${what}: frame options`);
  assert.equal(res.headers.get('referrer-policy'), 'strict-origin-when-cross-origin', what);
}

test('bad URL encoding: the site error page (or JSON under /api/) with the site headers', async () => {
  const page = await fetch(`${t.url}/papers/%ff`);
  assert.equal(page.status, 400);
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  assertSiteHeaders(page, '/papers/%ff');
  const body = await page.text();
  assert.match(body, /<header class="site">/, 'the site frame');
  assert.match(body, /a % in it must be followed by two hex digits/);

  const api = await fetch(`${t.url}/api/papers/%ff`);
  assert.equal(api.status, 400);
  assertSiteHeaders(api, '/api/papers/%ff');
  const json = (await api.json()) as { error: string; status: number };
  assert.equal(json.status, 400);
  assert.match(json.error, /two hex digits/);
});

test('JSON that does not parse, a body too large, an unsupported type: site format and headers', async () => {
  const cases: [string, RequestInit, number, RegExp][] = [
    ['/login', { headers: { 'content-type': 'application/json' }, body: '{bad' }, 400, /^text\/html/],
    ['/api/papers/x', { headers: { 'content-type': 'application/json' }, body: '{bad' }, 400, /json/],
    ['/login', { headers: { 'content-type': 'text/x-unknown' }, body: 'x' }, 415, /^text\/html/],
    [
      '/login',
      { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'x='.padEnd(1_100_000, 'a') },
      413,
      /^text\/html/,
    ],
  ];
  for (const [path, init, status, type] of cases) {
    const res = await fetch(`${t.url}${path}`, { method: 'POST', ...init });
    assert.equal(res.status, status, path);
    assert.match(res.headers.get('content-type') ?? '', type, path);
    assertSiteHeaders(res, `${path} ${status}`);
    await res.arrayBuffer();
  }
});

test('the digest web version keeps its own Referrer-Policy (no-referrer) and CSP', async () => {
  await seedPapers(t.store);
  const s = await addConfirmed(t.store, 'web@example.org');
  const slot = slotOn(SLOT_DAY, '06:00', 'UTC');
  await planDigests(t.store, t.config, { slot, runId: null, now: SLOT_MS + 60_000, only: 'web@example.org' });
  const [row] = await t.store.digest.outboxFor(s.id);
  assert.ok(row, 'a digest was planned');
  const secret = await tokenSecret(t.config, t.store.digest);
  const url = new URL(webUrl({ baseUrl: t.config.baseUrl!, secret }, s, row.period));
  const res = await fetch(`${t.url}${url.pathname}`);
  assert.equal(res.status, 200, await res.clone().text());
  assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
  assert.match(
    res.headers.get('content-security-policy') ?? '',
    /^default-src 'none'; style-src 'unsafe-inline'/,
  );
  assert.equal(res.headers.get('x-digest-csp'), null);
  // The subscription pages (their tokens are in the URL) keep it too.
  const sub = await new WebClient(t.url).submit('/', '/digest/subscribe', { email: 'someone@example.org' });
  assert.equal(sub.status, 200);
  assert.equal(sub.headers.get('referrer-policy'), 'no-referrer');
});

test('every error page knows its viewer: a signed-in reader sees their name, not "Log in"', async () => {
  const c = await signUpAndLogIn(t.url, t.dataDir, 'Errata');
  const cases: [string, number, Record<string, string>?][] = [
    ['/no-such-page', 404], // the not-found handler
    ['/papers/%ff', 400], // a framework error, before any hook ran
    ['/papers?date=not-a-date', 400], // a domain error (InvalidInputError)
    ['/admin', 403, { 'x-forwarded-for': '203.0.113.5' }], // the guard (no admin yet, not local)
    ['/search?q=a', 200],
    ['/search?q=b', 429], // the search rate limit (1 a minute here)
  ];
  for (const [path, status, headers] of cases) {
    const res = await c.get(path, headers);
    assert.equal(res.status, status, path);
    const body = await res.text();
    if (status === 200) continue;
    assert.match(body, /<a href="\/users\/Errata">Errata<\/a>/, `${path}: the viewer's name`);
    assert.doesNotMatch(body, /<a href="\/login/, `${path}: no "Log in"`);
  }
});

test('issue 16 item 8: a well-formed id nobody has is "not found", with why no paper can have it', async () => {
  const api = await fetch(`${t.url}/api/papers/9999.99999`);
  assert.equal(api.status, 404);
  const { error } = (await api.json()) as { error: string };
  assert.match(error, /^No paper "9999\.99999" found: month 99 does not exist\.$/);
  assert.doesNotMatch(error, /is not an arXiv id/);
  const page = await fetch(`${t.url}/papers/9999.99999`);
  assert.equal(page.status, 404);
  assert.match(await page.text(), /No paper &quot;9999\.99999&quot; found|No paper "9999\.99999" found/);
});
