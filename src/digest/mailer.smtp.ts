/**
 * SMTP through a nodemailer pool: `smtpPoolSize` connections, `smtpRateLimit` messages per
 * second across the whole pool (send-window.ts, in front of the pool), STARTTLS policy and
 * certificate checks from config, DKIM when a key is configured (nodemailer's default signed
 * field list covers List-Unsubscribe and List-Unsubscribe-Post, which RFC 8058 requires for
 * one-click unsubscribe to be honoured).
 */
import { readFileSync } from 'node:fs';
import nodemailer from 'nodemailer';
import type { Config } from '../config/config.ts';
import { InvalidInputError } from '../errors.ts';
import {
  type MailError,
  type Mailer,
  type MailMessage,
  PermanentMailError,
  type SendResult,
  senderOf,
  TransientMailError,
  toComposerOptions,
} from './mail.ts';
import { SendWindow } from './send-window.ts';

interface SmtpFailure {
  code?: string;
  responseCode?: number;
  command?: string;
  response?: string;
  message?: string;
}

const ENHANCED = /\b([245])\.(\d{1,3})\.(\d{1,3})\b/;
// Failures of the connection itself: nothing was refused, the server was not there to ask.
const CONNECTION_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ETLS',
  'EPROTOCOL',
  'EPROXY',
  'EMAXLIMIT',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
]);
const SERVER_COMMANDS = /^(CONN|EHLO|HELO|STARTTLS|AUTH|LHLO|GREETING)/i;

/** Maps a nodemailer failure to a transient/permanent error with the scope the sender acts on. */
function classifySmtpError(err: unknown): MailError {
  const e = (err ?? {}) as SmtpFailure;
  const text = (e.response ?? e.message ?? String(err)).slice(0, 300);
  const code = e.responseCode;
  const enhancedCode = ENHANCED.exec(e.response ?? '')
    ?.slice(1)
    .join('.');
  const base = {
    cause: err,
    ...(code !== undefined ? { responseCode: code } : {}),
    ...(enhancedCode ? { enhancedCode } : {}),
  };
  const command = e.command ?? '';
  if (code === undefined || code < 400) {
    if (e.code === 'EAUTH' || e.code === 'ENOAUTH' || e.code === 'ECONFIG')
      return new PermanentMailError(text, { ...base, scope: 'server' });
    if (e.code === 'EENVELOPE') return new PermanentMailError(text, { ...base, scope: 'recipient' });
    if (e.code === 'EMESSAGE' || e.code === 'EFILEACCESS' || e.code === 'EURLACCESS')
      return new PermanentMailError(text, { ...base, scope: 'message' });
    // Unknown and connection-level failures retry: guessing "permanent" would drop a subscriber.
    return new TransientMailError(text, { ...base, scope: 'server' });
  }
  // 421 means the server is closing the channel, at whatever stage it is said.
  if (code === 421 || SERVER_COMMANDS.test(command) || CONNECTION_CODES.has(e.code ?? '')) {
    return code >= 500 && code !== 503
      ? new PermanentMailError(text, { ...base, scope: 'server' })
      : new TransientMailError(text, { ...base, scope: 'server' });
  }
  if (code >= 500 && code !== 503) {
    const recipient =
      /^RCPT/i.test(command) || /^5\.1\./.test(enhancedCode ?? '') || /^5\.2\.[12]/.test(enhancedCode ?? '');
    return new PermanentMailError(text, { ...base, scope: recipient ? 'recipient' : 'message' });
  }
  return new TransientMailError(text, { ...base, scope: 'message' });
}

function dkimOptions(config: Config) {
  const { dkimDomain, dkimSelector, dkimPrivateKey } = config;
  if (!dkimDomain && !dkimSelector && !dkimPrivateKey) return undefined;
  if (!dkimDomain || !dkimSelector || !dkimPrivateKey)
    throw new InvalidInputError('DKIM needs dkimDomain, dkimSelector and dkimPrivateKey together');
  const privateKey = dkimPrivateKey.includes('-----BEGIN')
    ? dkimPrivateKey
    : readFileSync(dkimPrivateKey, 'utf8');
  return { domainName: dkimDomain, keySelector: dkimSelector, privateKey };
}

/** nodemailer pool options from config; exported so `paperboy doctor` reports what is used. */
export function smtpOptions(config: Config) {
  if (!config.smtpUrl) throw new InvalidInputError('smtpUrl is not set');
  const dkim = dkimOptions(config);
  return {
    url: config.smtpUrl,
    pool: true as const,
    maxConnections: config.smtpPoolSize,
    // Fresh connections now and then, so one server-side limit per session never stalls a run.
    maxMessages: 500,
    connectionTimeout: config.smtpTimeoutMs,
    greetingTimeout: config.smtpTimeoutMs,
    socketTimeout: config.smtpTimeoutMs,
    requireTLS: config.smtpStartTls === 'required',
    ignoreTLS: config.smtpStartTls === 'off',
    tls: { rejectUnauthorized: config.smtpTlsRejectUnauthorized },
    ...(dkim ? { dkim } : {}),
  };
}

export class SmtpMailer implements Mailer {
  readonly kind = 'smtp' as const;
  readonly #transport: ReturnType<typeof nodemailer.createTransport>;
  /** The shared config: siteName and mailFrom are read per mail (senderOf). */
  readonly #config: Config;
  readonly #window: SendWindow | null;

  constructor(config: Config) {
    this.#transport = nodemailer.createTransport(smtpOptions(config));
    this.#config = config;
    this.#window = config.smtpRateLimit > 0 ? new SendWindow(config.smtpRateLimit) : null;
    // A pool emits 'error' for a connection that fails while idle; the next send reports it.
    this.#transport.on('error', () => {});
  }

  async send(m: MailMessage): Promise<SendResult> {
    const options = toComposerOptions(m, senderOf(this.#config));
    try {
      const send = () => this.#transport.sendMail(options);
      const info = await (this.#window ? this.#window.run(send) : send());
      const accepted = (info.accepted as unknown[]).length > 0 && (info.rejected as unknown[]).length === 0;
      return { messageId: options.messageId, accepted };
    } catch (err) {
      throw classifySmtpError(err);
    }
  }

  async verify(): Promise<void> {
    try {
      await this.#transport.verify();
    } catch (err) {
      throw classifySmtpError(err);
    }
  }

  async close(): Promise<void> {
    this.#window?.close();
    this.#transport.close();
  }
}
