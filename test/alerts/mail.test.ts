/**
 * The alert mail (issue 15 item 2) through a real SMTP server, on both databases: at most one
 * mail per reader per hour, listing every event since the last; unconfirmed addresses get none;
 * two senders at once mail a reader once (the claim in alert_mailings). Own ids (2412.*).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { computeEvents } from '../../src/alerts/compute.ts';
import { sendAlertMails } from '../../src/alerts/mail.ts';
import type { Store } from '../../src/app/store.ts';
import type { Mailer } from '../../src/digest/mail.ts';
import { createMailer } from '../../src/digest/mailer.ts';
import { makeUser } from '../contract/accounts.ts';
import { bothStores, digestConfig, type TestStore } from '../digest/helpers.ts';
import { tempDir } from '../support/app.ts';
import { makePaper } from '../support/papers.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp-server.ts';

const T0 = Date.parse('2026-11-30T12:00:00.000Z');
const MIN = 60_000;
const fresh = (n: number, title: string) =>
  makePaper({
    arxivId: `2412.${String(n).padStart(5, '0')}`,
    title,
    submittedAt: new Date(T0 - 86_400_000).toISOString(),
  });

for (const [dialect, open] of bothStores) {
  describe(`alert mail (${dialect})`, () => {
    let t: TestStore;
    let smtp: TestSmtpServer;
    let mailer: Mailer;
    before(async () => {
      t = await open();
      smtp = await startSmtpServer();
      mailer = createMailer(digestConfig(tempDir('paperboy-alert-mail-'), { smtpUrl: smtp.url }));
    });
    after(async () => {
      await mailer.close();
      await smtp.stop();
      await t.close();
    });

    const run = async (s: Store, at: number) => {
      await computeEvents(s.alerts, { baseUrl: 'https://paperboy.test', now: () => at });
      return sendAlertMails({
        alerts: s.alerts,
        users: s.users,
        mailer: () => mailer,
        baseUrl: 'https://paperboy.test',
        siteName: () => 'paperboy',
        now: () => at,
      });
    };

    test('one mail an hour per reader, listing everything since the last', async () => {
      const s = t.store;
      const now = new Date(T0).toISOString();
      const reader = await makeUser(s, 'mail-reader', now);
      await s.users.markVerified(reader.id, now);
      const unconfirmed = await makeUser(s, 'mail-unconfirmed', now);
      for (const u of [reader, unconfirmed])
        await s.alerts.create({ userId: u.id, kind: 'search', target: 'diffusion', delivery: ['mail'] }, now);
      // An alert that does not deliver by mail puts nothing in it.
      await s.alerts.create(
        { userId: reader.id, kind: 'category', target: 'cs.LG', delivery: ['feed'] },
        now,
      );

      await s.papers.upsertMany([fresh(1, 'Diffusion one'), fresh(2, 'Diffusion two')]);
      assert.equal(await run(s, T0), 1, 'one mail, to the confirmed reader only');
      await smtp.waitFor(1);
      const first = await smtp.parsed(0);
      assert.equal(first.subject, 'paperboy: 2 alerts');
      assert.deepEqual(smtp.received[0]!.recipients, ['mail-reader@example.org']);
      assert.match(
        first.text ?? '',
        /Diffusion one\n {2}matches your search “diffusion”\n {2}https:\/\/paperboy\.test\/papers\/2412\.00001/,
      );
      assert.match(first.text ?? '', /Diffusion two/);

      await s.papers.upsertMany([fresh(3, 'Diffusion three')]);
      assert.equal(await run(s, T0 + 10 * MIN), 0, 'within the hour: no second mail');
      await s.papers.upsertMany([fresh(4, 'Diffusion four')]);
      // Two senders at once after the hour (two processes): one mail.
      const [a, b] = await Promise.all([run(s, T0 + 61 * MIN), run(s, T0 + 61 * MIN)]);
      assert.equal(a + b, 1);
      await smtp.waitFor(2);
      const second = await smtp.parsed(1);
      assert.equal(second.subject, 'paperboy: 2 alerts');
      assert.match(
        second.text ?? '',
        /Diffusion three[\s\S]*Diffusion four/,
        'everything since the last, oldest first',
      );
      assert.doesNotMatch(second.text ?? '', /Diffusion one/, 'nothing twice');
      assert.equal((await s.alerts.stats()).pendingMail, 4, "the unconfirmed reader's events wait");
      assert.equal(smtp.received.length, 2);
    });
  });
}
