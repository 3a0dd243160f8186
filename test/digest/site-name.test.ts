/**
 * Issue 16 item 19: every kind of mail carries the configured site name, in its Subject and as
 * the From display name (at mailFrom's address), through the real app and a real SMTP peer:
 * sign-up confirmation, password reset, digest subscription confirmation, the digest itself and
 * the settings page's test mail. The name is not the default and changed at run time is used.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type ParsedMail, simpleParser } from 'mailparser';
import { createMailer } from '../../src/digest/mailer.ts';
import { slotOn } from '../../src/digest/period.ts';
import { runDigest } from '../../src/digest/run.ts';
import { accountMailsSettled } from '../../src/users/accounts.ts';
import { startApp, type TestApp } from '../support/app.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.ts';
import { TrackedMailer } from '../support/tracked-mailer.ts';
import { linkIn, WebClient } from '../support/web-client.ts';
import { addConfirmed, SLOT_DAY, SLOT_MS, seedPapers } from './helpers.ts';

const NAME = 'Reading Club, Zürich';
let smtp: TestSmtpServer;
let app: TestApp;
const appMailer = new TrackedMailer(() => createMailer(app.config));

before(async () => {
  smtp = await startSmtpServer();
  app = await startApp({
    siteOptions: { mailer: appMailer },
    config: {
      siteName: NAME,
      smtpUrl: smtp.url,
      mailFrom: 'paperboy <news@club.test>',
      baseUrl: 'https://club.test',
      digestTime: '06:00',
      digestTimeZone: 'UTC',
    },
  });
  await seedPapers(app.store);
});
after(async () => {
  await app.close();
  await appMailer.close();
  await smtp.stop();
});

/** The one mail to `to` (waits for it), parsed. */
async function mailTo(to: string, count: number): Promise<ParsedMail> {
  await smtp.waitFor(count);
  const hits = smtp.received.filter((m) => m.recipients.includes(to));
  assert.equal(hits.length, 1, `one mail to ${to}`);
  return simpleParser(hits[0]!.raw);
}

function carriesName(mail: ParsedMail, kind: string, name = NAME): void {
  assert.ok(mail.subject?.includes(name), `${kind} subject: ${mail.subject}`);
  assert.deepEqual(mail.from?.value, [{ name, address: 'news@club.test' }], `${kind} From`);
}

test('sign-up, reset, subscription confirmation, digest and test mail carry the site name', async () => {
  const web = new WebClient(app.url);
  const signup = await web.submit('/signup', '/signup', {
    email: 'ada@example.org',
    name: 'ada',
    password: 'correct horse battery staple 42',
  });
  assert.equal(signup.status, 200, await signup.text());
  await accountMailsSettled();
  const confirmation = await mailTo('ada@example.org', 1);
  carriesName(confirmation, 'sign-up confirmation');

  await web.submit('/reset-password', '/reset-password', { email: 'ada@example.org' });
  await accountMailsSettled();
  await smtp.waitFor(2);
  const resets = smtp.received.filter((m) => m.recipients.includes('ada@example.org'));
  carriesName(await simpleParser(resets[1]!.raw), 'password reset');

  const sub = await web.submit('/', '/digest/subscribe', { email: 'reader@example.org', frequency: 'daily' });
  assert.equal(sub.status, 200);
  await appMailer.idle();
  carriesName(await mailTo('reader@example.org', 3), 'digest confirmation');

  await addConfirmed(app.store, 'daily@example.org');
  const mailer = createMailer(app.config);
  await runDigest(app.store, app.config, {
    slot: slotOn(SLOT_DAY, '06:00', 'UTC'),
    trigger: 'cli',
    mailer,
    only: 'daily@example.org',
    now: () => SLOT_MS + 60_000,
  });
  await mailer.close();
  carriesName(await mailTo('daily@example.org', 4), 'digest');

  // The settings page's test mail, from an admin (ada, verified and promoted).
  const link = linkIn(String(confirmation.text), 'verify');
  const token = new URL(link, 'http://x').searchParams.get('token')!;
  // Following the link signs ada in (issue 16 item 14).
  assert.equal((await web.submit(link, '/verify', { token })).status, 200);
  await app.store.users.setRole((await app.store.users.byName('ada'))!.id, 'admin');
  const trial = await web.submit('/admin/settings', '/admin/settings/test-mail', {
    to: 'admin@example.org',
    siteName: NAME,
    cat: 'cs.LG',
    smtpUrl: smtp.url,
    mailFrom: 'news@club.test',
  });
  assert.equal(trial.status, 200);
  carriesName(await mailTo('admin@example.org', 5), 'settings test mail');

  // A name changed at run time (the settings page updates the shared config in place) is used
  // by the mailer already built.
  app.config.siteName = 'Renamed Club';
  await web.submit('/reset-password', '/reset-password', { email: 'ada@example.org' });
  await accountMailsSettled();
  await smtp.waitFor(6);
  const last = smtp.received.filter((m) => m.recipients.includes('ada@example.org'));
  carriesName(await simpleParser(last[2]!.raw), 'mail after a rename', 'Renamed Club');
});
