/**
 * Mail message type, failure classes and the header-injection defences shared by every mailer.
 * Both mailers build the message with nodemailer's composer from `toComposerOptions`, so a file
 * on disk is byte-for-byte what SMTP would have carried, and the defences live in one place.
 */
import { randomBytes } from 'node:crypto';
import { InvalidInputError } from '../errors.ts';

export interface MailMessage {
  to: string;
  subject: string;
  /** Strings, or UTF-8 bytes as stored (a digest's parts, read straight from the outbox). */
  text: string | Buffer;
  html?: string | Buffer;
  /** Extra headers (List-Unsubscribe…); names must be tokens, values lose any CR/LF. */
  headers?: Record<string, string>;
  /** `<id@domain>`; stable per digest so a resend after a crash is recognisably the same mail. */
  messageId?: string;
  from?: string;
  /** SMTP envelope sender (bounce address / VERP); defaults to the From address. */
  envelopeFrom?: string;
}

export interface SendResult {
  messageId: string;
  accepted: boolean;
}

export interface Mailer {
  send(m: MailMessage): Promise<SendResult>;
  /** Connects and authenticates (SMTP) or checks the directory is writable (file). */
  verify(): Promise<void>;
  close(): Promise<void>;
  readonly kind: 'smtp' | 'file';
}

/**
 * Where a failure lies decides what the sender does with it: `server` failures (refused, 421,
 * timeouts, dropped connections, bad credentials) say nothing about the recipient and feed the
 * circuit breaker; `recipient` failures (550 5.1.1 at RCPT) mark the address; `message` failures
 * (452 too much mail, 554 content refused) concern this one delivery.
 */
export type MailFailureScope = 'server' | 'recipient' | 'message';

export class MailError extends Error {
  override name = 'MailError';
  readonly permanent: boolean;
  readonly scope: MailFailureScope;
  /** SMTP reply code when the server gave one (421, 451, 550…). */
  readonly responseCode: number | undefined;
  /** Enhanced status code (`5.1.1`) when the reply carried one. */
  readonly enhancedCode: string | undefined;
  constructor(
    message: string,
    options: {
      permanent: boolean;
      scope: MailFailureScope;
      responseCode?: number;
      enhancedCode?: string;
      cause?: unknown;
    },
  ) {
    super(message, { cause: options.cause });
    this.permanent = options.permanent;
    this.scope = options.scope;
    this.responseCode = options.responseCode;
    this.enhancedCode = options.enhancedCode;
  }
}

/** Try again later: 4xx replies, refused or dropped connections, timeouts. */
export class TransientMailError extends MailError {
  override name = 'TransientMailError';
  constructor(message: string, options: Omit<ConstructorParameters<typeof MailError>[1], 'permanent'>) {
    super(message, { ...options, permanent: false });
  }
}

/** Will never succeed as sent: 5xx replies, an address the composer refuses. */
export class PermanentMailError extends MailError {
  override name = 'PermanentMailError';
  constructor(message: string, options: Omit<ConstructorParameters<typeof MailError>[1], 'permanent'>) {
    super(message, { ...options, permanent: true });
  }
}

// Deliberately narrower than RFC 5322: no quoted local parts, no comments, no whitespace, no
// control characters. Anything a subscribe form should accept fits; nothing that could smuggle a
// header or a second recipient does.
const ADDRESS =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

export function isMailAddress(s: string): boolean {
  return s.length <= 254 && ADDRESS.test(s);
}

/** Lowercased and trimmed; the form in which an address is stored, compared and hashed. */
export function normalizeAddress(s: string): string {
  return s.trim().toLowerCase();
}

/** A header value on one line: CR, LF and other controls become spaces. */
function oneLine(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();
}

const HEADER_NAME = /^[A-Za-z0-9][A-Za-z0-9-]{0,75}$/;
// Headers the composer owns: a caller overriding them would break threading or envelopes.
const RESERVED = new Set([
  'to',
  'from',
  'cc',
  'bcc',
  'subject',
  'message-id',
  'date',
  'content-type',
  'mime-version',
  'sender',
  'reply-to',
  'return-path',
]);

/** The address inside `Name <addr>` or the string itself. */
export function addressOf(s: string): string {
  const m = /<([^<>]+)>\s*$/.exec(s);
  return (m ? m[1]! : s).trim();
}

/**
 * The From header of every mail the site sends (account links, digest confirmations, digests,
 * test mails): the site's name as display name, at mailFrom's address. Issue 16 item 19: a
 * renamed site still wrote "paperboy" because the name came only from mailFrom's default. The
 * mailers call this at send time, so a name changed on /admin/settings (which updates the shared
 * config in place, src/setup/settings.ts) names the next mail without rebuilding the mailer.
 */
export function senderOf(config: { siteName: string; mailFrom: string }): string {
  // Quoted, so a name with commas or dots stays one display name; quotes and controls cannot end it.
  const name = config.siteName.replace(/["\\\u0000-\u001f\u007f]+/g, ' ').trim();
  const address = addressOf(config.mailFrom);
  return name ? `"${name}" <${address}>` : address;
}

export function domainOf(address: string): string {
  const a = addressOf(address);
  return a.slice(a.lastIndexOf('@') + 1) || 'localhost';
}

function newMessageId(from: string): string {
  return `<${randomBytes(12).toString('hex')}@${domainOf(from)}>`;
}

/** Options for nodemailer's composer, after every defence against header injection. */
export function toComposerOptions(m: MailMessage, defaultFrom: string) {
  const to = oneLine(m.to);
  if (to !== m.to.trim() || !isMailAddress(to))
    throw new PermanentMailError(`not a mail address: ${JSON.stringify(m.to.slice(0, 80))}`, {
      scope: 'recipient',
    });
  const from = oneLine(m.from ?? defaultFrom);
  const envelopeFrom = m.envelopeFrom ? addressOf(oneLine(m.envelopeFrom)) : addressOf(from);
  // Senders are configured, not typed by users: `paperboy@localhost` (no dot) is a fine default.
  if (!/^[^\s<>@"]{1,64}@[A-Za-z0-9.-]{1,253}$/.test(envelopeFrom))
    throw new InvalidInputError(`not a sender address: ${envelopeFrom.slice(0, 80)}`);
  const headers: Record<string, string | { prepared: true; value: string }> = {};
  for (const [name, value] of Object.entries(m.headers ?? {})) {
    if (!HEADER_NAME.test(name) || RESERVED.has(name.toLowerCase()))
      throw new InvalidInputError(`header name not allowed: ${name.slice(0, 80)}`);
    const v = oneLine(value);
    // Printable ASCII goes out as written (List-Id's quotes and angle brackets must not become an
    // encoded-word); anything else is left to the composer to encode. Either way it is one line.
    headers[name] = /^[\x20-\x7e]*$/.test(v) && v.length <= 900 ? { prepared: true, value: v } : v;
  }
  const messageId = m.messageId ? oneLine(m.messageId) : newMessageId(from);
  if (!/^<[^<>\s]+@[^<>\s]+>$/.test(messageId))
    throw new InvalidInputError(`malformed Message-ID: ${messageId.slice(0, 80)}`);
  return {
    from,
    to,
    subject: oneLine(m.subject),
    text: m.text,
    ...(m.html !== undefined ? { html: m.html } : {}),
    headers,
    messageId,
    envelope: { from: envelopeFrom, to: [to] },
    // Quoted-printable is what our mostly-Latin parts get anyway; saying so spares the composer a
    // scan of every part to choose (and a string copy of parts given as bytes).
    textEncoding: 'quoted-printable' as const,
    // Never let a value be read as a path or URL to fetch.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}
