/** `paperboy import <file>`: bulk snapshot import with progress, rejects report and exit codes. */
import { existsSync } from 'node:fs';
import type { Config } from '../../config/config.ts';
import { importSnapshot } from '../../ingest/snapshot/import.ts';
import { log } from '../../shared/log.ts';
import { createProgress, type Progress } from '../progress.ts';
import { openConfigured } from '../store.ts';
import { EXIT, UsageError } from '../usage.ts';

/** Only the first rejects are printed one by one; the rest are counted in the summary. */
const MAX_PRINTED_REJECTS = 200;

export async function importCommand(
  loaded: Config,
  args: string[],
  flags: { json: boolean },
): Promise<number> {
  const file = args[0];
  if (!file || args.length > 1) throw new UsageError('import needs exactly one <file>');
  if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
  const { store, config } = await openConfigured(loaded);
  const progress = createProgress('import');
  // The final keyword-index merge has no known step count: a counter of its own.
  let merging: Progress | null = null;
  let printed = 0;
  let printedWarnings = 0;
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const summary = await importSnapshot(store, file, {
      batchSize: config.importBatch,
      signal: controller.signal,
      onResume: (line) => log.info(`import: resuming after line ${line} (saved cursor)`),
      onMergeStep: (step) => {
        if (!merging) {
          progress.stop();
          merging = createProgress('import: merging the keyword index');
        }
        merging.update(step, 0, `${step} steps`);
      },
      onReject: (r) => {
        if (printed++ < MAX_PRINTED_REJECTS)
          (merging ?? progress).line(`${file}:${r.line}: rejected: ${r.reason}`);
      },
      onWarning: (w) => {
        if (printedWarnings++ < MAX_PRINTED_REJECTS)
          (merging ?? progress).line(`${file}:${w.line}: warning: ${w.reason}`);
      },
      onProgress: (p) =>
        progress.update(
          p.bytesRead,
          p.totalBytes,
          `${p.lines} lines, ${p.inserted} new, ${p.updated} updated, ${p.unchanged} unchanged, ${p.rejected} rejected, ${p.warnings} warnings`,
        ),
    });
    (merging ?? progress).stop();
    if (printed > MAX_PRINTED_REJECTS) {
      process.stderr.write(`… ${printed - MAX_PRINTED_REJECTS} more rejected lines not shown\n`);
    }
    if (printedWarnings > MAX_PRINTED_REJECTS) {
      process.stderr.write(`… ${printedWarnings - MAX_PRINTED_REJECTS} more warnings not shown\n`);
    }
    const result = { ...summary, maxRssBytes: process.resourceUsage().maxRSS * 1024 };
    if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else {
      process.stdout.write(
        `imported ${summary.file}: ${summary.inserted} inserted, ${summary.updated} updated, ` +
          `${summary.unchanged} unchanged, ${summary.rejected} rejected, ` +
          `${summary.warnings} ${summary.warnings === 1 ? 'warning' : 'warnings'} (${summary.lines} lines, ` +
          `${summary.seconds.toFixed(1)} s${summary.resumedFromLine ? `, resumed after line ${summary.resumedFromLine}` : ''})\n`,
      );
    }
    if (controller.signal.aborted) {
      log.warn('import: interrupted; run the same command again to resume');
      return EXIT.failure;
    }
    return summary.rejected > 0 ? EXIT.partial : EXIT.ok;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await store.close();
  }
}
