/**
 * How every command opens its store: the database named by the loaded config, then the effective
 * config with the settings saved on /admin/settings laid in at their precedence (flags > env >
 * saved > file > defaults; src/setup/settings.ts `effectiveConfig`). A saved value the schema
 * refuses is logged and ignored.
 */
import { openStore } from '../app/open.ts';
import type { Store } from '../app/store.ts';
import type { Config } from '../config/config.ts';
import { describeRefused, effectiveConfig } from '../setup/settings.ts';
import { log } from '../shared/log.ts';

export async function openConfigured(loaded: Config): Promise<{ store: Store; config: Config }> {
  const store = await openStore({ dataDir: loaded.data, databaseUrl: loaded.databaseUrl });
  try {
    const { config, refused } = await effectiveConfig(store, loaded);
    for (const r of refused) log.warn(describeRefused(r));
    return { store, config };
  } catch (err) {
    await store.close();
    throw err;
  }
}
