/**
 * `paperboy demo [--papers N]` loads a generated demo corpus (papers, readers, featured days,
 * votes, comments over the past weeks), every record marked; `paperboy demo --remove` deletes
 * exactly those records. For trying paperboy on a machine without internet access.
 */
import type { Config } from '../../config/config.ts';
import { loadDemo, removeDemo } from '../../demo/demo.ts';
import { InvalidInputError } from '../../errors.ts';
import { log } from '../../shared/log.ts';
import { PasswordHasher } from '../../users/password.ts';
import { openConfigured } from '../store.ts';
import { EXIT, UsageError } from '../usage.ts';

export async function demoCommand(
  loaded: Config,
  args: string[],
  flags: { json: boolean; remove: boolean; papers?: string | undefined },
): Promise<number> {
  if (args.length) throw new UsageError('usage: paperboy demo [--papers N] | paperboy demo --remove');
  const papers = flags.papers === undefined ? undefined : Number(flags.papers);
  if (papers !== undefined && (!Number.isInteger(papers) || papers < 10 || papers > 10_000))
    throw new UsageError('--papers must be a whole number from 10 to 10000');
  // The demo reads no saved setting, but opens like every command (refused ones are reported).
  const { store } = await openConfigured(loaded);
  const out = (o: object, text: string) =>
    process.stdout.write(flags.json ? `${JSON.stringify(o)}\n` : `${text}\n`);
  try {
    if (flags.remove) {
      const r = await removeDemo(store);
      out(
        { removed: r },
        r.papers || r.users
          ? `removed the demo data: ${r.papers} papers and ${r.users} demo readers (with their votes, comments and featured days)`
          : 'no demo data to remove',
      );
      return EXIT.ok;
    }
    let last = '';
    const r = await loadDemo(
      store,
      new PasswordHasher(),
      papers === undefined ? {} : { papers },
      (done, total, what) => {
        const line = `demo: ${what} ${done}/${total}`;
        if (!flags.json && line !== last) log.info(line, { done, total });
        last = line;
      },
    );
    out(
      { loaded: r },
      `loaded demo data: ${r.papers} papers, ${r.readers} readers, ${r.featured} featured, ${r.votes} votes, ${r.comments} comments.\nEvery page shows a "demo data" banner; \`paperboy demo --remove\` deletes exactly these records.`,
    );
    return EXIT.ok;
  } catch (err) {
    if (!(err instanceof InvalidInputError)) throw err;
    process.stderr.write(`paperboy: ${err.message}\n`);
    return EXIT.failure;
  } finally {
    await store.close();
  }
}
