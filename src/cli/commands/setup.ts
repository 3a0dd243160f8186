/** `paperboy setup`: prints the one-time setup link again (or says setup is done). */
import type { Config } from '../../config/config.ts';
import { setupUrl } from '../../setup/token.ts';
import { openConfigured } from '../store.ts';
import { EXIT, UsageError } from '../usage.ts';

export async function setupCommand(loaded: Config, args: string[]): Promise<number> {
  if (args.length) throw new UsageError('usage: paperboy setup');
  const { store, config } = await openConfigured(loaded);
  try {
    const url = await setupUrl(store, config.baseUrl!);
    if (url) process.stdout.write(`Open this link to set up paperboy (it works once):\n\n  ${url}\n`);
    else process.stdout.write('Setup is done: an admin account exists. Log in at /login.\n');
    return EXIT.ok;
  } finally {
    await store.close();
  }
}
