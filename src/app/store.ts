/**
 * The one storage aggregate every database implements (SQLite embedded default, PostgreSQL for
 * scale-out), assembled here in the composition root: db/ opens the connection and migrates,
 * each domain owns its repository interface, and the stores (sqlite.store.ts, postgres.store.ts)
 * build every repository. Domains never import this: each names the part it needs (e.g.
 * src/digest/store.ts), which this Store satisfies. test/contract/ runs the same tests against both.
 */
import type { AlertRepository } from '../alerts/types.ts';
import type { WebhookRepository } from '../alerts/webhook.repo.ts';
import type { Database } from '../db/dialect.ts';
import type { DigestRepository } from '../digest/digest.repo.ts';
import type { FeedRepository } from '../feed/feed.ts';
import type { ForYouRepository } from '../foryou/repository.ts';
import type { CursorRepository, IngestRunRepository } from '../ingest/repository.ts';
import type { LeaseRepository } from '../jobs/leases.repo.ts';
import type { LibraryRepository } from '../library/types.ts';
import type { PaperRepository } from '../papers/repository.ts';
import type { SearchRepository } from '../search/search.repo.ts';
import type { SimilarRepository } from '../search/similar.repo.ts';
import type { FirstRunRepository } from '../setup/first-run.repo.ts';
import type { AccountDataRepository } from '../users/account-data.repo.ts';
import type { FeedKeyRepository } from '../users/feed-keys.repo.ts';
import type { ModerationRepository } from '../users/moderation.repo.ts';
import type { RateLimitRepository } from '../users/rate-limits.repo.ts';
import type { CommunityRepository, UserRepository } from '../users/types.ts';

export interface Store extends Database {
  readonly papers: PaperRepository;
  readonly cursors: CursorRepository;
  readonly ingestRuns: IngestRunRepository;
  readonly leases: LeaseRepository;
  /** Keyword/vector candidates and stored similar lists (FTS5 vs tsvector: the engines truly differ). */
  readonly search: SearchRepository;
  readonly similar: SimilarRepository;
  /** Subscribers, the digest outbox ledger, bounces (src/digest/digest.repo.ts, one SQL for both dialects). */
  readonly digest: DigestRepository;
  /** Site (issue 4): feed lists, accounts/sessions, votes/submissions/comments. */
  readonly feed: FeedRepository;
  readonly users: UserRepository;
  readonly community: CommunityRepository;
  /** Readers' collections of saved papers (issue 14, src/library/). */
  readonly library: LibraryRepository;
  /** Setup-page settings and demo-data marks (issue 7, src/setup/first-run.repo.ts). */
  readonly firstRun: FirstRunRepository;
  /** For you (issue 14): follows, feedback, start-out picks, controls (src/foryou/repository.ts). */
  readonly forYou: ForYouRepository;
  /** The per-account secret of personal feed URLs (issue 14 item 5, src/users/personal-feeds.ts). */
  readonly feedKeys: FeedKeyRepository;
  /** Reports and the moderation log (issue 16 item 16, src/users/moderation.ts). */
  readonly moderation: ModerationRepository;
  /** Alerts, their events and the change queue (issue 15, src/alerts/). */
  readonly alerts: AlertRepository;
  /** An account's data as a whole: the export's extra reads, deletion (issue 14 item 8). */
  readonly accountData: AccountDataRepository;
  /** Alert webhooks, their delivery queue and attempts (issue 15 item 2, src/alerts/webhook.repo.ts). */
  readonly webhooks: WebhookRepository;
  /** Rate-limit windows: in memory on SQLite, a table shared by every instance on PostgreSQL (issue 18 item 5). */
  readonly rateLimits: RateLimitRepository;
}
