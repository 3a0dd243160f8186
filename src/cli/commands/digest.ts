/**
 * `paperboy digest send|preview|bounce|export|erase`. `send` plans and sends one slot's digests
 * (idempotent: re-running after a crash finishes the job; exit 3 when some digests failed or wait
 * for a retry); `preview` renders one subscriber's digest to files without writing the outbox.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { digestAlerts } from '../../app/alerts.ts';
import { createForYou } from '../../app/foryou.ts';
import type { Store } from '../../app/store.ts';
import type { Config } from '../../config/config.ts';
import { processReport } from '../../digest/bounce.ts';
import { createMailer, normalizeAddress } from '../../digest/mailer.ts';
import { runDigest, slotFor } from '../../digest/run.ts';
import { eraseSubscriber, exportSubscriber } from '../../digest/subscriptions.ts';
import { log } from '../../shared/log.ts';
import { openConfigured } from '../store.ts';
import { EXIT, UsageError } from '../usage.ts';

export interface DigestFlags {
  json: boolean;
  dryRun: boolean;
  to?: string | undefined;
  period?: string | undefined;
  out?: string | undefined;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The store, and the config in force (saved settings included: sender, site name, SMTP). */
async function withStore<T>(loaded: Config, fn: (store: Store, config: Config) => Promise<T>): Promise<T> {
  const { store, config } = await openConfigured(loaded);
  try {
    return await fn(store, config);
  } finally {
    await store.close();
  }
}

async function send(loaded: Config, flags: DigestFlags): Promise<number> {
  const only = flags.to ? normalizeAddress(flags.to) : undefined;
  return withStore(loaded, async (store, config) => {
    const slot = slotFor(config, flags.period, new Date());
    const mailer = createMailer(config);
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    try {
      const r = await runDigest(store, config, {
        slot,
        trigger: 'cli',
        mailer,
        forYou: createForYou(store, config, { waitForVectors: true }),
        alerts: digestAlerts(store, config),
        dryRun: flags.dryRun,
        signal: stop.signal,
        ...(only ? { only } : {}),
        log: (m) => log.info(m),
        ...(flags.dryRun && !flags.json
          ? { onPreview: (s, mail) => process.stdout.write(`${s.email}\t${mail.subject}\n`) }
          : {}),
      });
      const summary = {
        slot: slot.day,
        dryRun: flags.dryRun,
        ...r.plan,
        ...r.send,
        pending: r.pending,
        runId: r.runId,
      };
      if (flags.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
      else
        process.stdout.write(
          `digest ${slot.day}${flags.dryRun ? ' (dry run)' : ''}: ${r.plan.due} due, ${r.plan.planned} planned, ${r.plan.existing} already planned, ` +
            `${r.plan.skippedEmpty} with nothing new; ${r.send.sent} sent, ${r.send.failed} failed, ${r.send.expired} expired, ` +
            `${r.send.skipped} skipped, ${r.pending} waiting for a retry\n`,
        );
      if (only && r.plan.due === 0)
        process.stderr.write(`paperboy: ${only} is not a confirmed subscriber due on ${slot.day}\n`);
      return r.send.failed > 0 || r.pending > 0 ? EXIT.partial : EXIT.ok;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await mailer.close();
    }
  });
}

async function preview(loaded: Config, args: string[], flags: DigestFlags): Promise<number> {
  const email = args[0] ? normalizeAddress(args[0]) : '';
  if (!email) throw new UsageError('digest preview needs an email address');
  return withStore(loaded, async (store, config) => {
    const slot = slotFor(config, flags.period, new Date());
    const sub = await store.digest.subscriberByEmail(email);
    if (!sub) throw new UsageError(`no subscriber ${email}`);
    // Previewing is for any subscriber and day: force them due and include an empty digest.
    const forced = { ...config, digestSkipEmpty: false };
    let written: string[] = [];
    const base = flags.out ?? path.join(config.data, 'previews', `digest-${sub.id}-${slot.day}`);
    await runDigest(store, forced, {
      slot,
      trigger: 'cli',
      mailer: createMailer(config),
      forYou: createForYou(store, config, { waitForVectors: true }),
      alerts: digestAlerts(store, config),
      dryRun: true,
      only: email,
      onPreview: (_s, mail) => {
        mkdirSync(path.dirname(path.resolve(base)), { recursive: true });
        const stem = base.replace(/\.html?$/, '');
        writeFileSync(`${stem}.html`, mail.html);
        writeFileSync(`${stem}.txt`, `Subject: ${mail.subject}\n\n${mail.text}`);
        written = [`${stem}.html`, `${stem}.txt`];
      },
    });
    if (written.length === 0) {
      process.stderr.write(
        `paperboy: ${email} (${sub.status}, ${sub.frequency}) gets no digest on ${slot.day}\n`,
      );
      return EXIT.failure;
    }
    process.stdout.write(`${written.join('\n')}\n`);
    return EXIT.ok;
  });
}

async function bounce(loaded: Config, args: string[], flags: DigestFlags): Promise<number> {
  if (args.length === 0) throw new UsageError('digest bounce needs one or more .eml files (or - for stdin)');
  return withStore(loaded, async (store, config) => {
    for (const file of args) {
      const raw = file === '-' ? readFileSync(0) : readFileSync(file);
      const r = await processReport(store, config, raw);
      process.stdout.write(flags.json ? `${JSON.stringify({ file, ...r })}\n` : `${file}: ${r.outcome}\n`);
    }
    return EXIT.ok;
  });
}

async function exportOrErase(loaded: Config, action: 'export' | 'erase', args: string[]): Promise<number> {
  const email = args[0] ? normalizeAddress(args[0]) : '';
  if (!email) throw new UsageError(`digest ${action} needs an email address`);
  return withStore(loaded, async (store, config) => {
    const sub = await store.digest.subscriberByEmail(email);
    if (!sub) {
      process.stderr.write(`paperboy: no subscriber ${email}\n`);
      return EXIT.failure;
    }
    if (action === 'export')
      process.stdout.write(`${JSON.stringify(await exportSubscriber({ store, config }, sub), null, 2)}\n`);
    else {
      await eraseSubscriber({ store, config }, sub);
      process.stdout.write(`erased ${email}; a hashed suppression entry remains\n`);
    }
    return EXIT.ok;
  });
}

export async function digestCommand(config: Config, args: string[], flags: DigestFlags): Promise<number> {
  const [sub, ...rest] = args;
  if (flags.period !== undefined && !DAY.test(flags.period))
    throw new UsageError('--period must be YYYY-MM-DD');
  switch (sub) {
    case 'send':
      return send(config, flags);
    case 'preview':
      return preview(config, rest, flags);
    case 'bounce':
      return bounce(config, rest, flags);
    case 'export':
    case 'erase':
      return exportOrErase(config, sub, rest);
    default:
      throw new UsageError(`digest needs send, preview, bounce, export or erase (got ${sub ?? 'nothing'})`);
  }
}
