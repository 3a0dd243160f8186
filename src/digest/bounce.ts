/**
 * Feeding bounce and complaint reports in (`paperboy digest bounce <file.eml>`, or the bounce
 * endpoint a mail server pipes to). Understands RFC 3464 delivery status notifications and RFC 5965
 * (ARF) feedback reports. The subscriber is found by the VERP tag of the address the report was
 * sent to, else by the original Message-ID, else by the failed recipient address.
 *
 * Hard bounces (5.x.x, Action: failed) and complaints suppress the address at once; soft bounces
 * (4.x.x or Action: delayed) count, and `digestSoftBounceLimit` of them suppress it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { simpleParser } from 'mailparser';
import type { Config } from '../config/config.ts';
import { InvalidInputError, UnauthorizedError } from '../errors.ts';
import { readVerp, verpMatches } from './links.ts';
import { normalizeAddress } from './mail.ts';
import type { DigestStore } from './store.ts';
import { keyedHash, tokenSecret } from './tokens.ts';
import type { BounceKind, Subscriber } from './types.ts';

export interface BounceResult {
  kind: BounceKind | 'ignored';
  subscriberId: number | null;
  status: string | null;
  /** What happened, for the CLI and the log. */
  outcome: string;
}

const field = (raw: string, name: string) =>
  new RegExp(`^${name}:[ \\t]*(.+)$`, 'im').exec(raw)?.[1]?.trim() ?? null;

/** Largest report the bounce endpoint reads: a DSN returns at most the original message. */
export const MAX_REPORT_BYTES = 1_048_576;

/** `Authorization: Bearer <secret>` of the bounce hook, compared in constant time. */
export function checkHookAuth(header: string | undefined, secret: string): void {
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header ?? '');
  const digest = (s: string) => createHash('sha256').update(s).digest();
  if (!m || !timingSafeEqual(digest(m[1]!), digest(secret)))
    throw new UnauthorizedError(
      'The bounce hook needs the configured secret as "Authorization: Bearer <secret>".',
    );
}

const isReport = (text: string) =>
  /^Content-Type:[ \t]*multipart\/report/im.test(text) ||
  /^Feedback-Type:/im.test(text) ||
  (/^Action:/im.test(text) && /^(Status|Final-Recipient):/im.test(text));

/**
 * What the endpoint was posted, checked before anything parses it: a mail message in text (header
 * lines, then a body) that is a delivery status notification (RFC 3464) or a feedback report
 * (RFC 5965). Anything else is refused with what is wrong, and nothing is changed.
 */
export function reportText(raw: Buffer): string {
  if (raw.length === 0)
    throw new InvalidInputError(
      'Empty body: post the raw DSN or ARF message (RFC 5322) as the request body.',
    );
  if (raw.length > MAX_REPORT_BYTES)
    throw new InvalidInputError(`The report is ${raw.length} bytes; at most ${MAX_REPORT_BYTES} are read.`);
  if (raw.includes(0)) throw new InvalidInputError('Binary data: a report is a mail message in text.');
  const text = raw.toString('utf8');
  if (!/^[A-Za-z0-9-]{1,76}:/.test(text) || !/\r?\n\r?\n/.test(text))
    throw new InvalidInputError(
      'Not a mail message: it must start with header lines ("Name: value"), then a blank line and the body.',
    );
  if (!isReport(text))
    throw new InvalidInputError(
      'Not a delivery status notification (RFC 3464, multipart/report; report-type=delivery-status) or a feedback report (RFC 5965, Feedback-Type).',
    );
  return text;
}

