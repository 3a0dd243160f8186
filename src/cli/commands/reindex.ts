/**
 * `paperboy reindex [--retrain] [--json]`: builds the semantic side of search. Trains the built-in
 * embedder on a sample of the library (or loads the configured transformers model), embeds every
 * paper without an up-to-date vector, and writes the vector index under <data>/search/. Safe to
 * re-run: without --retrain it keeps the model and only embeds what is new or changed.
 */
import type { Config } from '../../config/config.ts';
import { reindex } from '../../search/reindex.ts';
import { createProgress, type Progress } from '../progress.ts';
import { openConfigured } from '../store.ts';
import { EXIT, UsageError } from '../usage.ts';

export async function reindexCommand(
  loaded: Config,
  args: string[],
  flags: { json: boolean; retrain: boolean },
): Promise<number> {
  if (args.length > 0) throw new UsageError('reindex takes no arguments');
  const { store, config } = await openConfigured(loaded);
  let phase = '';
  let bar: Progress | null = null;
  try {
    const report = await reindex(store, config, {
      retrain: flags.retrain,
      onProgress: (p, done, total) => {
        if (p !== phase) {
          bar?.stop();
          phase = p;
          bar = createProgress(`reindex: ${p}`);
        }
        bar!.update(done, total, total > 0 ? `${done}/${total}` : `${done}`);
      },
    });
    (bar as Progress | null)?.stop();
    const keyword = await store.maintainKeywordIndex();
    if (keyword && !flags.json) process.stdout.write(`${keyword}\n`);
    const result = { ...report, maxRssBytes: process.resourceUsage().maxRSS * 1024 };
    if (flags.json) process.stdout.write(`${JSON.stringify(result)}\n`);
    else
      process.stdout.write(
        `reindexed with ${report.model}${report.trained ? ' (trained now)' : ''}: ${report.embedded} papers embedded, ` +
          `${report.vectors} vectors, ${report.graph ? 'HNSW graph' : 'exact scan'} ` +
          `(model ${report.trainSeconds.toFixed(1)} s, embedding ${report.embedSeconds.toFixed(1)} s, index ${report.indexSeconds.toFixed(1)} s)\n`,
      );
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
