/** The digest repository on PostgreSQL: each concern's PostgreSQL class (see digest.repo.ts). */
import type pg from 'pg';
import { PgDigestBounces } from './bounces.pg.repo.ts';
import { PgDigestConsent } from './consent.pg.repo.ts';
import { DigestRepository } from './digest.repo.ts';
import { PgDigestOutbox } from './outbox.pg.repo.ts';
import { PgDigestPlanning } from './planning.pg.repo.ts';
import { PgDigestRuns } from './runs.pg.repo.ts';
import { PgDigestSecrets } from './secrets.pg.repo.ts';
import { PgDigestSubscribers } from './subscribers.pg.repo.ts';

export class PgDigestRepository extends DigestRepository {
  constructor(pool: pg.Pool) {
    super({
      subscribers: new PgDigestSubscribers(pool),
      consent: new PgDigestConsent(pool),
      bounces: new PgDigestBounces(pool),
      secrets: new PgDigestSecrets(pool),
      planning: new PgDigestPlanning(pool),
      outbox: new PgDigestOutbox(pool),
      runs: new PgDigestRuns(pool),
    });
  }
}
