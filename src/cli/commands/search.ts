/**
 * `paperboy search "<query>"`: the same search as the site and the API (query language, hybrid
 * keyword + meaning once `paperboy reindex` has run), from the shell; JSON for scripts. Notices
 * (keyword only, an arXiv id typed) go to stderr so `--json` output stays one parseable line.
 */
import type { Config } from '../../config/config.ts';
import { matchWhy } from '../../search/explain.ts';
import { semanticFor } from '../../search/semantic.ts';
import { searchPapers } from '../../search/service.ts';
import { openConfigured } from '../store.ts';
import { EXIT, UsageError } from '../usage.ts';

/** searchPapers serves at most this many hits a page. */
const MAX_LIMIT = 100;

export async function searchCommand(
  loaded: Config,
  args: string[],
  flags: { json: boolean; limit?: string },
): Promise<number> {
  const q = args.join(' ').trim();
  if (!q) throw new UsageError('search needs a query');
  const limit = flags.limit === undefined ? 10 : Number(flags.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    throw new UsageError(`--limit must be an integer 1..${MAX_LIMIT}`);
  const { store, config } = await openConfigured(loaded);
  try {
    // A one-shot process: wait for the vector index (a server answers by keyword meanwhile).
    await (await semanticFor(store, config)).open();
    const r = await searchPapers({ store, config: { ...config, inProcess: true } }, { q, pageSize: limit });
    if (r.error) {
      process.stderr.write(`paperboy: ${r.error.message} (at character ${r.error.position + 1})\n`);
      return EXIT.usage;
    }
    if (r.stopped) {
      process.stderr.write(`paperboy: ${r.stopped} (PAPERBOY_SEARCH_BUDGET_MS sets the budget)\n`);
      return EXIT.failure;
    }
    if (r.notice) process.stderr.write(`${r.notice}\n`);
    if (r.didYouMean?.inLibrary && !flags.json)
      process.stderr.write(`arXiv id ${r.didYouMean.arxivId} is in the library\n`);
    if (flags.json) {
      const rows = r.hits.map((h) => ({
        id: h.arxivId,
        title: h.title,
        score: h.score,
        matchedBy: h.matchedBy,
        ...(h.match ? { match: h.match } : {}),
      }));
      process.stdout.write(`${JSON.stringify(rows)}\n`);
    } else if (r.hits.length === 0) process.stdout.write('no results\n');
    else
      for (const h of r.hits)
        process.stdout.write(`${h.arxivId}  ${h.title.replace(/\s+/g, ' ')}  (${matchWhy(h)})\n`);
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
