/** What the web app is built from (app.ts `buildApp`); a module of its own so routes need not import app.ts. */
import type { Store } from '../app/store.ts';
import type { Config } from '../config/config.ts';
import type { SiteOptions } from './site.ts';

export interface AppDeps {
  store: Store;
  config: Config;
  /** Test seams for the site's services (mailer, arXiv fetcher, clock); see site.ts. */
  siteOptions?: SiteOptions;
  /** Where the request log goes (default stdout); tests read it. */
  logStream?: { write(line: string): void };
}
