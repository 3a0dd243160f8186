/**
 * Issue 13, item 3: /admin/settings changes the site name, categories, featuring mode, SMTP URL
 * and sender after setup, in force at once; a setting fixed by env shows as such and cannot be
 * changed there; "send test mail"; only the admin opens it (guard.ts).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SETTINGS_KEY } from '../../src/setup/settings.ts';
import { startApp } from '../support/app.ts';
import { lastMail, signUpAndLogIn, WebClient } from '../support/web-client.ts';

/** A browser's form post: repeated names (checkboxes) kept, cookies and Origin sent. */
function postForm(c: WebClient, path: string, pairs: [string, string][]): Promise<Response> {
  return fetch(`${c.base}${path}`, {
    method: 'POST',
    redirect: 'manual',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      origin: c.base,
      cookie: [...c.cookies].map(([k, v]) => `${k}=${v}`).join('; '),
    },
    body: new URLSearchParams(pairs).toString(),
  });
}

test('/admin/settings: changes apply at once, an env-fixed field is locked, test mail, admin only', async () => {
  const t = await startApp({
    env: { PAPERBOY_SITE_NAME: 'Env Name' },
    // A change of categories starts the first harvest: a closed local port, never arXiv.
    config: { arxivApiUrl: 'http://127.0.0.1:9/api/query', upstreamRetries: 0 },
  });
  try {
    const reader = await signUpAndLogIn(t.url, t.dataDir, 'Reader');
    const admin = await signUpAndLogIn(t.url, t.dataDir, 'Boss');
    await t.store.users.setRole((await t.store.users.byName('Boss'))!.id, 'admin');
    assert.equal((await fetch(`${t.url}/admin/settings`)).status, 401);
    assert.equal((await reader.get('/admin/settings')).status, 403);

    const page = await admin.text('/admin/settings');
    assert.match(page, /Site name <span class="locked">set by <code>PAPERBOY_SITE_NAME<\/code>/);
    assert.match(page, /name="siteName" type="text" required maxlength="80" value="Env Name" disabled>/);
    assert.doesNotMatch(page, /name="mailFrom"[^>]*disabled/);
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;

    const saved = await postForm(admin, '/admin/settings', [
      ['csrf', csrf],
      ['siteName', 'Not Allowed'],
      ['cat', 'cs.RO'],
      ['cat', 'cs.IR'],
      ['otherCats', 'q-bio.NC'],
      ['featureMode', 'curate'],
      ['smtpUrl', ''],
      ['mailFrom', 'Club <club@example.org>'],
    ]);
    assert.equal(saved.status, 303);
    assert.equal(saved.headers.get('location'), '/admin/settings?saved=1');
    // In force in the running server at once; the env-fixed name is neither changed nor saved.
    assert.equal(t.config.siteName, 'Env Name');
    assert.equal(t.config.mailFrom, 'Club <club@example.org>');
    assert.deepEqual(t.config.rssCategories, ['cs.RO', 'cs.IR', 'q-bio.NC']);
    assert.deepEqual(t.config.featureCategories, []);
    const stored = await t.store.firstRun.getSetting<Record<string, unknown>>(SETTINGS_KEY);
    assert.equal(stored!.siteName, undefined, 'a locked field is not saved');
    // Account mails of the running server use the new sender at once (web/site.ts rebuilds its mailer).
    const stranger = new WebClient(t.url);
    const reset = await stranger.submit('/reset-password', '/reset-password', {
      email: 'reader@example.org',
    });
    assert.equal(reset.status, 200);
    const resetMail = await lastMail(t.dataDir, 'reader@example.org');
    assert.match(resetMail.subject, /^Env Name: /);
    assert.match(resetMail.from, /club@example\.org/);
    const overview = await admin.text('/admin');
    assert.match(overview, /<dt>Following<\/dt><dd>cs\.RO, cs\.IR, q-bio\.NC<\/dd>/);
    assert.match(overview, /curated by hand/);
    assert.match(overview, /<a href="\/admin\/settings">Settings<\/a>/);

    // A value the schema refuses: 400 with what and why; nothing saved.
    const bad = await postForm(admin, '/admin/settings', [
      ['csrf', csrf],
      ['otherCats', 'Not_A_Category'],
      ['mailFrom', 'Club <club@example.org>'],
      ['smtpUrl', 'http://mail.example.org'],
    ]);
    assert.equal(bad.status, 400);
    const badPage = await bad.text();
    assert.match(badPage, /Categories: &quot;Not_A_Category&quot; must be an arXiv category/);
    assert.match(badPage, /SMTP URL: must start with smtp:\/\/ or smtps:\/\//);
    assert.deepEqual(t.config.rssCategories, ['cs.RO', 'cs.IR', 'q-bio.NC'], 'unchanged');

    // Send test mail: with the form's sender, no SMTP URL, so to a file.
    const trial = await postForm(admin, '/admin/settings/test-mail', [
      ['csrf', csrf],
      ['to', 'boss@example.org'],
      ['cat', 'cs.RO'],
      ['mailFrom', 'Trial <trial@example.org>'],
      ['smtpUrl', ''],
    ]);
    assert.equal(trial.status, 200);
    assert.match(await trial.text(), /the test mail was written to/);
    const mail = await lastMail(t.dataDir, 'boss@example.org');
    assert.equal(mail.subject, 'Env Name: test mail');
    assert.equal(t.config.mailFrom, 'Club <club@example.org>', 'a test mail saves nothing');

    // Without a token: refused like every form.
    const forged = await postForm(admin, '/admin/settings', [['mailFrom', 'Evil <e@example.org>']]);
    assert.equal(forged.status, 403);
  } finally {
    await t.close();
  }
});

test('the setup page says where its settings change later, and shows env-fixed fields as such', async () => {
  const t = await startApp({ env: { PAPERBOY_MAIL_FROM: 'Ops <ops@example.org>' } });
  try {
    const { setupUrl } = await import('../../src/setup/token.ts');
    const url = new URL((await setupUrl(t.store, t.config.baseUrl!))!);
    const page = await (await fetch(`${t.url}/setup${url.search}`)).text();
    assert.match(page, /can be changed later on the admin's <a href="\/admin\/settings">settings page<\/a>/);
    assert.match(page, /From <span class="locked">set by <code>PAPERBOY_MAIL_FROM<\/code>/);
  } finally {
    await t.close();
  }
});