function classifyReport(raw: string): {
  kind: BounceKind | null;
  status: string | null;
  recipient: string | null;
  messageIds: string[];
} {
  // The report's own Message-ID comes first; the returned original's headers follow in a part.
  const messageIds = [...raw.matchAll(/^Message-ID:[ \t]*(<[^>\s]+>)/gim)].map((m) => m[1]!);
  if (/^Feedback-Type:/im.test(raw) || /report-type="?feedback-report/i.test(raw)) {
    const recipient = field(raw, 'Original-Rcpt-To') ?? null;
    return { kind: 'complaint', status: field(raw, 'Feedback-Type'), recipient, messageIds };
  }
  const status = /^Status:[ \t]*([245]\.\d{1,3}\.\d{1,3})/im.exec(raw)?.[1] ?? null;
  const action = field(raw, 'Action')?.toLowerCase() ?? null;
  const recipient =
    field(raw, 'Final-Recipient')?.replace(/^rfc822;\s*/i, '') ??
    field(raw, 'Original-Recipient')?.replace(/^rfc822;\s*/i, '') ??
    null;
  let kind: BounceKind | null = null;
  if (status?.startsWith('5') || (action === 'failed' && !status?.startsWith('4'))) kind = 'hard';
  else if (status?.startsWith('4') || action === 'delayed') kind = 'soft';
  if (action === 'delivered' || action === 'relayed' || action === 'expanded') kind = null;
  return { kind, status, recipient, messageIds };
}

async function findSubscriber(
  store: DigestStore,
  secret: string,
  toAddresses: string[],
  messageIds: string[],
  recipient: string | null,
): Promise<Subscriber | null> {
  for (const a of toAddresses) {
    const v = readVerp(a);
    if (!v) continue;
    const s = await store.digest.subscriber(v.id);
    if (s && verpMatches(secret, v.tag, s)) return s;
  }
  for (const id of messageIds) {
    const row = await store.digest.outboxByMessageId(id);
    if (row) return store.digest.subscriber(row.subscriberId);
  }
  return recipient ? store.digest.subscriberByEmail(normalizeAddress(recipient)) : null;
}

export async function processReport(
  store: DigestStore,
  config: Config,
  raw: Buffer | string,
  now = Date.now(),
): Promise<BounceResult> {
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  const mail = await simpleParser(text);
  const to = [mail.to, mail.cc]
    .flatMap((x) => (x ? (Array.isArray(x) ? x : [x]) : []))
    .flatMap((x) => x.value.map((v) => v.address ?? ''));
  for (const h of ['delivered-to', 'x-original-to', 'return-path']) {
    const v = mail.headers.get(h);
    if (typeof v === 'string') to.push(v.replace(/[<>]/g, ''));
    else if (v && typeof v === 'object' && 'value' in v)
      for (const a of (v as { value: { address?: string }[] }).value) to.push(a.address ?? '');
  }
  const report = classifyReport(text);
  if (!report.kind)
    return {
      kind: 'ignored',
      subscriberId: null,
      status: report.status,
      outcome: 'not a bounce or complaint report',
    };
  const secret = await tokenSecret(config, store.digest);
  const sub = await findSubscriber(store, secret, to, report.messageIds, report.recipient);
  const repo = store.digest;
  const detail = `${report.kind} ${report.status ?? ''} ${report.recipient ?? ''}`.trim();
  await repo.logBounce(sub?.id ?? null, report.kind, report.status, detail, now);
  if (!sub)
    return {
      kind: report.kind,
      subscriberId: null,
      status: report.status,
      outcome: 'no matching subscriber',
    };
  const hash = keyedHash(secret, 'email', sub.email);
  if (report.kind === 'complaint') {
    await repo.setStatus(sub.id, 'complained', now);
    await repo.suppress(hash, 'complained', now);
    return {
      kind: 'complaint',
      subscriberId: sub.id,
      status: report.status,
      outcome: 'complaint: unsubscribed and suppressed',
    };
  }
  if (report.kind === 'hard') {
    await repo.setStatus(sub.id, 'bounced', now);
    await repo.suppress(hash, 'bounced', now);
    return { kind: 'hard', subscriberId: sub.id, status: report.status, outcome: 'hard bounce: suppressed' };
  }
  const status = await repo.softBounce(sub.id, config.digestSoftBounceLimit, now);
  if (status === 'bounced') {
    await repo.suppress(hash, 'bounced', now);
    return {
      kind: 'soft',
      subscriberId: sub.id,
      status: report.status,
      outcome: `soft bounce ${config.digestSoftBounceLimit} of ${config.digestSoftBounceLimit}: suppressed`,
    };
  }
  return { kind: 'soft', subscriberId: sub.id, status: report.status, outcome: 'soft bounce counted' };
}
