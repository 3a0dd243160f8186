/** The digest repository on SQLite: each concern's SQLite class (see digest.repo.ts). */
import type { DatabaseSync } from 'node:sqlite';
import { SqliteDigestBounces } from './bounces.sqlite.repo.ts';
import { SqliteDigestConsent } from './consent.sqlite.repo.ts';
import { DigestRepository } from './digest.repo.ts';
import { SqliteDigestOutbox } from './outbox.sqlite.repo.ts';
import { SqliteDigestPlanning } from './planning.sqlite.repo.ts';
import { SqliteDigestRuns } from './runs.sqlite.repo.ts';
import { SqliteDigestSecrets } from './secrets.sqlite.repo.ts';
import { SqliteDigestSubscribers } from './subscribers.sqlite.repo.ts';

export class SqliteDigestRepository extends DigestRepository {
  constructor(db: DatabaseSync) {
    super({
      subscribers: new SqliteDigestSubscribers(db),
      consent: new SqliteDigestConsent(db),
      bounces: new SqliteDigestBounces(db),
      secrets: new SqliteDigestSecrets(db),
      planning: new SqliteDigestPlanning(db),
      outbox: new SqliteDigestOutbox(db),
      runs: new SqliteDigestRuns(db),
    });
  }
}
