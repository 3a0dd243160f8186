/**
 * The alert mail (issue 15 item 2): at most one per reader per hour, listing every event of the
 * reader's mail-delivery alerts since the last. A reader's slot is claimed in the database first
 * (alert_mailings, a conditional upsert: two processes never both mail one reader within the
 * hour), then the mail is sent through the site's mailer, then its events are marked mailed.
 * A crash after the claim and before the send leaves the events for the next hour; a crash after
 * the send and before the mark sends them again, once (at least once, never lost).
 */
import type { Mailer } from '../digest/mail.ts';
import { texText } from '../papers/tex-text.ts';
import type { UserRepository } from '../users/types.ts';
import { paperLink } from './compute.ts';
import type { AlertRepository, StoredEvent } from './types.ts';

const MAIL_INTERVAL_MS = 3_600_000;
/** Readers mailed per pass; the next pass (the next computation or poll) takes the rest. */
const READERS_PER_PASS = 500;
/** Events listed in one mail; more wait for the next hour, oldest first. */
const EVENTS_PER_MAIL = 200;

export interface AlertMailDeps {
  alerts: AlertRepository;
  users: Pick<UserRepository, 'byId'>;
  mailer: () => Mailer;
  baseUrl: string;
  siteName: () => string;
  now: () => number;
}

/** Sends every mail that is due; returns how many went. */
export async function sendAlertMails(d: AlertMailDeps): Promise<number> {
  const now = d.now();
  const hourAgo = new Date(now - MAIL_INTERVAL_MS).toISOString();
  const stamp = new Date(now).toISOString();
  let sent = 0;
  for (const userId of await d.alerts.mailDue(hourAgo, READERS_PER_PASS)) {
    const user = await d.users.byId(userId);
    // Banned accounts and addresses never confirmed get no mail; their events stay on the page.
    if (!user || user.bannedAt || !user.emailVerifiedAt) continue;
    if (!(await d.alerts.claimMail(userId, stamp, hourAgo))) continue;
    const events = await d.alerts.unmailed(userId, EVENTS_PER_MAIL);
    if (events.length === 0) continue;
    await d.mailer().send({
      to: user.email,
      subject: `${d.siteName()}: ${events.length === 1 ? '1 alert' : `${events.length} alerts`}`,
      text: mailText(events, d.baseUrl),
    });
    await d.alerts.markMailed(
      events.map((e) => e.id),
      stamp,
    );
    sent++;
  }
  return sent;
}

function mailText(events: StoredEvent[], baseUrl: string): string {
  const base = baseUrl.replace(/\/+$/, '');
  const lines = events.map((e) => `- ${texText(e.title)}\n  ${e.reason}\n  ${paperLink(base, e.arxivId)}`);
  return `Your alerts since the last mail:\n\n${lines.join('\n\n')}\n\nChange or pause them: ${base}/alerts\n`;
}
