/**
 * The subscription flow through the real app and a real SMTP server: double opt-in, identical
 * answers, rate limits, signed links, one-click unsubscribe (RFC 8058), preferences, export/erase,
 * the web version and /admin/digests.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { simpleParser } from 'mailparser';
import { createMailer } from '../../src/digest/mailer.ts';
import { slotOn } from '../../src/digest/period.ts';
import { planDigests } from '../../src/digest/plan.ts';
import { runDigest } from '../../src/digest/run.ts';
import { DigestSender } from '../../src/digest/send.ts';
import { keyedHash, tokenSecret } from '../../src/digest/tokens.ts';
import { startApp, type TestApp } from '../support/app.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.ts';
import { TrackedMailer } from '../support/tracked-mailer.ts';
import { WebClient } from '../support/web-client.ts';
import { addConfirmed, SLOT_DAY, SLOT_MS, seedPapers } from './helpers.ts';

const BASE = 'https://paperboy.test';

describe('subscription flow (web)', () => {
  let smtp: TestSmtpServer;
  let app: TestApp;
  const slot = slotOn(SLOT_DAY, '06:00', 'UTC');
  // Posts like a browser: the CSRF token from the form's own page (the subscribe form on the home
  // page, a confirm or preferences page opened from its signed link), cookies kept.
  let reader: WebClient;
  const post = (path: string, body: Record<string, string>, formPage = '/') =>
    reader.submit(formPage, path, body);
  const local = (url: string) => url.replace(BASE, '');
  const linkIn = (text: string, kind: string) =>
    new RegExp(`${BASE}/digest/${kind}/[A-Za-z0-9._-]+`).exec(text)?.[0];
  const mailsTo = (addr: string) => smtp.received.filter((m) => m.recipients.includes(addr));
  // The confirmation mail goes out after the answer (its timing must not tell whether one was
  // sent), so a test that checks a mail was *not* sent waits for every send the app started to
  // finish — the app decides before it answers — rather than for a while.
  const appMailer = new TrackedMailer(() => createMailer(app.config));
  const settle = () => appMailer.idle();

  before(async () => {
    smtp = await startSmtpServer();
    app = await startApp({
      siteOptions: { mailer: appMailer },
      config: {
        smtpUrl: smtp.url,
        baseUrl: BASE,
        digestTime: '06:00',
        digestTimeZone: 'UTC',
        subscribeLimitPerIp: 12,
        subscribeLimitPerAddress: 2,
      },
    });
    await seedPapers(app.store);
    reader = new WebClient(app.url);
  });
  after(async () => {
    await app.close();
    await appMailer.close();
    await smtp.stop();
  });

  // RELIABILITY: "Double opt-in: nothing but the confirmation goes to an unconfirmed address;
  // confirmation is a POST; the consent record (time, form, frequency, interests) is stored."
  test('double opt-in: only the confirmation goes out; GET shows, POST confirms; consent stored', async () => {
    const email = 'new.reader@example.org';
    const res = await post('/digest/subscribe', {
      email,
      frequency: 'daily',
      form: 'feed:/',
      categories: 'cs.LG',
      keywords: 'diffusion',
    });
    assert.equal(res.status, 200);
    assert.match(await res.text(), /Check your inbox/);
    await smtp.waitFor(1);
    await settle();
    assert.equal(mailsTo(email).length, 1);
    const confirmation = await simpleParser(mailsTo(email)[0]!.raw);
    assert.match(String(confirmation.subject), /Confirm/);
    const link = linkIn(String(confirmation.text), 'confirm');
    assert.ok(link, 'the mail carries a confirm link');

    // A digest run now sends nothing to the pending address.
    const mailer = createMailer(app.config);
    await runDigest(app.store, app.config, { slot, trigger: 'cli', mailer, now: () => SLOT_MS + 60_000 });
    await mailer.close();
    assert.equal(mailsTo(email).length, 1, 'nothing but the confirmation');

    const get = await fetch(`${app.url}${local(link)}`);
    assert.equal(get.status, 200);
    assert.match(await get.text(), /<form method="post"/);
    assert.equal(
      (await app.store.digest.subscriberByEmail(email))!.status,
      'pending',
      'a GET changes nothing',
    );

    const confirm = await post(local(link), {}, local(link));
    assert.equal(confirm.status, 200);
    const s = (await app.store.digest.subscriberByEmail(email))!;
    assert.equal(s.status, 'confirmed');
    const consents = await app.store.digest.consents(s.id);
    assert.deepEqual(
      consents.map((c) => c.action),
      ['subscribe', 'confirm'],
    );
    const c0 = consents[0]!;
    assert.equal(c0.form, 'feed:/');
    assert.ok(c0.ipHash && !c0.ipHash.includes('127.0.0.1'));
    assert.match(c0.textVersion, /^\d{4}-\d{2}-\d{2}$/);
    assert.ok(Date.parse(c0.at) > 0);
    assert.deepEqual(c0.settings, {
      frequency: 'daily',
      weekday: 1,
      paperCount: 10,
      interests: { categories: ['cs.LG'], keywords: ['diffusion'], authors: [] },
    });
  });

  test('subscribe answers the same for new, pending, confirmed, unsubscribed and suppressed addresses', async () => {
    await addConfirmed(app.store, 'confirmed@example.org');
    const u = await addConfirmed(app.store, 'left@example.org');
    await app.store.digest.unsubscribe(u.id, Date.now());
    const secret = await tokenSecret(app.config, app.store.digest);
    await app.store.digest.suppress(keyedHash(secret, 'email', 'bounced@example.org'), 'bounced', Date.now());
    await post('/digest/subscribe', { email: 'pending@example.org' });
    const bodies = new Set<string>();
    for (const email of [
      'fresh@example.org',
      'pending@example.org',
      'confirmed@example.org',
      'left@example.org',
      'bounced@example.org',
    ]) {
      const res = await post('/digest/subscribe', { email });
      assert.equal(res.status, 200, email);
      bodies.add(await res.text());
    }
    assert.equal(bodies.size, 1, 'one and the same page');
    await settle();
    assert.equal(mailsTo('confirmed@example.org').length, 0);
    assert.equal(mailsTo('bounced@example.org').length, 0, 'a suppressed address gets nothing');
    assert.equal(mailsTo('left@example.org').length, 1, 'a former subscriber must confirm again');
    assert.equal((await app.store.digest.subscriberByEmail('left@example.org'))!.status, 'pending');
    // Per-address limit (2 a day): the third request answers the same and sends nothing.
    const before = mailsTo('pending@example.org').length;
    const third = await post('/digest/subscribe', { email: 'pending@example.org' });
    assert.equal(third.status, 200);
    assert.ok(bodies.has(await third.text()));
    await settle();
    assert.equal(mailsTo('pending@example.org').length, before);
  });

  test('per-IP rate limit answers 429 with Retry-After', async () => {
    let last: Response | undefined;
    for (let i = 0; i < 14; i++) last = await post('/digest/subscribe', { email: `flood${i}@example.org` });
    assert.equal(last!.status, 429);
    assert.ok(Number(last!.headers.get('retry-after')) > 0);
  });

  test('invalid input answers 400 with a message', async () => {
    const app2 = await startApp({ config: { smtpUrl: smtp.url, baseUrl: BASE } });
    try {
      const c = new WebClient(app2.url);
      const res = await c.submit('/', '/digest/subscribe', { email: 'not-an-address' });
      assert.equal(res.status, 400);
      assert.match(await res.text(), /valid email/);
      const bad = await c.submit('/', '/digest/subscribe', {
        email: 'a@example.org',
        keywords: '"unclosed',
        paperCount: '3',
      });
      assert.equal(bad.status, 400);
      const csrf = await c.csrf('/');
      const foreign = await c.post(
        '/digest/subscribe',
        { csrf, email: 'a@example.org' },
        { origin: 'https://evil.example' },
      );
      assert.equal(foreign.status, 403);
      // No token (a form another site built): refused like every other form of the site.
      const tokenless = await fetch(`${app2.url}/digest/subscribe`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'email=a%40example.org',
      });
      assert.equal(tokenless.status, 403);
    } finally {
      await app2.close();
    }
  });

  // RELIABILITY: "Unsubscribe (RFC 8058): List-Unsubscribe (one https URL) + List-Unsubscribe-Post:
  // List-Unsubscribe=One-Click; the POST needs no cookie or CSRF token, answers 200, takes effect
  // at once and is checked again at send time; a GET only shows a page."
  test('one-click unsubscribe: headers, GET shows a page, cookie-less POST answers 200 and takes effect', async () => {
    const email = 'oneclick@example.org';
    await addConfirmed(app.store, email);
    const mailer = createMailer(app.config);
    await runDigest(app.store, app.config, {
      slot,
      trigger: 'cli',
      mailer,
      only: email,
      now: () => SLOT_MS + 60_000,
    });
    await mailer.close();
    const digest = mailsTo(email)[0];
    assert.ok(digest, 'the digest arrived');
    const raw = `\r\n${digest.raw.toString('utf8')}`;
    const lu = /\r\nList-Unsubscribe: (.+)\r\n/.exec(raw)?.[1];
    assert.ok(lu);
    assert.match(
      lu,
      /^<https:\/\/paperboy\.test\/digest\/unsubscribe\/[A-Za-z0-9._-]+>$/,
      'exactly one https URL',
    );
    assert.match(raw, /\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n/);
    assert.match(raw, /\r\nList-Id: "paperboy digest" <digest\.paperboy\.test>\r\n/i);
    const parsed = await simpleParser(digest.raw);
    assert.match(
      String(parsed.text),
      /Unsubscribe \(one click\): https:\/\/paperboy\.test\/digest\/unsubscribe\//,
      'visible link in the text part',
    );
    assert.match(
      String(parsed.html),
      /href="https:\/\/paperboy\.test\/digest\/unsubscribe\/[^"]+"[^>]*>Unsubscribe</,
    );

    const url = local(lu.slice(1, -1));
    const get = await fetch(`${app.url}${url}`);
    assert.equal(get.status, 200);
    assert.equal(
      (await app.store.digest.subscriberByEmail(email))!.status,
      'confirmed',
      'a GET changes nothing',
    );

    const res = await fetch(`${app.url}${url}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'List-Unsubscribe=One-Click',
    });
    assert.equal(res.status, 200);
    assert.equal((await app.store.digest.subscriberByEmail(email))!.status, 'unsubscribed');
    const again = await fetch(`${app.url}${url}`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
      body: '--x\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--x--\r\n',
    });
    assert.equal(again.status, 200, 'repeating it (multipart) is fine');

    // Web version from the digest's link.
    const web = /https:\/\/paperboy\.test\/digest\/web\.[A-Za-z0-9._-]+/.exec(String(parsed.text))?.[0];
    assert.ok(web);
    const page = await fetch(`${app.url}${local(web)}`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    assert.match(await page.text(), /Trending today/);
  });

  test('an unsubscribe after planning is honoured at send time', async () => {
    const email = 'late-unsub@example.org';
    const s = await addConfirmed(app.store, email);
    await planDigests(app.store, app.config, { slot, runId: null, now: SLOT_MS + 60_000, only: email });
    const [row] = await app.store.digest.outboxFor(s.id);
    assert.equal(row!.status, 'pending');
    const secret = await tokenSecret(app.config, app.store.digest);
    const { unsubscribeUrl } = await import('../../src/digest/links.ts');
    const res = await fetch(`${app.url}${local(unsubscribeUrl({ baseUrl: BASE, secret }, s))}`, {
      method: 'POST',
    });
    assert.equal(res.status, 200);
    const mailer = createMailer(app.config);
    await new DigestSender({
      store: app.store,
      config: app.config,
      mailer,
      holder: 't',
      now: () => SLOT_MS + 120_000,
    }).drain();
    await mailer.close();
    assert.equal((await app.store.digest.outbox(row!.id))!.status, 'skipped');
    assert.equal(mailsTo(email).length, 0);
  });

  // RELIABILITY: "Tokens: ... any altered, truncated or cross-purpose token is refused with the
  // same 4xx and changes nothing."
  test('altered, truncated and cross-purpose links get the same 400 and change nothing', async () => {
    const email = 'tokens@example.org';
    const s = await addConfirmed(app.store, email);
    const secret = await tokenSecret(app.config, app.store.digest);
    const { unsubscribeUrl, preferencesUrl } = await import('../../src/digest/links.ts');
    const unsub = local(unsubscribeUrl({ baseUrl: BASE, secret }, s))
      .split('/')
      .pop()!;
    const prefs = local(preferencesUrl({ baseUrl: BASE, secret }, s))
      .split('/')
      .pop()!;
    const flip = (t: string) => t.slice(0, -3) + (t.at(-3) === 'A' ? 'B' : 'A') + t.slice(-2);
    const attempts: [string, string][] = [
      ['/digest/unsubscribe/', flip(unsub)],
      ['/digest/unsubscribe/', unsub.slice(0, -4)],
      ['/digest/unsubscribe/', prefs],
      ['/digest/unsubscribe/', prefs.replace('preferences', 'unsubscribe')],
      ['/digest/preferences/', unsub],
      ['/digest/preferences/', unsub.replace('unsubscribe', 'preferences')],
      ['/digest/confirm/', unsub.replace('unsubscribe', 'confirm')],
      ['/digest/preferences/', `${prefs}/erase`],
    ];
    const answers = new Set<string>();
    for (const [path, token] of attempts) {
      for (const method of ['GET', 'POST']) {
        if (path === '/digest/preferences/' && token.endsWith('/erase') && method === 'GET') continue;
        const target = token.endsWith('/erase')
          ? `${path}${flip(token.slice(0, -6))}/erase`
          : `${path}${token}`;
        // A valid CSRF token (any page's): the link alone must decide the answer.
        const res =
          method === 'POST'
            ? await reader.submit('/', target, { frequency: 'weekly', paperCount: '20' })
            : await fetch(`${app.url}${target}`);
        assert.equal(res.status, 400, `${method} ${target}`);
        answers.add(await res.text());
      }
    }
    assert.equal(answers.size, 1, 'the same answer for every bad link');
    const after = (await app.store.digest.subscriber(s.id))!;
    assert.equal(after.status, 'confirmed');
    assert.equal(after.frequency, 'daily');
    assert.equal(after.paperCount, s.paperCount);
  });

  test('preferences via signed link: validate, save, export, erase (keeps a hashed suppression)', async () => {
    const email = 'prefs@example.org';
    const s = await addConfirmed(app.store, email);
    const secret = await tokenSecret(app.config, app.store.digest);
    const { preferencesUrl } = await import('../../src/digest/links.ts');
    const path = local(preferencesUrl({ baseUrl: BASE, secret }, s));
    assert.equal((await fetch(`${app.url}${path}`)).status, 200);
    const bad = await post(path, { frequency: 'weekly', paperCount: '60' }, path);
    assert.equal(bad.status, 400);
    assert.match(await bad.text(), /at most 50/);
    const ok = await post(
      path,
      {
        frequency: 'weekly',
        weekday: '5',
        paperCount: '20',
        categories: 'cs.CV, cs.LG',
        keywords: '"graph neural" -survey\nauthor:hinton',
        authors: 'Geoffrey Hinton',
      },
      path,
    );
    assert.equal(ok.status, 200);
    const saved = (await app.store.digest.subscriber(s.id))!;
    assert.deepEqual([saved.frequency, saved.weekday, saved.paperCount], ['weekly', 5, 20]);
    assert.deepEqual(saved.interests, {
      categories: ['cs.CV', 'cs.LG'],
      keywords: ['"graph neural" -survey', 'author:hinton'],
      authors: ['Geoffrey Hinton'],
    });

    const exp = await fetch(`${app.url}${path}/export`);
    assert.equal(exp.status, 200);
    const data = (await exp.json()) as { subscriber: { email: string }; consents: unknown[] };
    assert.equal(data.subscriber.email, email);
    assert.ok(data.consents.length >= 1);

    // Each form of the preferences page (opened from the mail's link) carries the token.
    const page = await reader.text(path);
    assert.equal(page.match(/name="csrf" value="[^"]+"/g)?.length, 2, 'save and erase forms carry a token');
    const erase = await post(`${path}/erase`, {}, path);
    assert.equal(erase.status, 200);
    assert.equal(await app.store.digest.subscriberByEmail(email), null);
    assert.equal(await app.store.digest.suppression(keyedHash(secret, 'email', email)), 'erased');
    assert.equal((await fetch(`${app.url}${path}`)).status, 400, 'the old link no longer works');
  });

  test('/admin/digests shows runs and per-state counts', async () => {
    const res = await fetch(`${app.url}/admin/digests`);
    assert.equal(res.status, 200);
    const body = await res.text();
    assert.match(body, /Outbox by period/);
    assert.match(body, /daily:2026-01-07/);
    const forwarded = await fetch(`${app.url}/admin/digests`, {
      headers: { 'x-forwarded-for': '203.0.113.9' },
    });
    assert.equal(forwarded.status, 403);
  });
});
