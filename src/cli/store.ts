/**
 * How every command opens its store: the database named by the loaded config, then the effective
 * config with the settings saved on /admin/settings laid in at their precedence (flags > env >
 * saved > file > defaults; src/setup/settings.ts `effectiveConfig`). A saved value the schema
 * refuses is reported on stderr and ignored.
 */
import { openStore } from '../app/open.ts';
import type { Store } from '../app/store.ts';
import type { Config } from '../config/config.ts';
import { describeRefused, effectiveConfig } from '../setup/settings.ts';

export async function openConfigured(loaded: Config): Promise<{ store: Store; config: Config }> {
  const store = await openStore({ dataDir: loaded.data, databaseUrl: loaded.databaseUrl });
  try {
    const { config, refused } = await effectiveConfig(store, loaded);
    for (const r of refused) process.stderr.write(`paperboy: ${describeRefused(r)}\n`);
    return { store, config };
  } catch (err) {
    await store.close();
    throw err;
  }
}
