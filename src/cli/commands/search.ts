/** `paperboy search "<query>"`: keyword search from the shell, JSON for scripts. */
import type { Config } from '../../config/config.ts';
import { openStore } from '../../db/open.ts';
import { keywordSearch } from '../../search/keyword.ts';
import { EXIT, UsageError } from '../usage.ts';

export async function searchCommand(
  config: Config,
  args: string[],
  flags: { json: boolean; limit?: string },
): Promise<number> {
  const q = args.join(' ').trim();
  if (!q) throw new UsageError('search needs a query');
  const limit = flags.limit === undefined ? 10 : Number(flags.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new UsageError('--limit must be an integer 1..1000');
  const store = await openStore({ dataDir: config.data, databaseUrl: config.databaseUrl });
  try {
    const hits = await keywordSearch(store, q, limit);
    if (flags.json) {
      process.stdout.write(
        `${JSON.stringify(hits.map((h) => ({ id: h.arxivId, title: h.title, score: h.score })))}\n`,
      );
    } else if (hits.length === 0) process.stdout.write('no results\n');
    else for (const h of hits) process.stdout.write(`${h.arxivId}  ${h.title}\n`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
