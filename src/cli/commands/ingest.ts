/** `paperboy ingest <source>`: one harvest by hand, with progress, a run record and exit codes. */
import type { Config } from '../../config/config.ts';
import { InvalidInputError } from '../../errors.ts';
import { describeCounts, runIngest } from '../../ingest/runner.ts';
import { createSource, type SourceRequest, upstreamClient } from '../../ingest/setup.ts';
import { SOURCE_NAMES, type SourceName } from '../../ingest/source.ts';
import { isDay } from '../../ingest/sources/oai.ts';
import { isCategoryList } from '../../ingest/sources/rss.ts';
import { LeaseBusyError } from '../../jobs/lease.ts';
import { createProgress } from '../progress.ts';
import { openConfigured } from '../store.ts';
import { EXIT, UsageError } from '../usage.ts';

const MAX_PRINTED_ISSUES = 200;

export interface IngestFlags {
  json: boolean;
  dryRun: boolean;
  since?: string | undefined;
  until?: string | undefined;
  ids?: string | undefined;
  categories?: string | undefined;
  query?: string | undefined;
  set?: string | undefined;
  format?: string | undefined;
}

/** Which flags each source understands; anything else is a usage error, not silently ignored. */
const ACCEPTS: Record<SourceName, (keyof IngestFlags)[]> = {
  oai: ['since', 'until', 'set', 'format'],
  'arxiv-api': ['since', 'ids', 'categories', 'query'],
  rss: ['categories'],
  'daily-papers': ['since'],
};

export function sourceRequest(name: SourceName, f: IngestFlags): SourceRequest {
  for (const key of ['since', 'until', 'ids', 'categories', 'query', 'set', 'format'] as const) {
    if (f[key] !== undefined && !ACCEPTS[name].includes(key))
      throw new UsageError(`ingest ${name} does not take --${key}`);
  }
  for (const d of [f.since, f.until])
    if (d !== undefined && !isDay(d)) throw new UsageError(`not a date (YYYY-MM-DD): ${d}`);
  if (f.categories !== undefined && !isCategoryList(f.categories)) {
    throw new UsageError(
      `--categories takes arXiv categories joined by +, like cs.LG+cs.CV (got ${f.categories})`,
    );
  }
  if (f.format !== undefined && f.format !== 'arXiv' && f.format !== 'arXivRaw') {
    throw new UsageError('--format is arXivRaw (default) or arXiv');
  }
  if (name === 'arxiv-api' && !f.ids && !f.categories && !f.query) {
    throw new UsageError('ingest arxiv-api needs --ids, --categories or --query');
  }
  return {
    since: f.since ?? null,
    until: f.until ?? null,
    ...(f.ids ? { ids: f.ids.split(/[\s,]+/).filter(Boolean) } : {}),
    categories: f.categories ?? null,
    query: f.query ?? null,
    set: f.set ?? null,
    ...(f.format ? { format: f.format as 'arXiv' | 'arXivRaw' } : {}),
  };
}

export async function ingestCommand(loaded: Config, args: string[], flags: IngestFlags): Promise<number> {
  const name = args[0] as SourceName | undefined;
  if (!name || args.length > 1 || !SOURCE_NAMES.includes(name)) {
    throw new UsageError(`ingest needs one source: ${SOURCE_NAMES.join(', ')}`);
  }
  const request = sourceRequest(name, flags);
  // The followed categories saved on /admin/settings are part of the config an rss run reads.
  const { store, config } = await openConfigured(loaded);
  const http = upstreamClient(config);
  let source: ReturnType<typeof createSource>;
  try {
    source = createSource(name, config, request);
  } catch (err) {
    await store.close();
    if (err instanceof RangeError || err instanceof InvalidInputError) throw new UsageError(err.message);
    throw err;
  }
  const progress = createProgress(`ingest ${name}`);
  let printed = 0;
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const summary = await runIngest(source, {
      store,
      http,
      dryRun: flags.dryRun,
      signal: controller.signal,
      onIssue: (i) => {
        if (printed++ < MAX_PRINTED_ISSUES) progress.line(`${name}: ${i.where}: ${i.reason}`);
      },
      onProgress: (p) => progress.update(p.done, p.total ?? 0, `${p.detail}; ${describeCounts(p.counts)}`),
    });
    progress.stop();
    if (printed > MAX_PRINTED_ISSUES)
      process.stderr.write(`… ${printed - MAX_PRINTED_ISSUES} more issues not shown\n`);
    if (flags.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else {
      const run = summary.runId === null ? '' : ` (run #${summary.runId}, see /admin/ingest)`;
      process.stdout.write(`ingest ${name}: ${summary.status}: ${summary.message}${run}\n`);
    }
    if (summary.status === 'ok') return EXIT.ok;
    if (summary.status === 'partial') return EXIT.partial;
    return EXIT.failure;
  } catch (err) {
    if (err instanceof LeaseBusyError) {
      progress.stop();
      process.stderr.write(`paperboy: ${err.message}\n`);
      return EXIT.failure;
    }
    throw err;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await store.close();
  }
}
