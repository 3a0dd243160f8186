/**
 * `paperboy doctor`: checks what the instance needs, each with a one-line verdict — config (already
 * valid, or main.ts would have stopped), the database and its migrations, SMTP (connects and, when
 * credentials are set, authenticates; or says mail goes to files), and the keyword index.
 */
import type { Config } from '../../config/config.ts';
import { loadMigrations } from '../../db/migrate.ts';
import { openStore } from '../../db/open.ts';
import type { Store } from '../../db/store.ts';
import { smtpOptions } from '../../digest/mailer.smtp.ts';
import { createMailer } from '../../digest/mailer.ts';
import { searchPapers } from '../../search/service.ts';
import { EXIT } from '../usage.ts';

interface Check {
  name: string;
  ok: boolean;
  detail: string;
}

const redact = (url: string) => url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');

async function smtpCheck(config: Config): Promise<Check> {
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

async function storeChecks(config: Config): Promise<Check[]> {
  let store: Store;
  try {
    store = await openStore({ dataDir: config.data, databaseUrl: config.databaseUrl });
  } catch (err) {
    return [{ name: 'database', ok: false, detail: (err as Error).message }];
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
    return checks;
  } finally {
    await store.close();
  }
}

export async function doctorCommand(config: Config, flags: { json: boolean }): Promise<number> {
  const checks: Check[] = [
    {
      name: 'config',
      ok: true,
      detail: `data ${config.data}; base URL ${config.baseUrl}; digests at ${config.digestTime} ${config.digestTimeZone}`,
    },
    ...(await storeChecks(config)),
    await smtpCheck(config),
  ];
  if (flags.json) process.stdout.write(`${JSON.stringify(checks)}\n`);
  else
    for (const c of checks)
      process.stdout.write(`${c.ok ? 'ok  ' : 'FAIL'} ${c.name.padEnd(8)} ${c.detail}\n`);
  return checks.every((c) => c.ok) ? EXIT.ok : EXIT.failure;
}
