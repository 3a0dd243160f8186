/**
 * Site settings chosen on the setup page, stored in the database (`site_settings`) and laid over
 * the loaded config at startup and whenever they change. The config object is shared by reference
 * with the web app, the scheduler and the lazily built mailer, so updating it in place makes every
 * part see the new choice without a restart.
 */
import type { Config } from '../config/config.ts';
import type { Store } from '../db/store.ts';

export const DEFAULT_CATEGORIES = ['cs.LG', 'cs.CV', 'cs.CL', 'cs.AI'];
export const CATEGORY_RE = /^[a-z][a-z-]{0,20}(\.[A-Za-z-]{1,20})?$/;

export interface SiteSettings {
  siteName: string;
  /** arXiv categories the harvests read and the home page falls back to. */
  categories: string[];
  /** `auto`: every new paper in the categories is featured on its day; `curate`: only submissions. */
  featureMode: 'auto' | 'curate';
  smtpUrl: string | null;
  mailFrom: string | null;
}

export const SETTINGS_KEY = 'site';

export async function loadSettings(store: Store): Promise<SiteSettings | null> {
  return store.firstRun.getSetting<SiteSettings>(SETTINGS_KEY);
}

export function applySettings(config: Config, s: SiteSettings): void {
  Object.assign(config, {
    siteName: s.siteName,
    rssCategories: s.categories,
    featureCategories: s.featureMode === 'auto' ? s.categories : [],
    ...(s.smtpUrl ? { smtpUrl: s.smtpUrl } : {}),
    ...(s.mailFrom ? { mailFrom: s.mailFrom } : {}),
  });
}

export async function saveSettings(store: Store, config: Config, s: SiteSettings, now: Date): Promise<void> {
  await store.firstRun.setSetting(SETTINGS_KEY, s, now.toISOString());
  applySettings(config, s);
}

/** The categories the site follows: set on the setup page, or by rssCategories/featureCategories. */
export function followedCategories(config: Config): string[] {
  return [...new Set([...config.rssCategories, ...config.featureCategories])];
}

/** What the setup form starts with: the current configuration, or the defaults. */
export function currentSettings(config: Config): SiteSettings {
  const followed = followedCategories(config);
  return {
    siteName: config.siteName,
    categories: followed.length ? followed : DEFAULT_CATEGORIES,
    featureMode: followed.length && !config.featureCategories.length ? 'curate' : 'auto',
    smtpUrl: config.smtpUrl ?? null,
    mailFrom: config.mailFrom,
  };
}
