/** The scale-out Store: PostgreSQL shared by several stateless `paperboy serve` processes. */

import type pg from 'pg';
import { PgAlertRepository } from '../alerts/alerts.pg.repo.ts';
import { PgWebhookRepository } from '../alerts/webhook.pg.repo.ts';
import type { Connection } from '../db/dialect.ts';
import { createPool, migratePostgres, type PoolSettings } from '../db/postgres.ts';
import { PgDigestRepository } from '../digest/digest.pg.repo.ts';
import type { DigestRepository } from '../digest/digest.repo.ts';
import { PgFeedRepository } from '../feed/feed.pg.repo.ts';
import { PgForYouRepository } from '../foryou/foryou.pg.repo.ts';
import { PgCursorRepository } from '../ingest/cursors.pg.repo.ts';
import type { CursorRepository, IngestRunRepository } from '../ingest/repository.ts';
import { PgIngestRunRepository } from '../ingest/runs.pg.repo.ts';
import { PgLeaseRepository } from '../jobs/leases.pg.repo.ts';
import type { LeaseRepository } from '../jobs/leases.repo.ts';
import { PgLibraryRepository } from '../library/library.pg.repo.ts';
import { PgPaperRepository } from '../papers/papers.pg.repo.ts';
import { PgSearchRepository } from '../search/search.pg.repo.ts';
import type { SearchRepository } from '../search/search.repo.ts';
import { PgSimilarRepository } from '../search/similar.pg.repo.ts';
import type { SimilarRepository } from '../search/similar.repo.ts';
import { pgTopListsStale, rebuildPgTopLists } from '../search/toplists-build.pg.ts';
import { PgFirstRunRepository } from '../setup/first-run.pg.repo.ts';
import type { FirstRunRepository } from '../setup/first-run.repo.ts';
import { PgAccountDataRepository } from '../users/account-data.pg.repo.ts';
import { PgCommunityRepository } from '../users/community.pg.repo.ts';
import { PgFeedKeyRepository } from '../users/feed-keys.pg.repo.ts';
import { PgModerationRepository } from '../users/moderation.pg.repo.ts';
import { PgRateLimitRepository } from '../users/rate-limits.pg.repo.ts';
import type { RateLimitRepository } from '../users/rate-limits.repo.ts';
import { PgUserRepository } from '../users/users.pg.repo.ts';
import type { Store } from './store.ts';

class PostgresStore implements Store {
  readonly dialect = 'postgres' as const;
  readonly pool: pg.Pool;
  readonly connection: Connection;
  readonly papers: PgPaperRepository;
  readonly cursors: CursorRepository;
  readonly ingestRuns: IngestRunRepository;
  readonly leases: LeaseRepository;
  readonly search: SearchRepository;
  readonly similar: SimilarRepository;
  readonly digest: DigestRepository;
  readonly feed: PgFeedRepository;
  readonly users: PgUserRepository;
  readonly community: PgCommunityRepository;
  readonly library: PgLibraryRepository;
  readonly firstRun: FirstRunRepository;
  readonly forYou: PgForYouRepository;
  readonly feedKeys: PgFeedKeyRepository;
  readonly moderation: PgModerationRepository;
  readonly alerts: PgAlertRepository;
  readonly accountData: PgAccountDataRepository;
  readonly rateLimits: RateLimitRepository;
  readonly webhooks: PgWebhookRepository;
  readonly #applied: number[];
  #closed = false;

  constructor(pool: pg.Pool, applied: number[]) {
    this.pool = pool;
    this.connection = { dialect: 'postgres', pool };
    this.#applied = applied;
    this.papers = new PgPaperRepository(pool);
    this.cursors = new PgCursorRepository(pool);
    this.ingestRuns = new PgIngestRunRepository(pool);
    this.leases = new PgLeaseRepository(pool);
    this.search = new PgSearchRepository(pool);
    this.similar = new PgSimilarRepository(pool);
    this.digest = new PgDigestRepository(pool);
    this.feed = new PgFeedRepository(pool);
    this.users = new PgUserRepository(pool);
    this.community = new PgCommunityRepository(pool);
    this.firstRun = new PgFirstRunRepository(pool);
    this.forYou = new PgForYouRepository(pool);
    this.library = new PgLibraryRepository(pool);
    this.feedKeys = new PgFeedKeyRepository(pool);
    this.moderation = new PgModerationRepository(pool);
    this.alerts = new PgAlertRepository(pool);
    this.accountData = new PgAccountDataRepository(pool);
    this.webhooks = new PgWebhookRepository(pool);
    this.rateLimits = new PgRateLimitRepository(pool);
  }

  async migrations(): Promise<number[]> {
    return [...this.#applied];
  }

  /** The keyword top lists (search/toplists-build.pg.ts), when stale; one instance builds them. */
  async maintainKeywordIndex(): Promise<string | null> {
    if (!(await pgTopListsStale(this.pool))) return null;
    const r = await rebuildPgTopLists(this.pool);
    return r ? `keyword top lists: ${r.phrases} phrases in ${r.seconds.toFixed(1)} s` : null;
  }

  readonly #closers: (() => Promise<void>)[] = [];
  atClose(fn: () => Promise<void>): void {
    this.#closers.push(fn);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all(this.#closers.splice(0).map((fn) => fn()));
    await this.pool.end();
  }
}

/** Connects, applies pending migrations, and returns the Store; the pool is closed on failure. */
export async function openPostgresStore(url: string, settings: PoolSettings = {}): Promise<Store> {
  const pool = createPool(url, settings);
  try {
    return new PostgresStore(pool, await migratePostgres(pool));
  } catch (err) {
    await pool.end().catch(() => {});
    throw err;
  }
}
