/**
 * The one way paperboy sends mail. Two implementations: SMTP (nodemailer, pooled) when
 * `smtpUrl` is set, else `.eml` files under `<data>/mail/` for development — refused in
 * PostgreSQL mode unless `mailToFiles` says files are fine: with several instances each would
 * keep the mail of the requests it served on its own disk (issue 18 item 5).
 */
import type { Config } from '../config/config.ts';
import { UpstreamUnavailableError } from '../errors.ts';
import type { Mailer } from './mail.ts';
import { FileMailer } from './mailer.file.ts';
import { SmtpMailer } from './mailer.smtp.ts';

export * from './mail.ts';

/** Mail that cannot be sent as configured (503 on the web, a failed job or command elsewhere). */
export class MailNotConfiguredError extends UpstreamUnavailableError {
  override name = 'MailNotConfiguredError';
}

/** Why mail is refused with this config, or null when it can be sent. */
export function mailRefusal(
  config: Pick<Config, 'smtpUrl' | 'databaseUrl' | 'mailToFiles' | 'data'>,
): string | null {
  if (config.smtpUrl || !config.databaseUrl || config.mailToFiles) return null;
  return (
    'mail is refused: PostgreSQL mode (databaseUrl) without smtpUrl would write each mail to files ' +
    `under ${config.data}/mail on whichever instance sent it. Set smtpUrl (PAPERBOY_SMTP_URL, or ` +
    '/admin/settings), or mailToFiles=true (PAPERBOY_MAIL_TO_FILES) if files there are what you want.'
  );
}

/** SMTP when `smtpUrl` is configured; otherwise `.eml` files under `<data>/mail/` (see mailRefusal). */
export function createMailer(config: Config): Mailer {
  if (config.smtpUrl) return new SmtpMailer(config);
  const refused = mailRefusal(config);
  if (refused) throw new MailNotConfiguredError(refused);
  return new FileMailer(config);
}
