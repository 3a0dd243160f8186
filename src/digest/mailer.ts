/**
 * The one way paperboy sends mail. Two implementations: SMTP (nodemailer, pooled) when
 * `smtpUrl` is set, else `.eml` files under `<data>/mail/` for development.
 */
import type { Config } from '../config/config.ts';
import type { Mailer } from './mail.ts';
import { FileMailer } from './mailer.file.ts';
import { SmtpMailer } from './mailer.smtp.ts';

export * from './mail.ts';

/** SMTP when `smtpUrl` is configured; otherwise `.eml` files under `<data>/mail/`. */
export function createMailer(config: Config): Mailer {
  return config.smtpUrl ? new SmtpMailer(config) : new FileMailer(config);
}
