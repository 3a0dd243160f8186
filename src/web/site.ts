/**
 * The site's services, built once per app from the store and config: accounts, community, rate
 * limits, the password hasher and the anonymous page cache. Tests can replace the mailer, the
 * arXiv fetcher or the clock through `SiteOptions`.
 */

import type { ComputeResult } from '../alerts/compute.ts';
import { sendAlertMails } from '../alerts/mail.ts';
import type { AlertService } from '../alerts/service.ts';
import { ALERT_POLL_MS, createAlerts } from '../app/alerts.ts';
import { createForYou } from '../app/foryou.ts';
import type { Store } from '../app/store.ts';
import type { Config } from '../config/config.ts';
import type { Mailer } from '../digest/mail.ts';
import { createMailer } from '../digest/mailer.ts';
import type { ForYouService } from '../foryou/service.ts';
import { fetchArxivPaper } from '../ingest/setup.ts';
import { LibraryService } from '../library/library.ts';
import type { PaperInput } from '../papers/paper.ts';
import { createSimilarLists, type SimilarSetup } from '../search/similar-setup.ts';
import { log } from '../shared/log.ts';
import { AccountService } from '../users/accounts.ts';
import { CommunityService } from '../users/community.ts';
import { ModerationService } from '../users/moderation.ts';
import { PasswordHasher } from '../users/password.ts';
import { PersonalFeedKeys } from '../users/personal-feeds.ts';
import { RateLimiter } from '../users/rate-limit.ts';
import { PageCache } from './page-cache.ts';

export interface SiteOptions {
  mailer?: Mailer;
  fetchPaper?: (arxivId: string) => Promise<PaperInput | null>;
  now?: () => Date;
  hasher?: PasswordHasher;
  /** Called after each alert-event computation the site starts and the mails it sent (tests wait on it). */
  alertsComputed?: (r: ComputeResult, mailed: number) => void;
  /** How long a paper page waits for a similar list not stored yet (tests: 0 = never). */
  similarWaitMs?: number;
}

export interface Site {
  accounts: AccountService;
  community: CommunityService;
  /** Reports, their queue and the moderation log (issue 16 item 16). */
  moderation: ModerationService;
  library: LibraryService;
  limiter: RateLimiter;
  hasher: PasswordHasher;
  pageCache: PageCache;
  /** For you (issue 14): follows, feedback, the reader's controls and ranked list. */
  forYou: ForYouService;
  /** Alerts (issue 15): the reader's alerts, and the event computation after votes and submissions. */
  alerts: AlertService;
  /** Keys of personal feed URLs (issue 14 item 5). */
  feedKeys: PersonalFeedKeys;
  /** Stored "similar papers" lists, computed in the background (search/similar.ts). */
  similar: SimilarSetup;
  /**
   * How long a paper page waits for a list not stored yet: one from vectors takes a few ms and
   * shows at once; the keyword fallback (50–360 ms at 1M papers) shows on the next view instead.
   */
  similarWaitMs: number;
  now: () => Date;
  close(): Promise<void>;
}

export function createSite(store: Store, config: Config, options: SiteOptions = {}): Site {
  const now = options.now ?? (() => new Date());
  const limiter = new RateLimiter({ now: () => now().getTime(), repo: store.rateLimits });
  const hasher = options.hasher ?? new PasswordHasher({ maxConcurrent: config.hashConcurrency });
  const pageCache = new PageCache(config.pageCacheMs);
  const similar = createSimilarLists(store, config, { now, warm: true });
  // Built on first use: a site nobody signs up to never opens SMTP connections or mail folders.
  // Rebuilt when /admin/settings changes the SMTP URL or sender (config is updated in place).
  let mailer: Mailer | null = options.mailer ?? null;
  let builtFor = '';
  const getMailer = () => {
    if (options.mailer) return options.mailer;
    const key = `${config.smtpUrl ?? ''}\n${config.mailFrom}`;
    if (mailer && builtFor !== key) {
      const old = mailer;
      void old.close().catch(() => {});
      mailer = null;
    }
    if (!mailer) {
      mailer = createMailer(config);
      builtFor = key;
    }
    return mailer;
  };
  // Only the configured arXiv API is ever asked, and only for an id already validated, through
  // the process's one upstream client (shared with the harvests, so arXiv's interval holds).
  const fetchPaper =
    options.fetchPaper ??
    ((arxivId: string, signal?: AbortSignal) => fetchArxivPaper(config, arxivId, signal));
  const accounts = new AccountService({
    users: store.users,
    hasher,
    limiter,
    mailer: getMailer,
    baseUrl: config.baseUrl!.replace(/\/$/, ''),
    // Read at each mail: the admin can rename the site while the server runs.
    siteName: () => config.siteName,
    now,
  });
  const alerts = createAlerts(store, config, () => now().getTime());
  // After a vote or a submission (their changes are queued by migration 015's triggers), and
  // every ALERT_POLL_MS for writes of other processes (an import, a second server): compute the
  // events, then send the alert mails that are due (at most one per reader per hour).
  let alertRun: Promise<void> = Promise.resolve();
  const runAlerts = () => {
    alertRun = alerts
      .poke()
      .then(async (r) => {
        const mailed = await sendAlertMails({
          alerts: store.alerts,
          users: store.users,
          mailer: getMailer,
          baseUrl: config.baseUrl!,
          siteName: () => config.siteName,
          now: () => now().getTime(),
        });
        options.alertsComputed?.(r, mailed);
      })
      .catch((err: unknown) => log.error('alerts: the background run failed', { err }))
      .then(() => {});
  };
  const alertPoll = setInterval(runAlerts, ALERT_POLL_MS);
  alertPoll.unref();
  const community = new CommunityService({
    papers: store.papers,
    community: store.community,
    feed: store.feed,
    limiter,
    fetchPaper,
    changed: () => {
      pageCache.invalidate();
      runAlerts();
    },
    now,
  });
  const library = new LibraryService({
    library: store.library,
    papers: store.papers,
    limiter,
    changed: () => pageCache.invalidate(),
    now,
  });
  const moderation = new ModerationService({
    moderation: store.moderation,
    papers: store.papers,
    community: store.community,
    users: store.users,
    setBanned: async (userId, banned) => {
      await accounts.setBanned(userId, banned);
      pageCache.invalidate();
    },
    limiter,
    now,
  });
  const forYou = createForYou(store, config, { now });
  return {
    accounts,
    community,
    moderation,
    forYou,
    alerts,
    feedKeys: new PersonalFeedKeys(store.feedKeys, now),
    library,
    limiter,
    hasher,
    pageCache,
    similar,
    similarWaitMs: options.similarWaitMs ?? 25,
    now,
    async close() {
      clearInterval(alertPoll);
      await alerts.settled();
      await alertRun;
      await similar.close();
      await accounts.settled(); // account mails go out after their answer: let them finish
      if (mailer && !options.mailer) await mailer.close();
    },
  };
}
