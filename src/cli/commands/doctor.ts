/**
 * `paperboy doctor`: checks what the instance needs, each with a one-line verdict — config (already
 * valid, or main.ts would have stopped), the database and its migrations, the keyword index, the
 * saved settings (in force, or which are refused), and SMTP with the config in force (connects
 * and, when credentials are set, authenticates; or says mail goes to files).
 */
import { openStore } from '../../app/open.ts';
import type { Store } from '../../app/store.ts';
import type { Config, RefusedSetting } from '../../config/config.ts';
import { loadMigrations } from '../../db/migrate.ts';
import { smtpOptions } from '../../digest/mailer.smtp.ts';
import { createMailer, mailRefusal } from '../../digest/mailer.ts';
import { searchPapers } from '../../search/service.ts';
import { describeRefused, effectiveConfig, followedCategories } from '../../setup/settings.ts';
import { EXIT } from '../usage.ts';

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

const redact = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

async function smtpCheck(config: Config): Promise<Check> {
  const refused = mailRefusal(config);
  if (refused) return { name: 'smtp', ok: false, detail: refused };
  if (!config.smtpUrl)
    return {
      name: 'smtp',
      ok: true,
      detail: `smtpUrl not set: mail is written to ${config.data}/mail/*.eml`,
    };
  const mailer = createMailer(config);
  try {
    const o = smtpOptions(config);
    await mailer.verify();
    return {
      name: 'smtp',
      ok: true,
      detail: `${redact(config.smtpUrl)} answered (pool ${o.maxConnections}, ${config.smtpRateLimit || 'unlimited'} msg/s, STARTTLS ${config.smtpStartTls}${o.dkim ? `, DKIM ${config.dkimSelector}._domainkey.${config.dkimDomain}` : ''})`,
    };
  } catch (err) {
    return { name: 'smtp', ok: false, detail: `${redact(config.smtpUrl)}: ${(err as Error).message}` };
  } finally {
    await mailer.close();
  }
}

/** The database checks, and the config in force (the loaded one when the database fails). */
async function storeChecks(loaded: Config): Promise<{ checks: Check[]; config: Config }> {
  let store: Store;
  let config: Config;
  let refused: RefusedSetting[];
  try {
    store = await openStore({ dataDir: loaded.data, databaseUrl: loaded.databaseUrl });
  } catch (err) {
    return { checks: [{ name: 'database', ok: false, detail: (err as Error).message }], config: loaded };
  }
  try {
    ({ config, refused } = await effectiveConfig(store, loaded));
  } catch (err) {
    await store.close();
    throw err;
  }
  try {
    const applied = await store.migrations();
    const known = loadMigrations(store.dialect).map((m) => m.version);
    const missing = known.filter((v) => !applied.includes(v));
    const papers = await store.papers.count();
    const subscribers = await store.digest.countByStatus();
    const checks: Check[] = [
      {
        name: 'database',
        ok: missing.length === 0,
        detail: `${store.dialect}${config.databaseUrl ? ` ${redact(config.databaseUrl)}` : ` ${config.data}`}; migrations ${applied.join(', ')}${missing.length ? `; MISSING ${missing.join(', ')}` : ''}; ${papers} papers; subscribers ${JSON.stringify(subscribers)}`,
      },
    ];
    try {
      // The search page's keyword path, in process like `paperboy search` (a one-shot command).
      const { hits } = await searchPapers(
        { store, config: { ...config, inProcess: true } },
        { q: 'the', pageSize: 1, mode: 'keyword' },
      );
      checks.push({
        name: 'index',
        ok: true,
        detail:
          papers === 0
            ? 'keyword index empty (no papers yet)'
            : `keyword index answers (${hits.length} hit for a probe)`,
      });
    } catch (err) {
      checks.push({ name: 'index', ok: false, detail: (err as Error).message });
    }
    checks.push({
      name: 'settings',
      ok: refused.length === 0,
      detail: refused.length
        ? refused.map(describeRefused).join('; ')
        : `in force: site name "${config.siteName}", mail from ${config.mailFrom}, following ${followedCategories(config).join(' ') || 'no categories'}`,
    });
    return { checks, config };
  } finally {
    await store.close();
  }
}

export async function doctorCommand(loaded: Config, flags: { json: boolean }): Promise<number> {
  const db = await storeChecks(loaded);
  const config = db.config;
  const checks: Check[] = [
    {
      name: 'config',
      ok: true,
      detail: `data ${config.data}; base URL ${config.baseUrl}; digests at ${config.digestTime} ${config.digestTimeZone}`,
    },
    ...db.checks,
    await smtpCheck(config),
  ];
  if (flags.json) process.stdout.write(`${JSON.stringify(checks)}\n`);
  else
    for (const c of checks)
      process.stdout.write(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name.padEnd(8)} ${c.detail}\n`);
  return checks.every((c) => c.ok) ? EXIT.ok : EXIT.failure;
}
