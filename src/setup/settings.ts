/**
 * Site settings chosen on the setup page and changed later on /admin/settings, stored in the
 * database (`site_settings`, key `site`). They are one source of the config among the others
 * (src/config/config.ts): `effectiveConfig` reads them and resolves flags > env > saved settings >
 * file > defaults through the same schema, for every command (serve, doctor, digest, ingest, demo,
 * import) alike. A saved value the schema refuses is reported and ignored, never applied.
 *
 * The server keeps one config object shared by reference with the web app, the scheduler and the
 * lazily built mailers; `refreshConfig` updates it in place, so a change on the settings page
 * takes effect without a restart.
 */
import {
  type Config,
  type ConfigSources,
  checkSaved,
  lockedBy,
  type RefusedSetting,
  resolveConfig,
  sourcesOf,
} from '../config/config.ts';
import { InvalidInputError } from '../errors.ts';
import type { SetupStore } from './store.ts';

/** What the setup form suggests when no category is followed yet. */
export const DEFAULT_CATEGORIES = ['cs.LG', 'cs.CV', 'cs.CL', 'cs.AI'];

export interface SiteSettings {
  siteName: string;
  /** arXiv categories the harvests read and the home page falls back to. */
  categories: string[];
  /** `auto`: every new paper in the categories is featured on its day; `curate`: only submissions. */
  featureMode: 'auto' | 'curate';
  smtpUrl: string | null;
  mailFrom: string | null;
}

/** As stored: a field fixed by env or a flag when it was saved is absent. */
export type SavedSettings = Partial<SiteSettings>;
export type SettingField = keyof SiteSettings;

export const SETTINGS_KEY = 'site';
/** Where a saved setting lives, for messages. */
const SAVED_WHERE = 'saved settings (database table site_settings, changed on /admin/settings)';

/** The config keys each field of the settings form sets. */
const KEYS_OF: Record<SettingField, string[]> = {
  siteName: ['siteName'],
  categories: ['rssCategories', 'featureCategories'],
  featureMode: ['rssCategories', 'featureCategories'],
  smtpUrl: ['smtpUrl'],
  mailFrom: ['mailFrom'],
};
const FIELD_LABEL: Record<string, string> = {
  siteName: 'Site name',
  rssCategories: 'Categories',
  featureCategories: 'Categories',
  smtpUrl: 'SMTP URL',
  mailFrom: 'From',
};

/** Saved settings in config keys: categories are read by the harvest, and featured in `auto` mode. */
export function savedToConfig(saved: unknown): Record<string, unknown> {
  if (typeof saved !== 'object' || saved === null || Array.isArray(saved))
    return saved === null || saved === undefined ? {} : { site: saved };
  const s = saved as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  if (s.siteName !== undefined) out.siteName = s.siteName;
  if (s.categories !== undefined) {
    out.rssCategories = s.categories;
    out.featureCategories = s.featureMode === 'curate' ? [] : s.categories;
  }
  if (s.smtpUrl) out.smtpUrl = s.smtpUrl;
  if (s.mailFrom) out.mailFrom = s.mailFrom;
  return out;
}

export async function loadSettings(store: SetupStore): Promise<SavedSettings | null> {
  return store.firstRun.getSetting<SavedSettings>(SETTINGS_KEY);
}

/** The one function every command uses: the loaded sources plus the saved settings, resolved. */
export async function effectiveConfig(
  store: SetupStore,
  loaded: Config,
): Promise<{ config: Config; refused: RefusedSetting[] }> {
  let saved: unknown;
  try {
    saved = await store.firstRun.getSetting<unknown>(SETTINGS_KEY);
  } catch (err) {
    // Unreadable JSON in the row: reported like any refused value, the rest of the config stands.
    const { config } = resolveConfig(sourcesOf(loaded));
    return { config, refused: [{ key: SETTINGS_KEY, message: (err as Error).message }] };
  }
  return resolveConfig(sourcesOf(loaded), savedToConfig(saved));
}

/** One line per refused saved value: what, where, why. */
export function describeRefused(r: RefusedSetting): string {
  return `${r.key} in the ${SAVED_WHERE} is ignored: ${r.message}`;
}

/** Re-resolves the server's shared config object in place; returns what was refused. */
export async function refreshConfig(store: SetupStore, config: Config): Promise<RefusedSetting[]> {
  const { config: next, refused } = await effectiveConfig(store, config);
  for (const key of Object.keys(config) as (keyof Config)[]) if (!(key in next)) delete config[key];
  Object.assign(config, next);
  return refused;
}

/** Throws a clear message (field, value, rule) unless the schema accepts every value. */
export function checkSettings(s: SavedSettings): void {
  const { refused } = checkSaved(savedToConfig(s));
  if (!refused.length) return;
  const seen = new Set<string>();
  const lines = refused
    .map((r) => `${FIELD_LABEL[r.key] ?? r.key}: ${r.message}`)
    .filter((l) => !seen.has(l) && seen.add(l));
  throw new InvalidInputError(lines.join('; '));
}

/** Validated by the config schema, then stored; the caller refreshes its config. */
export async function saveSettings(store: SetupStore, s: SavedSettings, now: Date): Promise<void> {
  checkSettings(s);
  await store.firstRun.setSetting(SETTINGS_KEY, s, now.toISOString());
}

/** Fields fixed by env or a flag, with what fixes them (`PAPERBOY_SITE_NAME`). */
export function lockedFields(sources: ConfigSources): Partial<Record<SettingField, string>> {
  const out: Partial<Record<SettingField, string>> = {};
  for (const [field, keys] of Object.entries(KEYS_OF) as [SettingField, string[]][]) {
    const by = keys.map((k) => lockedBy(sources, k)).find((b) => b !== null);
    if (by) out[field] = by;
  }
  return out;
}

/** A submitted form, with each locked field kept as it was saved (absent if never saved). */
export function withoutLocked(
  submitted: SiteSettings,
  previous: SavedSettings | null,
  locked: Partial<Record<SettingField, string>>,
): SavedSettings {
  const out: SavedSettings = { ...submitted };
  for (const field of Object.keys(locked) as SettingField[]) {
    if (previous && previous[field] !== undefined) Object.assign(out, { [field]: previous[field] });
    else delete out[field];
  }
  return out;
}

/** The categories the site follows: set on the settings page, or by rssCategories/featureCategories. */
export function followedCategories(config: Config): string[] {
  return [...new Set([...config.rssCategories, ...config.featureCategories])];
}

/** The settings in force (what /admin shows and the settings form starts from). */
export function currentSettings(config: Config): SiteSettings {
  return {
    siteName: config.siteName,
    categories: followedCategories(config),
    featureMode: config.featureCategories.length ? 'auto' : 'curate',
    smtpUrl: config.smtpUrl ?? null,
    mailFrom: config.mailFrom,
  };
}
