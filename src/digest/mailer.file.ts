/**
 * Development mailer: each message becomes an `.eml` file under `<data>/mail/`, composed by the
 * same nodemailer composer as SMTP would use. Written to a temp name and renamed, so a reader never
 * sees half a message.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import nodemailer from 'nodemailer';
import type { Config } from '../config/config.ts';
import { log } from '../shared/log.ts';
import { type Mailer, type MailMessage, type SendResult, senderOf, toComposerOptions } from './mail.ts';

let announced = false;

export class FileMailer implements Mailer {
  readonly kind = 'file' as const;
  readonly dir: string;
  /** The shared config: siteName and mailFrom are read per mail (senderOf). */
  readonly #config: Config;
  readonly #transport = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'windows',
  });
  #seq = 0;

  constructor(config: Config) {
    this.dir = path.join(config.data, 'mail');
    this.#config = config;
    if (!announced) {
      announced = true;
      log.warn(`smtpUrl is not set; mail is written to ${this.dir}/*.eml`);
    }
  }

  async send(m: MailMessage): Promise<SendResult> {
    const options = toComposerOptions(m, senderOf(this.#config));
    const info = await this.#transport.sendMail(options);
    mkdirSync(this.dir, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const safeId = options.messageId.replace(/[^A-Za-z0-9.@_-]/g, '');
    const file = path.join(this.dir, `${stamp}-${process.pid}-${this.#seq++}-${safeId}.eml`);
    writeFileSync(`${file}.tmp`, info.message as Buffer);
    renameSync(`${file}.tmp`, file);
    return { messageId: options.messageId, accepted: true };
  }

  async verify(): Promise<void> {
    mkdirSync(this.dir, { recursive: true });
    const probe = path.join(this.dir, `.probe-${process.pid}`);
    writeFileSync(probe, '');
    rmSync(probe);
  }

  async close(): Promise<void> {
    this.#transport.close();
  }
}
