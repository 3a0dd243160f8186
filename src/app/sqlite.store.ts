/** The embedded Store: one SQLite file under the data directory. */
import type { DatabaseSync } from 'node:sqlite';
import { SqliteAlertRepository } from '../alerts/alerts.sqlite.repo.ts';
import { SqliteWebhookRepository } from '../alerts/webhook.sqlite.repo.ts';
import type { Connection } from '../db/dialect.ts';
import { migrateSqlite, openSqlite } from '../db/sqlite.ts';
import { rebuildTopListsInWorker, topListsStale } from '../db/toplists-build.ts';
import type { DigestRepository } from '../digest/digest.repo.ts';
import { SqliteDigestRepository } from '../digest/digest.sqlite.repo.ts';
import { SqliteFeedRepository } from '../feed/feed.sqlite.repo.ts';
import { SqliteForYouRepository } from '../foryou/foryou.sqlite.repo.ts';
import { SqliteCursorRepository } from '../ingest/cursors.sqlite.repo.ts';
import type { CursorRepository, IngestRunRepository } from '../ingest/repository.ts';
import { SqliteIngestRunRepository } from '../ingest/runs.sqlite.repo.ts';
import type { LeaseRepository } from '../jobs/leases.repo.ts';
import { SqliteLeaseRepository } from '../jobs/leases.sqlite.repo.ts';
import { SqliteLibraryRepository } from '../library/library.sqlite.repo.ts';
import { SqlitePaperRepository } from '../papers/papers.sqlite.repo.ts';
import type { SearchRepository } from '../search/search.repo.ts';
import { SqliteSearchRepository } from '../search/search.sqlite.repo.ts';
import type { SimilarRepository } from '../search/similar.repo.ts';
import { SqliteSimilarRepository } from '../search/similar.sqlite.repo.ts';
import type { FirstRunRepository } from '../setup/first-run.repo.ts';
import { SqliteFirstRunRepository } from '../setup/first-run.sqlite.repo.ts';
import { SqliteAccountDataRepository } from '../users/account-data.sqlite.repo.ts';
import { SqliteCommunityRepository } from '../users/community.sqlite.repo.ts';
import { SqliteFeedKeyRepository } from '../users/feed-keys.sqlite.repo.ts';
import { SqliteModerationRepository } from '../users/moderation.sqlite.repo.ts';
import { MemoryRateLimits } from '../users/rate-limits.memory.ts';
import type { RateLimitRepository } from '../users/rate-limits.repo.ts';
import { SqliteUserRepository } from '../users/users.sqlite.repo.ts';
import type { Store } from './store.ts';

export class SqliteStore implements Store {
  readonly dialect = 'sqlite' as const;
  readonly db: DatabaseSync;
  readonly connection: Connection;
  readonly papers: SqlitePaperRepository;
  readonly cursors: CursorRepository;
  readonly ingestRuns: IngestRunRepository;
  readonly leases: LeaseRepository;
  readonly search: SearchRepository;
  readonly similar: SimilarRepository;
  readonly digest: DigestRepository;
  readonly feed: SqliteFeedRepository;
  readonly users: SqliteUserRepository;
  readonly community: SqliteCommunityRepository;
  readonly library: SqliteLibraryRepository;
  readonly firstRun: FirstRunRepository;
  readonly forYou: SqliteForYouRepository;
  readonly feedKeys: SqliteFeedKeyRepository;
  readonly moderation: SqliteModerationRepository;
  readonly alerts: SqliteAlertRepository;
  readonly accountData: SqliteAccountDataRepository;
  readonly rateLimits: RateLimitRepository;
  readonly webhooks: SqliteWebhookRepository;
  readonly #applied: number[];

  readonly #file: string;

  /**
   * `rateLimits`: where the rate limiter's windows live; this process's memory unless `serve` runs
   * several workers, which share the primary's (cluster/rate-limits.ts).
   */
  constructor(file: string, options: { rateLimits?: RateLimitRepository } = {}) {
    this.#file = file;
    this.db = openSqlite(file);
    this.#applied = migrateSqlite(this.db);
    this.connection = { dialect: 'sqlite', db: this.db, file };
    this.papers = new SqlitePaperRepository(this.db);
    this.cursors = new SqliteCursorRepository(this.db);
    this.ingestRuns = new SqliteIngestRunRepository(this.db);
    this.leases = new SqliteLeaseRepository(this.db);
    this.search = new SqliteSearchRepository(this.db);
    this.similar = new SqliteSimilarRepository(this.db);
    this.digest = new SqliteDigestRepository(this.db);
    this.feed = new SqliteFeedRepository(this.db);
    this.users = new SqliteUserRepository(this.db);
    this.community = new SqliteCommunityRepository(this.db);
    this.firstRun = new SqliteFirstRunRepository(this.db);
    this.forYou = new SqliteForYouRepository(this.db);
    this.library = new SqliteLibraryRepository(this.db);
    this.feedKeys = new SqliteFeedKeyRepository(this.db);
    this.moderation = new SqliteModerationRepository(this.db);
    this.alerts = new SqliteAlertRepository(this.db);
    this.accountData = new SqliteAccountDataRepository(this.db);
    this.webhooks = new SqliteWebhookRepository(this.db);
    this.rateLimits = options.rateLimits ?? new MemoryRateLimits();
  }

  async migrations(): Promise<number[]> {
    return [...this.#applied];
  }

  async maintainKeywordIndex(): Promise<string | null> {
    if (this.#file === ':memory:' || !topListsStale(this.db)) return null;
    const r = await rebuildTopListsInWorker(this.#file);
    return `keyword top lists: ${r.phrases} phrases in ${r.seconds.toFixed(1)} s${r.valid ? '' : ' (text changed meanwhile: unused until the next rebuild)'}`;
  }

  /** The database file (`:memory:` for a private in-memory database). */
  get file(): string {
    return this.#file;
  }

  readonly #closers: (() => Promise<void>)[] = [];
  atClose(fn: () => Promise<void>): void {
    this.#closers.push(fn);
  }

  async close(): Promise<void> {
    await Promise.all(this.#closers.splice(0).map((fn) => fn()));
    if (this.db.isOpen) this.db.close();
  }
}
